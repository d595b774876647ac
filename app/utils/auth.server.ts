// Login (with lockout), logout and the route guards.
import { redirect } from "@remix-run/node";
import { Op, literal } from "sequelize";
import type { Role } from "../../db/models";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { forbidden } from "./http.server";
import { hashPassword, verifyPassword } from "./password.server";
import { commitSession, destroySession, getSession, regenerateSession } from "./session.server";
import { cleanUsername, normalizeUsername } from "./users.server";

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_MS = 15 * 60 * 1000;

let dummyHash: Promise<string> | undefined;

function hhmm(d: Date) {
  return d.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" });
}

export type LoginResult = { ok: true; userId: number } | { ok: false; error: string };

export async function verifyLogin(username: string, password: string): Promise<LoginResult> {
  const { User } = getDb().models;
  // Any spelling that normalizes the same signs in. The exact name is preferred: a look-alike left
  // from before usernames were unique by normal form keeps its own login (migration 0015).
  const exact = cleanUsername(username);
  const rows = await User.findAll({ where: { [Op.or]: [{ username: exact }, { usernameNormalized: normalizeUsername(username) }] } });
  const user = rows.find((u) => u.username === exact) ?? rows[0];
  const generic = "用户名或密码错误";
  if (!user) {
    // Same work as a real check, so response time does not reveal which usernames exist.
    await verifyPassword(await (dummyHash ??= hashPassword("dummy-password-1")), password);
    return { ok: false, error: generic };
  }
  if (user.isDemo && !getEnv().demoMode) return { ok: false, error: "演示账户仅在演示模式下可用" };
  const now = new Date();
  if (user.lockedUntil && user.lockedUntil > now) {
    return { ok: false, error: `密码连续错误 ${LOCKOUT_FAILURES} 次，账户已锁定，请于 ${hhmm(user.lockedUntil)} 后再试` };
  }
  if (await verifyPassword(user.passwordHash, password)) {
    await User.update({ failedLoginCount: 0, firstFailedAt: null, lockedUntil: null, lastLoginAt: now }, { where: { id: user.id } });
    return { ok: true, userId: user.id };
  }
  // Count the failure atomically; a window older than 15 minutes starts over.
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  const fresh = !user.firstFailedAt || user.firstFailedAt < windowStart;
  if (fresh) {
    await User.update({ failedLoginCount: 1, firstFailedAt: now, lockedUntil: null }, { where: { id: user.id } });
  } else {
    await User.update({ failedLoginCount: literal('"failedLoginCount" + 1') as any }, { where: { id: user.id } });
  }
  const after = await User.findByPk(user.id, { attributes: ["failedLoginCount"] });
  const count = after?.failedLoginCount ?? 1;
  if (count >= LOCKOUT_FAILURES) {
    const until = new Date(now.getTime() + LOCKOUT_MS);
    await User.update({ lockedUntil: until }, { where: { id: user.id, lockedUntil: { [Op.or]: [null, { [Op.lt]: now }] } } });
    return { ok: false, error: `密码连续错误 ${LOCKOUT_FAILURES} 次，账户已锁定 15 分钟，请于 ${hhmm(until)} 后再试` };
  }
  return { ok: false, error: `${generic}，再错 ${LOCKOUT_FAILURES - count} 次账户将被锁定 15 分钟` };
}

/** Starts a new session (new id) for the user and redirects. */
export async function createUserSession(request: Request, userId: number, redirectTo: string) {
  const session = await regenerateSession(request);
  session.set("userId", userId);
  return redirect(redirectTo, { headers: { "Set-Cookie": await commitSession(request, session) } });
}

export async function logout(request: Request) {
  const session = await getSession(request);
  return redirect("/login", { headers: { "Set-Cookie": await destroySession(request, session) } });
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
  const user = await getDb().models.User.findByPk(id, { attributes: ["id", "username", "role", "displayName", "profileCompletedAt", "isDemo"] });
  if (!user || (user.isDemo && !getEnv().demoMode)) return null;
  return { id: user.id, username: user.username, role: user.role, displayName: user.displayName, profileCompleted: !!user.profileCompletedAt };
}

/** Safe in-app redirect target (no protocol-relative or absolute URLs). */
export function safeRedirect(to: unknown, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.includes("\\")) return fallback;
  return to;
}

export function homeFor(user: Pick<CurrentUser, "role" | "profileCompleted">) {
  if (user.role === "applicant") return user.profileCompleted ? "/home" : "/profile";
  if (user.role === "admin") return "/admin/users";
  return "/staff";
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

/** An applicant whose profile is saved; anyone else is sent to the profile form first. */
export async function requireApplicant(request: Request): Promise<CurrentUser> {
  const user = await requireRole(request, ["applicant"]);
  if (!user.profileCompleted) throw redirect("/profile");
  return user;
}
