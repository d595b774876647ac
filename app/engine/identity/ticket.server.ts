// Sign-in through a ticket-exchange identity service, as systems joined to 浙江政务服务网 do
// (docs/decisions/015-identity.md): the browser goes to the service's login page with our service
// code and a return address; it comes back with a one-time ticket, which we exchange server to
// server, in a signed request, for the person the service verified (name, 身份证号, mobile).
//
// Both sides live here, as for payments: ours (loginUrl, exchangeTicket) and the sandbox service
// the app serves under /sandbox-idp for the demo and the tests (a few fictional persons, signed
// exchanges, single-use tickets that expire) — on only when configured.
import crypto from "node:crypto";
import { createCookie } from "@remix-run/node";
import { Op } from "sequelize";
import type { TicketIdentityConfig } from "~/utils/env.server";
import { getEnv } from "~/utils/env.server";
import type { Db } from "~/utils/db.server";
import { signatureValid, signParams } from "~/utils/signed-params.server";
import { dropBody, HttpError, readResponseText, readText } from "~/utils/http.server";
import { idCardCheckChar } from "../cn-codes";
import { personFrom as personOf, type VerifiedPerson } from "./person.server";

export type { VerifiedPerson } from "./person.server";

/** Our callback: the service sends the browser back here with `ticket`. */
export const CALLBACK_PATH = "/auth/ticket/callback";
/** A ticket is good for this long after the person signed in at the service. */
const TICKET_TTL_MS = 5 * 60_000;
/** An exchange request's `time` may differ from the service's clock by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;
const TICKET = /^[A-Za-z0-9]{16,64}$/;
/** The exchange's answer is small; anything longer is refused unread. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A sign-in flow of the service: its state cookie, the path it is sent on, and our callback. */
export interface SignInFlow { cookie: string; path: string; callback: string }
/** Persons (applicants). The 法人 login of units is another flow (unit-sign-in.server.ts). */
export const PERSON_FLOW: SignInFlow = { cookie: "zcps_idp_state", path: "/auth/ticket", callback: CALLBACK_PATH };

/**
 * The sign-in's `state`, kept in a signed cookie of its own for 10 minutes: the callback must
 * carry the state this browser was sent off with (a ticket pushed into someone else's browser
 * is refused). SameSite=Lax: the service's redirect back is a top-level GET.
 */
function stateCookie(flow: SignInFlow) {
  const env = getEnv();
  return createCookie(flow.cookie, {
    httpOnly: true, sameSite: "lax", path: flow.path, maxAge: 600,
    secure: env.publicOrigin.startsWith("https:"), secrets: env.sessionSecrets,
  });
}

/** A new state: its value for the login URL and the Set-Cookie that remembers it. */
export async function newSignInState(flow = PERSON_FLOW) {
  const state = crypto.randomBytes(18).toString("base64url");
  return { state, setCookie: await stateCookie(flow).serialize(state) };
}

/** Whether the callback's state is the one this browser's cookie holds. */
export async function stateMatches(request: Request, state: string, flow = PERSON_FLOW) {
  const kept = await stateCookie(flow).parse(request.headers.get("Cookie"));
  return typeof kept === "string" && kept.length === state.length && crypto.timingSafeEqual(Buffer.from(kept), Buffer.from(state));
}

export async function clearSignInState(flow = PERSON_FLOW) {
  return stateCookie(flow).serialize("", { maxAge: 0 });
}

export function callbackUrl(state: string, flow = PERSON_FLOW) {
  return `${getEnv().publicOrigin}${flow.callback}?state=${encodeURIComponent(state)}`;
}

/** The service's login page for this system, returning to our callback with `state`. */
export function ticketLoginUrl(cfg: { loginUrl: string; serviceCode: string }, state: string, flow = PERSON_FLOW) {
  const u = new URL(cfg.loginUrl);
  u.searchParams.set("servicecode", cfg.serviceCode);
  u.searchParams.set("goto", callbackUrl(state, flow));
  return u.toString();
}

