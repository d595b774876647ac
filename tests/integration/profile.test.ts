// 个人基本信息: the first-login gate, a valid save, and every kind of bad input refused on the
// right field with nothing saved; concurrent saves → 409.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { type Db } from "~/utils/db.server";
import { getForm } from "~/engine/form-registry.server";
import { idNumber, uniqueName, unitId, validProfile } from "../helpers/fixtures";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let unit: number;
const ROUTE = "routes/profile";

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  unit = await unitId(db);
});
afterAll(async () => ctx?.stop());

async function newApplicant() {
  const c = new Client(server.url);
  const username = uniqueName("app");
  const res = await c.post("/register", { username, password: "Tulip-Harbor-2931", confirmPassword: "Tulip-Harbor-2931" });
  expect(res.status).toBe(302);
  const user = await db.models.User.findOne({ where: { username } });
  return { c, user: user! };
}

describe("first login", () => {
  it.each(["/home", "/"])("an applicant without a profile is sent from %s to the profile form", async (path) => {
    const { c } = await newApplicant();
    const res = await c.get(path);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/profile");
  });

  it("renders the profile form from forms/profile.json, in Chinese, with the save button", async () => {
    const { c } = await newApplicant();
    const html = await (await c.get("/profile")).text();
    for (const label of ["姓名", "身份证号", "工作单位", "参加工作时间", "最高学历", "通讯地址", "保存并进入个人中心", "首次登录请先完善个人基本信息"]) {
      expect(html).toContain(label);
    }
    expect(html).not.toMatch(/>Submit</);
  });
});

describe("saving", () => {
  it("saves a valid profile with its form version and opens 个人中心", async () => {
    const { c, user } = await newApplicant();
    const res = await c.post("/profile", { data: validProfile(unit), version: null }, { json: true });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/home");
    const row = await db.models.Profile.findOne({ where: { userId: user.id } });
    expect(row?.formId).toBe("profile");
    // Saved against the latest published profile form, whatever its number.
    expect(row?.formVersion).toBe((await getForm(db, "profile"))!.version);
    expect(row?.unitId).toBe(unit);
    expect(row?.data.name).toBe("王小明");
    const home = await (await c.get("/home")).text();
    expect(home).toContain("个人中心");
    expect(home).toContain("王小明");
    expect(home).toContain("浙江工业大学");
    expect(home).toContain("浙江省教育厅");
    // Still editable from 个人中心, prefilled.
    const again = await (await c.get("/profile")).text();
    expect(again).toContain("王小明");
  });

  it("binds a 百度学术 ScholarID (optional field of the profile form)", async () => {
    const { c, user } = await newApplicant();
    expect(await (await c.get("/profile")).text()).toContain("百度学术 ScholarID");
    const res = await c.post("/profile", { data: validProfile(unit, { scholarId: "CN-BM75JUJJ" }), version: null }, { json: true });
    expect(res.status).toBe(302);
    const row = await db.models.Profile.findOne({ where: { userId: user.id } });
    expect(row?.data.scholarId).toBe("CN-BM75JUJJ");
    expect(await (await c.get("/profile")).text()).toContain("CN-BM75JUJJ");
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    ["a wrong ID checksum", { idNumber: idNumber().slice(0, 17) + (idNumber().endsWith("0") ? "1" : "0") }, "idNumber", "身份证号码不正确"],
    ["a bad mobile number", { mobile: "1234567" }, "mobile", "手机号码不正确"],
    ["a missing required field", { name: undefined }, "name", "此项为必填项"],
    ["an unknown extra property", { isAdmin: true }, "", "不允许的字段：isAdmin"],
    ["an over-long string", { address: "杭".repeat(10_000) }, "address", "不能超过 120 个字符"],
    ["an unknown unit id", { unitId: 99_999_999 }, "unitId", "所选工作单位不存在"],
    ["a unit id of the wrong type", { unitId: "1 OR 1=1" }, "unitId", "类型不正确"],
    ["a value outside the options", { gender: "未知" }, "gender", "请从给定选项中选择"],
    ["a bad year-month", { workStartDate: "2012-13" }, "workStartDate", "应为年月"],
    ["a ScholarID that is a URL", { scholarId: "https://xueshu.baidu.com/scholarID/CN-BM75JUJJ" }, "scholarId", "格式不正确"],
  ];
  it.each(cases)("refuses %s with a message on the field and saves nothing", async (_, over, field, message) => {
    const { c, user } = await newApplicant();
    const data = validProfile(unit, over);
    const res = await c.action("/profile", ROUTE, { data, version: null });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toBe("请按提示修改后再保存");
    expect(body.fieldErrors[field].join()).toContain(message);
    expect(await db.models.Profile.count({ where: { userId: user.id } })).toBe(0);
    const u = await db.models.User.findByPk(user.id);
    expect(u?.profileCompletedAt).toBeNull();
  });

  it.each([
    ["a JSON array", "[1,2]"],
    ["broken JSON", "{\"data\":"],
    ["a 3 MB body", JSON.stringify({ data: { name: "x".repeat(3_000_000) } })],
  ])("refuses %s without a 500", async (_, raw) => {
    const { c } = await newApplicant();
    const res = await fetch(`${server.url}/profile?_data=${ROUTE}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url, Cookie: `__zcps=${c.cookies.get("__zcps")}` },
      body: raw,
    });
    expect([400, 413]).toContain(res.status);
    expect((await res.json()).error).toMatch(/提交的(数据格式不正确|内容过大)/);
  });

  it("second of two saves from the same version gets 409 and does not overwrite", async () => {
    const { c, user } = await newApplicant();
    await c.post("/profile", { data: validProfile(unit), version: null }, { json: true });
    const row = await db.models.Profile.findOne({ where: { userId: user.id } });
    const v = row!.version;
    const tab1 = await c.action("/profile", ROUTE, { data: validProfile(unit, { name: "第一个标签页" }), version: v });
    expect(tab1.status).toBe(204); // redirect in a data request
    const tab2 = await c.action("/profile", ROUTE, { data: validProfile(unit, { name: "第二个标签页" }), version: v });
    expect(tab2.status).toBe(409);
    expect((await tab2.json()).error).toContain("已在其他页面被修改");
    const after = await db.models.Profile.findOne({ where: { userId: user.id } });
    expect(after?.data.name).toBe("第一个标签页");
    expect(after?.version).toBe(v + 1);
  });

  it("a first save racing another first save: one wins, the other gets 409", async () => {
    const { c, user } = await newApplicant();
    const [a, b] = await Promise.all([
      c.action("/profile", ROUTE, { data: validProfile(unit, { name: "甲甲" }), version: null }),
      c.action("/profile", ROUTE, { data: validProfile(unit, { name: "乙乙" }), version: null }),
    ]);
    expect([a.status, b.status].sort()).toEqual([204, 409]);
    expect(await db.models.Profile.count({ where: { userId: user.id } })).toBe(1);
  });
});
