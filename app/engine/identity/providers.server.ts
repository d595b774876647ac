// One interface over the external identity providers (as payments have one): each knows where to
// send the browser, how to read the verified person from the callback, and how to end the
// session at the provider. Which providers an install uses, and for whom, is configuration
// (APPLICANT_IDENTITY, STAFF_IDENTITY); the sign-in that follows is the same for all.
import { createCookie, redirect } from "@remix-run/node";
import type { Db } from "~/utils/db.server";
import { getEnv, type IdentityKind, type OidcIdentityConfig, type TicketIdentityConfig } from "~/utils/env.server";
import { commitSession, regenerateSession } from "~/utils/session.server";
import { homeOf, isRole } from "../people/roles";
import { accountForPerson } from "./accounts.server";
import { TICKET_SERVICE_LABEL } from "./labels";
import { finishOidc, oidcLogoutUrl, startOidc, clearOidcAttempt } from "./oidc.server";
import type { VerifiedPerson } from "./person.server";
import { clearSignInState, exchangeTicket, newSignInState, stateMatches, ticketLoginUrl } from "./ticket.server";

export type ExternalKind = Exclude<IdentityKind, "local">;

export interface IdentityProvider {
  kind: ExternalKind;
  /** As users know it: the button says 通过{label}登录. */
  label: string;
  /** Where the browser goes to sign in, and the Set-Cookie that remembers this attempt. */
  start(): Promise<{ url: string; setCookie: string } | { error: string }>;
  /** The verified person from the callback; `hint` is kept with the session for logout. */
  finish(request: Request): Promise<{ person: VerifiedPerson; hint: string | null } | { error: string }>;
  /** Forgets this browser's attempt (Set-Cookie). */
  clearAttempt(): Promise<string>;
  /** Where the browser ends its session at the provider (coming back to /login), or null. */
  logoutUrl(hint: string | null): Promise<string | null>;
}

function ticketProvider(cfg: TicketIdentityConfig): IdentityProvider {
  return {
    kind: "ticket", label: TICKET_SERVICE_LABEL,
    async start() {
      const { state, setCookie } = await newSignInState();
      return { url: ticketLoginUrl(cfg, state), setCookie };
    },
    async finish(request) {
      const url = new URL(request.url);
      const state = url.searchParams.get("state") ?? "";
      const ticket = url.searchParams.get("ticket") ?? "";
      if (!state || !(await stateMatches(request, state))) return { error: "登录请求已失效或不是从本浏览器发起的，请重新登录" };
      if (!ticket) return { error: "统一身份认证未返回登录票据，请重新登录" };
      const person = await exchangeTicket(cfg, ticket);
      return "error" in person ? person : { person, hint: null };
    },
    clearAttempt: clearSignInState,
    async logoutUrl() {
      if (!cfg.logoutUrl) return null;
      const u = new URL(cfg.logoutUrl);
      u.searchParams.set("servicecode", cfg.serviceCode);
      u.searchParams.set("goto", `${getEnv().publicOrigin}/login`);
      return u.toString();
    },
  };
}

function oidcProvider(cfg: OidcIdentityConfig): IdentityProvider {
  return {
    kind: "oidc", label: cfg.label,
    start: () => startOidc(cfg),
    async finish(request) {
      const r = await finishOidc(cfg, request);
      return "error" in r ? r : { person: r.person, hint: r.idToken || null };
    },
    clearAttempt: clearOidcAttempt,
    logoutUrl: (hint) => oidcLogoutUrl(cfg, hint),
  };
}

const PROVIDERS: Record<ExternalKind, () => IdentityProvider | null> = {
  ticket: () => (getEnv().identity.ticket ? ticketProvider(getEnv().identity.ticket!) : null),
  oidc: () => (getEnv().identity.oidc ? oidcProvider(getEnv().identity.oidc!) : null),
};

/** The configured provider of this kind (a route's `$provider`), or null (the route then 404s). */
export function providerFor(kind: string | undefined): IdentityProvider | null {
  return kind && Object.prototype.hasOwnProperty.call(PROVIDERS, kind) ? PROVIDERS[kind as ExternalKind]() : null;
}

/** The providers the login page offers, with whom each is for. */
export function providersOnLoginPage(): { kind: ExternalKind; label: string; to: string; applicants: boolean; staff: boolean }[] {
  const { identity } = getEnv();
  return (Object.keys(PROVIDERS) as ExternalKind[]).flatMap((kind) => {
    const p = PROVIDERS[kind]();
    const applicants = identity.applicants === kind;
    const staff = identity.staff === kind;
    return p && (applicants || staff) ? [{ kind, label: p.label, to: `/auth/${kind}`, applicants, staff }] : [];
  });
}

/** The provider applicants sign in through (no local registration or passwords for them then), or null. */
export function applicantProvider(): { label: string; to: string } | null {
  const p = providerFor(getEnv().identity.applicants);
  return p ? { label: p.label, to: `/auth/${p.kind}` } : null;
}

// ---- linking a local account: its password is proven on the login page, then the provider ----

/** Which local account this browser proved the password of, for linking at the callback (10 min). */
function linkCookie() {
  const env = getEnv();
  return createCookie("zcps_idp_link", {
    httpOnly: true, sameSite: "lax", path: "/auth", maxAge: 600,
    secure: env.publicOrigin.startsWith("https:"), secrets: env.sessionSecrets,
  });
}
/** After a right password of an account still to be linked: the button to the provider, and the cookie. */
export async function linkOffer(link: { userId: number; kind: IdentityKind }): Promise<{ to: string; label: string; setCookie: string } | null> {
  const p = providerFor(link.kind);
  return p ? { to: `/auth/${p.kind}`, label: p.label, setCookie: await linkCookie().serialize({ userId: link.userId }) } : null;
}
const forgetAccountToLink = () => linkCookie().serialize("", { maxAge: 0 });
async function accountToLink(request: Request): Promise<number | null> {
  const v = (await linkCookie().parse(request.headers.get("Cookie"))) as { userId?: unknown } | null;
  return v && typeof v.userId === "number" ? v.userId : null;
}

/**
 * The provider's callback: the verified person's account (found, linked or created), then a new
 * session as after a password sign-in — or why not (Chinese), with nothing created.
 */
export async function finishSignIn(db: Db, provider: IdentityProvider, request: Request): Promise<Response | { error: string; headers: Headers }> {
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await provider.clearAttempt());
  headers.append("Set-Cookie", await forgetAccountToLink());
  const verified = await provider.finish(request);
  if ("error" in verified) return { error: verified.error, headers };
  const account = await accountForPerson(db, verified.person, provider.kind, await accountToLink(request));
  if ("error" in account) return { error: account.error, headers };
  const user = (await db.models.User.findByPk(account.userId))!;
  const session = await regenerateSession(request);
  session.set("userId", user.id);
  session.set("idp", { kind: provider.kind, hint: verified.hint });
  headers.append("Set-Cookie", await commitSession(request, session));
  return redirect(isRole(user.role) ? homeOf(user.role, !!user.profileCompletedAt) : "/", { headers });
}

/** Where the browser goes after our logout: the provider's logout when the session came from one. */
export async function afterLogout(idp: unknown): Promise<string> {
  const v = idp as { kind?: string; hint?: string | null } | undefined;
  const provider = providerFor(v?.kind);
  return (provider && (await provider.logoutUrl(typeof v?.hint === "string" ? v.hint : null))) ?? "/login";
}