/** The person as the service describes them, checked; or why not (Chinese). */
export function personFrom(cfg: TicketIdentityConfig, answer: Record<string, unknown>): VerifiedPerson | { error: string } {
  return personOf(cfg.fields, answer);
}

/** Exchanges a ticket for the verified person, server to server (signed, bounded, 10 s). */
export async function exchangeTicket(cfg: TicketIdentityConfig, ticket: string, now = Date.now()): Promise<VerifiedPerson | { error: string }> {
  const r = await exchangeForAnswer(cfg, ticket, now);
  return r.ok ? personFrom(cfg, r.answer) : { error: r.error };
}

/** The service's answer to a ticket (result "0"), or why there is none (Chinese). */
export async function exchangeForAnswer(cfg: { exchangeUrl: string; serviceCode: string; secret: string }, ticket: string, now = Date.now()): Promise<{ ok: true; answer: Record<string, unknown> } | { ok: false; error: string }> {
  if (!TICKET.test(ticket)) return { ok: false, error: "登录票据格式不正确，请重新登录" };
  const body = new URLSearchParams(signParams(cfg.secret, { servicecode: cfg.serviceCode, ticket, time: String(now) }));
  let answer: Record<string, unknown>;
  try {
    const res = await fetch(cfg.exchangeUrl, {
      method: "POST", body, redirect: "error",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
    const raw = await readResponseText(res, MAX_ANSWER_BYTES);
    if (raw === null) return { ok: false, error: "统一身份认证服务的应答过大，请稍后重试" };
    answer = JSON.parse(raw) as Record<string, unknown>;
    if (!answer || typeof answer !== "object" || Array.isArray(answer)) throw new Error("not an object");
  } catch (e) {
    console.error("[identity] ticket exchange:", (e as Error).message);
    return { ok: false, error: "暂时无法连接统一身份认证服务，请稍后重试" };
  }
  if (String(answer.result) !== "0") {
    const why = typeof answer.errmsg === "string" ? answer.errmsg.slice(0, 100) : "票据无效";
    return { ok: false, error: `统一身份认证未通过：${why}，请重新登录` };
  }
  return { ok: true, answer };
}

// ---- the sandbox service (/sandbox-idp) ---------------------------------------------------------

const withCheck = (first17: string) => first17 + idCardCheckChar(first17);
/** Fictional persons (valid check digits, no real person's number). */
export const SANDBOX_PERSONS: readonly { name: string; idnum: string; mobile: string; note: string }[] = [
  { name: "沙箱张三", idnum: withCheck("33010619850312001"), mobile: "13900000001", note: "浙江 · 杭州" },
  { name: "沙箱李四", idnum: withCheck("33020319900721002"), mobile: "13900000002", note: "浙江 · 宁波" },
  { name: "沙箱王芳", idnum: withCheck("33030219921105004"), mobile: "13900000003", note: "浙江 · 温州" },
  { name: "沙箱赵敏", idnum: withCheck("33040219870615005"), mobile: "13900000004", note: "浙江 · 嘉兴" },
  { name: "沙箱陈晨", idnum: withCheck("33050219950228006"), mobile: "13900000005", note: "浙江 · 湖州" },
];

/** The sandbox's configuration, or null when the sandbox is not on (its pages then 404). */
export function sandboxIdentity(): TicketIdentityConfig | null {
  const cfg = getEnv().identity.ticket;
  return cfg?.sandbox ? cfg : null;
}

/** The sandbox only ever returns people to this system's callback (of the flow). */
export function sandboxGotoAllowed(goto: string, flow = PERSON_FLOW) {
  try {
    const u = new URL(goto);
    return u.origin === getEnv().publicOrigin && u.pathname === flow.callback && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The sandbox's logout: back to this system's login page only (an open redirect otherwise). */
export function sandboxLogoutTarget(cfg: TicketIdentityConfig, serviceCode: string, goto: string): string | null {
  if (serviceCode !== cfg.serviceCode) return null;
  try {
    const u = new URL(goto);
    return u.origin === getEnv().publicOrigin && u.pathname === "/login" && !u.search && !u.username ? u.toString() : null;
  } catch {
    return null;
  }
}

/** A person signs in at the sandbox: a single-use ticket, and where the browser goes with it. */
export async function issueSandboxTicket(db: Db, cfg: TicketIdentityConfig, f: { serviceCode: string; goto: string; person: number }, now = Date.now()): Promise<{ error: string } | { redirectTo: string }> {
  if (f.serviceCode !== cfg.serviceCode) return { error: "未注册的接入系统（servicecode 不正确）" };
  if (!sandboxGotoAllowed(f.goto)) return { error: "返回地址不属于已注册的接入系统" };
  const p = SANDBOX_PERSONS[f.person];
  if (!p) return { error: "请选择一位测试人员" };
  return { redirectTo: await sandboxTicketBack(db, f.goto, { name: p.name, idnum: p.idnum, mobile: p.mobile }, "person", now) };
}

/** Unit (法人) tickets start with this letter, persons' are lower-case hex: each exchange redeems only its own. */
const UNIT_TICKET = "U";

/** Keeps a single-use ticket for `answer` and returns `goto` with it. */
export async function sandboxTicketBack(db: Db, goto: string, answer: Record<string, string>, kind: "person" | "unit", now = Date.now()) {
  const hex = crypto.randomBytes(24).toString("hex");
  const ticket = kind === "unit" ? UNIT_TICKET + hex.slice(1) : hex;
  await db.models.IdentityTicket.create({ ticket, person: JSON.stringify(answer), expiresAt: new Date(now + TICKET_TTL_MS) });
  const back = new URL(goto);
  back.searchParams.set("ticket", ticket);
  return back.toString();
}

/** The sandbox's exchange endpoint: a signed request for a ticket, answered once. */
export async function redeemSandboxTicket(db: Db, cfg: { serviceCode: string; secret: string }, params: Record<string, string>, now = Date.now(), kind: "person" | "unit" = "person"): Promise<Record<string, string>> {
  const refuse = (errmsg: string) => ({ result: "1", errmsg });
  if (!signatureValid(cfg.secret, params)) return refuse("签名校验失败");
  if (params.servicecode !== cfg.serviceCode) return refuse("未注册的接入系统");
  if (!(Math.abs(Number(params.time) - now) <= CLOCK_SKEW_MS)) return refuse("请求时间戳无效");
  const ticket = params.ticket ?? "";
  if (!TICKET.test(ticket) || ticket.startsWith(UNIT_TICKET) !== (kind === "unit")) return refuse("票据无效");
  // Used once: the update that marks it is the check (two exchanges at once: one wins).
  const [n] = await db.models.IdentityTicket.update({ usedAt: new Date(now) }, { where: { ticket, usedAt: null, expiresAt: { [Op.gt]: new Date(now) } } });
  if (n !== 1) return refuse("票据无效、已使用或已过期");
  const row = await db.models.IdentityTicket.findByPk(ticket);
  return { result: "0", ...(JSON.parse(row!.person) as Record<string, string>) };
}

/** The sandbox's exchange endpoint over HTTP (both kinds): a signed form POST, at most 8 KB. */
export async function answerSandboxExchange(db: Db, request: Request, cfg: { serviceCode: string; secret: string }, kind: "person" | "unit"): Promise<Response> {
  const answer = (body: Record<string, string>, status: number) => Response.json(body, { status });
  if (request.method !== "POST") {
    dropBody(request);
    return answer({ result: "1", errmsg: "只接受 POST 请求" }, 405);
  }
  let text: string;
  try {
    text = await readText(request, 8 * 1024);
  } catch (e) {
    if (e instanceof HttpError) return answer({ result: "1", errmsg: "请求过大或不完整" }, e.status);
    throw e;
  }
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in params) return answer({ result: "1", errmsg: "参数重复" }, 400);
    params[k] = v;
  }
  const r = await redeemSandboxTicket(db, cfg, params, Date.now(), kind);
  return answer(r, r.result === "0" ? 200 : 400);
}
