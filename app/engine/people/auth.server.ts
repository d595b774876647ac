// Login (with lockout), logout and the route guards.
import { createHash } from "node:crypto";
import { redirect } from "@remix-run/node";
import { Op, QueryTypes } from "sequelize";
import { homeOf, isRole, isStaff, may, type Decision, type Role } from "./roles";
import { getDb } from "~/utils/db.server";
import { getEnv, type IdentityKind } from "~/utils/env.server";
import { identityKindFor } from "../identity/accounts.server";
import { afterLogout } from "../identity/providers.server";
import { forbidden } from "~/utils/http.server";
import { hashPassword, verifyPassword } from "~/utils/password.server";
import { commitSession, destroySession, getSession, regenerateSession } from "~/utils/session.server";
import { cleanUsername, normalizeUsername, usernameProblem } from "./users.server";

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_MS = 15 * 60 * 1000;

let dummyHash: Promise<string> | undefined;

function hhmm(d: Date) {
  return d.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" });
}

/** Counter key of a client address; an IPv6 subscriber usually holds a whole /64, so that is one key. */
export function ipKey(ip: string) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `ip:${mapped[1]}`;
  if (!ip.includes(":")) return `ip:${ip}`;
  const addr = ip.split("%")[0].toLowerCase();
  const [head, tail] = addr.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
  return `ip:${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(":")}::/64`;
}

type Counter = { table: "users"; id: number } | { table: "login_attempts"; key: string };
interface Limit { max: number; windowMs: number; lockMs: number }
const ACCOUNT: Limit = { max: LOCKOUT_FAILURES, windowMs: LOCKOUT_WINDOW_MS, lockMs: LOCKOUT_MS };

const asDate = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/**
 * Takes one of the `max` password checks of the counter's window in a single statement (so
 * parallel requests cannot all read "fresh window" and each write 1). A failure is counted
 * before the check; a success resets the user's counter. The reservation that reaches `max`
 * also sets the lock. Returns the attempt's number in its window, or null if it is refused.
 */
async function reserve(c: Counter, limit: Limit, now: Date): Promise<number | null> {
  const { sequelize } = getDb();
  const col = (name: string) => `${c.table}."${name}"`;
  // Postgres types a bare literal in CASE as text; SQLite stores dates as text and must not cast.
  const pg = sequelize.getDialect() === "postgres";
  const ts = (param: string) => (pg ? `CAST(${param} AS TIMESTAMPTZ)` : param);
  // A new window when the last one is over, or when a lock has run out.
  const fresh = `(${col("firstFailedAt")} IS NULL OR ${col("firstFailedAt")} <= ${ts(":windowStart")} OR ${col("lockedUntil")} <= ${ts(":now")})`;
  const next = `CASE WHEN ${fresh} THEN 1 ELSE ${col("failedLoginCount")} + 1 END`;
  const set = `"failedLoginCount" = ${next},
    "firstFailedAt" = CASE WHEN ${fresh} THEN ${ts(":now")} ELSE ${col("firstFailedAt")} END,
    "lockedUntil" = CASE WHEN ${next} >= :max THEN ${ts(":lockUntil")} ELSE NULL END`;
  const allowed = `(${col("lockedUntil")} IS NULL OR ${col("lockedUntil")} <= ${ts(":now")}) AND (${fresh} OR ${col("failedLoginCount")} < :max)`;
  // The leading comment keeps Sequelize's SQLite driver from running an INSERT as "run", which
  // drops the RETURNING rows.
  const sql = c.table === "users"
    ? `UPDATE users SET ${set} WHERE id = :id AND ${allowed} RETURNING "failedLoginCount"`
    : `/* reserve */ INSERT INTO login_attempts ("key", "failedLoginCount", "firstFailedAt", "lockedUntil") VALUES (:key, 1, ${ts(":now")}, ${ts(":firstLock")})
       ON CONFLICT ("key") DO UPDATE SET ${set} WHERE ${allowed} RETURNING "failedLoginCount"`;
  const lockUntil = new Date(now.getTime() + limit.lockMs);
  const rows = await sequelize.query<{ failedLoginCount: number }>(sql, {
    type: QueryTypes.SELECT,
    replacements: {
      ...(c.table === "users" ? { id: c.id } : { key: c.key }),
      now, windowStart: new Date(now.getTime() - limit.windowMs), max: limit.max, lockUntil,
      firstLock: limit.max <= 1 ? lockUntil : null,
    },
  });
  return rows.length ? Number(rows[0].failedLoginCount) : null;
}

