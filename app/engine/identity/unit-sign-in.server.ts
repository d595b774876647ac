// The 法人 login of units (docs/decisions/016-unit-registration.md): the same ticket service as
// persons (ticket.server.ts), another login page and answer. The answer names the unit (统一社会
// 信用代码, checked) and the person at the keyboard (name, 身份证号). A unit not in the 工作单位
// dictionary gets nothing. The 经办人 of an approved 单位注册 signs in as their unit_reviewer
// account; anyone else of the unit gets a short unit session that reaches only the 单位注册 pages.
//
// The sandbox side (a few fictional units, /sandbox-idp/unit-login and /sandbox-idp/unit-exchange)
// is here too; on only with UNIT_IDENTITY=ticket and IDENTITY_TICKET_SANDBOX=1.
import type { Session } from "@remix-run/node";
import { Op } from "sequelize";
import type { Db } from "~/utils/db.server";
import { getEnv, type UnitTicketConfig } from "~/utils/env.server";
import { getSession } from "~/utils/session.server";
import { creditCodeCheckChar, idCardCheckChar, isValidCreditCode, isValidIdCard, isValidMobile, orgCodeCheckChar } from "../cn-codes";
import { unitAgentRole } from "../people/roles";
import { exchangeForAnswer, sandboxGotoAllowed, sandboxTicketBack, type SignInFlow, type VerifiedPerson } from "./ticket.server";

export const UNIT_CALLBACK_PATH = "/auth/unit/callback";
export const UNIT_FLOW: SignInFlow = { cookie: "zcps_idp_unit_state", path: "/auth/unit", callback: UNIT_CALLBACK_PATH };

/** The 法人 login's configuration, or null when units do not sign in (its pages then 404). */
export function unitIdentity(): UnitTicketConfig | null {
  const cfg = getEnv().unitIdentity;
  return cfg.kind === "ticket" ? cfg : null;
}

/** What the 法人 login verified: the unit and the person who signed in for it. */
export interface VerifiedUnitLogin { creditCode: string; unitName: string; operator: VerifiedPerson }

/** The unit and operator as the service describes them, checked; or why not (Chinese). */
export function unitLoginFrom(cfg: UnitTicketConfig, answer: Record<string, unknown>): VerifiedUnitLogin | { error: string } {
  const text = (k: string) => (typeof answer[k] === "string" ? (answer[k] as string).trim() : typeof answer[k] === "number" ? String(answer[k]) : "");
  const creditCode = text(cfg.fields.creditCode).toUpperCase();
  const unitName = text(cfg.fields.unitName);
  const name = text(cfg.fields.name);
  const idNumber = text(cfg.fields.idNumber).toUpperCase();
  const mobile = text(cfg.fields.mobile);
  if (!isValidCreditCode(creditCode)) return { error: "法人登录返回的统一社会信用代码无效" };
  if (unitName.length > 128) return { error: "法人登录返回的单位名称过长" };
  if (!name || name.length > 64) return { error: "法人登录返回的经办人姓名为空或过长" };
  if (!isValidIdCard(idNumber)) return { error: "法人登录返回的经办人身份证号无效" };
  return { creditCode, unitName, operator: { name, idNumber, mobile: mobile && isValidMobile(mobile) ? mobile : null } };
}

/** Exchanges a 法人 login ticket, server to server, for the verified unit and operator. */
export async function exchangeUnitTicket(cfg: UnitTicketConfig, ticket: string, now = Date.now()): Promise<VerifiedUnitLogin | { error: string }> {
  const r = await exchangeForAnswer(cfg, ticket, now);
  return r.ok ? unitLoginFrom(cfg, r.answer) : { error: r.error };
}

export type UnitSignInOutcome =
  | { kind: "unknown-unit"; creditCode: string; unitName: string }
  | { kind: "agent"; userId: number; role: string }
  | { kind: "unit"; unitId: number };

/**
 * Where a verified 法人 login goes: nowhere when the credit code is not in the units dictionary;
 * the 经办人's account when the unit has an approved registration naming this operator (by
 * 身份证号) whose account still holds that unit; else the unit's own short session.
 */
export async function unitSignInOutcome(db: Db, login: VerifiedUnitLogin): Promise<UnitSignInOutcome> {
  const unit = await db.models.Unit.findOne({ where: { creditCode: login.creditCode }, attributes: ["id"] });
  if (!unit) return { kind: "unknown-unit", creditCode: login.creditCode, unitName: login.unitName };
  const role = unitAgentRole();
  const approved = role ? await db.models.UnitRegistration.findAll({
    where: { unitId: unit.id, status: "approved", agentIdNumber: login.operator.idNumber, userId: { [Op.ne]: null } },
    order: [["reviewedAt", "DESC"], ["id", "DESC"]], attributes: ["userId"], raw: true,
  }) : [];
  for (const r of approved) {
    const user = await db.models.User.findByPk(r.userId!, { attributes: ["id", "role"] });
    if (!user || user.role !== role) continue;
    const scoped = await db.models.UserScope.count({ where: { userId: user.id, kind: "unit", refId: unit.id } });
    if (scoped) {
      await user.update({ lastLoginAt: new Date() });
      return { kind: "agent", userId: user.id, role: user.role };
    }
  }
  return { kind: "unit", unitId: unit.id };
}

