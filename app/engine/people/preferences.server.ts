// 大字版 (issue 16 item 15): larger type and spacing, higher contrast. A signed-in user's choice is
// stored with the account (users.largeText, migration 0026) and follows them to any browser; an
// anonymous visitor's lives in a cookie. Signing in, the account's choice wins.
import { createCookie } from "@remix-run/node";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { safeRedirect, type CurrentUser } from "./auth.server";

const YEAR = 60 * 60 * 24 * 365;

function largeTextCookie() {
  return createCookie("zcps_large_text", {
    httpOnly: true, sameSite: "lax", path: "/", maxAge: YEAR,
    secure: getEnv().publicOrigin.startsWith("https:"),
  });
}

/** Whether the page is shown in 大字版: the account's choice, or the anonymous visitor's cookie. */
export async function largeTextFor(request: Request, user: CurrentUser | null): Promise<boolean> {
  if (user) return user.largeText;
  return (await largeTextCookie().parse(request.headers.get("Cookie"))) === 1;
}

/**
 * Turns 大字版 on or off (the form's `largeText` is "1" or "0"; anything else is refused with a
 * Chinese message and nothing changes). Returns where to go back to and the Set-Cookie header.
 */
export async function setLargeText(db: Db, request: Request, user: CurrentUser | null, form: Record<string, unknown>):
  Promise<{ ok: true; to: string; setCookie: string } | { ok: false; error: string }> {
  const value = form.largeText;
  if (value !== "1" && value !== "0") return { ok: false, error: "大字版设置无效，请刷新页面后重试" };
  const on = value === "1";
  if (user) await db.models.User.update({ largeText: on }, { where: { id: user.id } });
  // The cookie too: after 退出登录 the page keeps the size the person last chose.
  const setCookie = on ? await largeTextCookie().serialize(1) : await largeTextCookie().serialize("", { maxAge: 0 });
  return { ok: true, to: safeRedirect(typeof form.redirectTo === "string" ? form.redirectTo : null), setCookie };
}
