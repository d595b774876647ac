// The 法人 login's answer (app/engine/identity/unit-sign-in.server.ts): the unit's credit code
// (GB 32100 check character) and the operator's 身份证号 are checked, field names mapped.
import { describe, expect, it } from "vitest";
import { SANDBOX_UNITS, unitLoginFrom } from "~/engine/identity/unit-sign-in.server";
import { isValidCreditCode, isValidIdCard } from "~/engine/cn-codes";
import type { UnitTicketConfig } from "~/utils/env.server";

const cfg: UnitTicketConfig = {
  kind: "ticket", sandbox: false, secret: "k", serviceCode: "c", loginUrl: "https://idp/corp", exchangeUrl: "https://idp/x",
  fields: { creditCode: "uscc", unitName: "corpName", name: "attn", idNumber: "attnId", mobile: "tel" },
};
const unit = SANDBOX_UNITS[0];
const op = unit.operators[0];
const answer = { result: "0", uscc: unit.creditCode.toLowerCase(), corpName: unit.name, attn: op.name, attnId: op.idnum, tel: op.mobile };

describe("法人 login answer", () => {
  it("maps the provider's fields and normalises the codes", () => {
    expect(unitLoginFrom(cfg, answer)).toEqual({ creditCode: unit.creditCode, unitName: unit.name, operator: { name: op.name, idNumber: op.idnum, mobile: op.mobile } });
  });
  it("refuses a credit code whose check character is wrong, and a bad 身份证号 or name", () => {
    const last = unit.creditCode.at(-1) === "1" ? "2" : "1";
    expect(unitLoginFrom(cfg, { ...answer, uscc: unit.creditCode.slice(0, 17) + last })).toEqual({ error: "法人登录返回的统一社会信用代码无效" });
    expect(unitLoginFrom(cfg, { ...answer, attnId: "330102198004150025" })).toEqual({ error: "法人登录返回的经办人身份证号无效" });
    expect(unitLoginFrom(cfg, { ...answer, attn: " " })).toEqual({ error: "法人登录返回的经办人姓名为空或过长" });
    expect(unitLoginFrom(cfg, { ...answer, tel: "12" })).toMatchObject({ operator: { mobile: null } });
  });
  it("the sandbox's units and operators carry valid codes", () => {
    for (const u of SANDBOX_UNITS) {
      expect(isValidCreditCode(u.creditCode), u.name).toBe(true);
      for (const p of u.operators) expect(isValidIdCard(p.idnum), p.name).toBe(true);
    }
    expect(new Set(SANDBOX_UNITS.map((u) => u.creditCode)).size).toBe(SANDBOX_UNITS.length);
  });
});