// ---- the unit session ---------------------------------------------------------------------------

/** Kept in the (server-side) session under its own key; it never carries a userId. */
const UNIT_SESSION_KEY = "unitSignIn";
/** A unit session lasts this long from its sign-in (the 单位注册 is a short errand). */
export const UNIT_SESSION_MS = 30 * 60_000;

export interface UnitSignIn { unitId: number; operator: VerifiedPerson; until: number }

export function setUnitSignIn(session: Session, unitId: number, operator: VerifiedPerson, now = Date.now()) {
  const value: UnitSignIn = { unitId, operator, until: now + UNIT_SESSION_MS };
  session.set(UNIT_SESSION_KEY, value);
}

/** The unit signed in on this request's session, or null (none, expired, or the feature is off). */
export async function unitSignInOf(request: Request, now = Date.now()): Promise<UnitSignIn | null> {
  if (!unitIdentity()) return null;
  const session = await getSession(request);
  const v = session.get(UNIT_SESSION_KEY) as UnitSignIn | undefined;
  if (!v || typeof v !== "object" || typeof v.unitId !== "number" || typeof v.until !== "number" || v.until < now) return null;
  if (!v.operator || typeof v.operator.name !== "string" || typeof v.operator.idNumber !== "string") return null;
  return v;
}

// ---- the sandbox 法人 login ---------------------------------------------------------------------

const creditCode = (org: string, region: string, body8: string) => {
  const first17 = `${org}${region}${body8}${orgCodeCheckChar(body8)}`;
  return first17 + creditCodeCheckChar(first17);
};
const idnum = (first17: string) => first17 + idCardCheckChar(first17);

/**
 * Fictional 法人 accounts (valid check characters). The first two carry the credit codes the
 * reference seed gives 浙江工业大学 and 浙江省人民医院 (scripts/seeders/reference-data.ts), so they
 * are in the demo's 工作单位 dictionary; the last is in no dictionary.
 */
export const SANDBOX_UNITS: readonly { name: string; creditCode: string; note: string; operators: readonly { name: string; idnum: string; mobile: string }[] }[] = [
  {
    name: "浙江工业大学", creditCode: "12330000643842105F", note: "在工作单位字典中",
    operators: [
      { name: "沙箱赵敏", idnum: idnum("33010219800415002"), mobile: "13900000011" },
      { name: "沙箱钱程", idnum: idnum("33010519830927003"), mobile: "13900000012" },
    ],
  },
  {
    name: "浙江省人民医院", creditCode: "123300001382054476", note: "在工作单位字典中",
    operators: [{ name: "沙箱孙悦", idnum: idnum("33010319870203004"), mobile: "13900000013" }],
  },
  {
    name: "沙箱虚构科技有限公司", creditCode: creditCode("91", "330106", "20261205"), note: "不在工作单位字典中",
    operators: [{ name: "沙箱周明", idnum: idnum("33010619910618005"), mobile: "13900000014" }],
  },
];

/** The sandbox's configuration, or null when the sandbox is not on (its pages then 404). */
export function sandboxUnitIdentity(): UnitTicketConfig | null {
  const cfg = unitIdentity();
  return cfg && cfg.sandbox ? cfg : null;
}

export function sandboxUnitGotoAllowed(goto: string) {
  return sandboxGotoAllowed(goto, UNIT_FLOW);
}

/** A unit signs in at the sandbox: a single-use ticket, and where the browser goes with it. */
export async function issueSandboxUnitTicket(db: Db, cfg: UnitTicketConfig, f: { serviceCode: string; goto: string; unit: number; operator: number }, now = Date.now()): Promise<{ error: string } | { redirectTo: string }> {
  if (f.serviceCode !== cfg.serviceCode) return { error: "未注册的接入系统（servicecode 不正确）" };
  if (!sandboxUnitGotoAllowed(f.goto)) return { error: "返回地址不属于已注册的接入系统" };
  const u = SANDBOX_UNITS[f.unit];
  const p = u?.operators[f.operator];
  if (!u || !p) return { error: "请选择一个测试单位及其经办人" };
  const k = cfg.fields;
  const answer = { [k.creditCode]: u.creditCode, [k.unitName]: u.name, [k.name]: p.name, [k.idNumber]: p.idnum, [k.mobile]: p.mobile };
  return { redirectTo: await sandboxTicketBack(db, f.goto, answer, "unit", now) };
}