async function lockedUntil(c: Counter, now: Date): Promise<Date> {
  const rows = await getDb().sequelize.query<{ lockedUntil: unknown }>(
    c.table === "users" ? `SELECT "lockedUntil" FROM users WHERE id = :id` : `SELECT "lockedUntil" FROM login_attempts WHERE "key" = :key`,
    { type: QueryTypes.SELECT, replacements: c.table === "users" ? { id: c.id } : { key: c.key } },
  );
  const until = asDate(rows[0]?.lockedUntil);
  return until && until > now ? until : new Date(now.getTime() + LOCKOUT_MS);
}

/** Gives back an address's reservation: the attempt checked no password, or the right one. */
async function refund(key: string, max: number) {
  await getDb().sequelize.query(
    `UPDATE login_attempts SET "failedLoginCount" = "failedLoginCount" - 1,
       "lockedUntil" = CASE WHEN "failedLoginCount" - 1 >= :max THEN "lockedUntil" ELSE NULL END
     WHERE "key" = :key AND "failedLoginCount" > 0`,
    { replacements: { key, max } },
  );
}

// Rows of expired windows are deleted now and then (an attacker's made-up names would pile up).
let lastSweep = 0;
function sweep(now: Date) {
  if (now.getTime() - lastSweep < 10 * 60 * 1000) return;
  lastSweep = now.getTime();
  const old = new Date(now.getTime() - Math.max(LOCKOUT_WINDOW_MS, getEnv().loginIpWindowMs));
  getDb().sequelize.query(
    `DELETE FROM login_attempts WHERE "firstFailedAt" <= :old AND ("lockedUntil" IS NULL OR "lockedUntil" <= :now)`,
    { replacements: { old, now } },
  ).catch((e) => console.error("清理过期的登录失败记录失败", e));
}

export type LoginResult =
  | { ok: true; userId: number }
  /** `link`: the password was right, and the account is to be linked through that provider. */
  | { ok: false; error: string; status: 401 | 403 | 429; link?: { userId: number; kind: IdentityKind } };

export async function verifyLogin(username: string, password: string, ip: string | null = null): Promise<LoginResult> {
  const { User } = getDb().models;
  const env = getEnv();
  const now = new Date();
  sweep(now);
  // Any spelling that normalizes the same signs in. The exact name is preferred: a look-alike left
  // from before usernames were unique by normal form keeps its own login (migration 0015).
  const exact = cleanUsername(username);
  const normalized = normalizeUsername(username);
  // A name no account can have (bad characters, too long, a NUL byte Postgres would refuse) is
  // not looked up, and is counted under its hash.
  const possible = usernameProblem(exact) === null;
  const rows = possible ? await User.findAll({ where: { [Op.or]: [{ username: exact }, { usernameNormalized: normalized }] } }) : [];
  const user = rows.find((u) => u.username === exact) ?? rows[0];
  if (user?.isDemo && !env.demoMode) return { ok: false, error: "演示账户仅在演示模式下可用", status: 401 };

  // Per address: failed checks from one client across all names (password spraying). Taken
  // first, so a refused address cannot even lock accounts.
  const ipLimit: Limit = { max: env.loginIpMaxFailures, windowMs: env.loginIpWindowMs, lockMs: env.loginIpWindowMs };
  const addr = ip && ipLimit.max > 0 ? ipKey(ip) : null;
  if (addr && (await reserve({ table: "login_attempts", key: addr }, ipLimit, now)) === null) {
    const until = await lockedUntil({ table: "login_attempts", key: addr }, now);
    return { ok: false, error: `此网络地址登录失败次数过多，请于 ${hhmm(until)} 后再试`, status: 429 };
  }

  // Per name. An unknown name is counted exactly like an account (by its normalized form), so
  // the answers — 再错 N 次, then 已锁定 until when — are the same for both: a real user still
  // learns that and until when the account is locked, and nobody learns whether it exists.
  const counter: Counter = user ? { table: "users", id: user.id } : { table: "login_attempts", key: `name:${possible ? normalized : createHash("sha256").update(normalized).digest("hex")}` };
  const attempt = await reserve(counter, ACCOUNT, now);
  if (attempt === null) {
    if (addr) await refund(addr, ipLimit.max);
    // No password check at all once the window's checks are taken.
    return { ok: false, error: `密码连续错误 ${LOCKOUT_FAILURES} 次，账户已锁定，请于 ${hhmm(await lockedUntil(counter, now))} 后再试`, status: 401 };
  }
  let ok = false;
  if (user) ok = await verifyPassword(user.passwordHash, password);
  // An unknown name costs the same hash work as a real check, so time does not tell them apart.
  else await verifyPassword(await (dummyHash ??= hashPassword("dummy-password-1")), password);
  if (ok && user) {
    await User.update({ failedLoginCount: 0, firstFailedAt: null, lockedUntil: null, lastLoginAt: now }, { where: { id: user.id } });
    if (addr) await refund(addr, ipLimit.max);
    // Where this role signs in through an identity provider, a local password no longer signs in
    // (told only after a right password, so it reveals nothing to a guesser). An account not yet
    // linked to a verified person is linked once: this password, then the provider.
    const via = identityKindFor(user.role);
    if (via !== "local") {
      if (user.identityIdNumber) return { ok: false, error: "请通过统一身份认证登录（登录页上方的按钮）", status: 403 };
      return {
        ok: false, status: 403, link: { userId: user.id, kind: via },
        error: "您的账户尚未关联统一身份认证。请点击下方按钮完成认证：认证通过后本账户与您的身份关联（仅需一次），此后请通过统一身份认证登录",
      };
    }
    return { ok: true, userId: user.id };
  }
  if (attempt >= LOCKOUT_FAILURES) {
    // The reservation that reached the limit set the lock to now + LOCKOUT_MS.
    return { ok: false, error: `密码连续错误 ${LOCKOUT_FAILURES} 次，账户已锁定 15 分钟，请于 ${hhmm(new Date(now.getTime() + LOCKOUT_MS))} 后再试`, status: 401 };
  }
  return { ok: false, error: `用户名或密码错误，再错 ${LOCKOUT_FAILURES - attempt} 次账户将被锁定 15 分钟`, status: 401 };
}

/** Starts a new session (new id) for the user and redirects. */
export async function createUserSession(request: Request, userId: number, redirectTo: string) {
  const session = await regenerateSession(request);
  session.set("userId", userId);
  return redirect(redirectTo, { headers: { "Set-Cookie": await commitSession(request, session) } });
}

export async function logout(request: Request) {
  const session = await getSession(request);
  const idp = session.get("idp");
  const headers = { "Set-Cookie": await destroySession(request, session) };
  return redirect(await afterLogout(idp), { headers });
}

export async function getUserId(request: Request): Promise<number | null> {
  const session = await getSession(request);
  const id = session.get("userId");
  return typeof id === "number" ? id : null;
}

export interface CurrentUser {
  id: number;
  username: string;
  role: Role;
  displayName: string | null;
  profileCompleted: boolean;
  /** 大字版 (app/engine/people/preferences.server.ts). */
  largeText: boolean;
}

// The root loader and the page's loader both ask for the user of the same request: look it up
// once. Remix hands each loader its own copy of the Request, so the lookup is shared by Cookie
// header among the calls started in the same tick (the loaders of one request start together)
// and forgotten right after. (Actions that change the user answer with a redirect, so a later
// request reads afresh.)
const thisTick = new Map<string, Promise<CurrentUser | null>>();

export function getUser(request: Request): Promise<CurrentUser | null> {
  const key = request.headers.get("Cookie") ?? "";
  let p = thisTick.get(key);
  if (!p) {
    thisTick.set(key, (p = loadUser(request)));
    setImmediate(() => thisTick.delete(key));
  }
  return p;
}

async function loadUser(request: Request): Promise<CurrentUser | null> {
  const id = await getUserId(request);
  if (id === null) return null;
  const user = await getDb().models.User.findByPk(id, { attributes: ["id", "username", "role", "displayName", "profileCompletedAt", "isDemo", "largeText"] });
  // A role this install does not know (renamed in roles.ts) cannot sign in.
  if (!user || (user.isDemo && !getEnv().demoMode) || !isRole(user.role)) return null;
  return { id: user.id, username: user.username, role: user.role, displayName: user.displayName, profileCompleted: !!user.profileCompletedAt, largeText: user.largeText };
}

/** Safe in-app redirect target (no protocol-relative or absolute URLs). */
export function safeRedirect(to: unknown, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.includes("\\")) return fallback;
  return to;
}

export function homeFor(user: { role: string; profileCompleted: boolean }) {
  return isRole(user.role) ? homeOf(user.role, user.profileCompleted) : "/";
}

export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ redirectTo: url.pathname + url.search });
    throw redirect(`/login?${params}`);
  }
  return user;
}

export async function requireRole(request: Request, roles: Role[]): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) throw forbidden();
  return user;
}

/** Someone whose role may make this decision (roles.ts `decides`). */
export async function requireMay(request: Request, decision: Decision): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!may(user.role, decision)) throw forbidden();
  return user;
}

/** A staff member (roles.ts `staff`): works on other people's records within a scope. */
export async function requireStaff(request: Request): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!isStaff(user.role)) throw forbidden();
  return user;
}

/** An applicant whose profile is saved; anyone else is sent to the profile form first. */
export async function requireApplicant(request: Request): Promise<CurrentUser> {
  const user = await requireRole(request, ["applicant"]);
  if (!user.profileCompleted) throw redirect("/profile");
  return user;
}
