// Sign-in through a standard OpenID Connect provider (docs/decisions/015-identity.md): the
// authorization code flow with PKCE, state and nonce, done by openid-client (discovery, the
// token request, every ID-token check — issuer, audience, expiry, nonce — and, switched on
// here, the ID token's signature against the provider's published keys).
import { createCookie } from "@remix-run/node";
import * as client from "openid-client";
import type { OidcIdentityConfig } from "~/utils/env.server";
import { getEnv } from "~/utils/env.server";
import { readResponseText } from "~/utils/http.server";
import { singleton } from "~/utils/singleton.server";
import { personFrom, type VerifiedPerson } from "./person.server";

export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";
/** A provider's answers (discovery, keys, tokens, userinfo) are small; a longer one is refused unread. */
const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_SECONDS = 10;

/** fetch with the answer's size bounded (openid-client reads whole bodies). */
const boundedFetch: client.CustomFetch = async (url, options) => {
  const res = await fetch(url, { ...options, redirect: "error" } as RequestInit);
  const text = await readResponseText(res, MAX_ANSWER_BYTES);
  if (text === null) throw new Error(`answer from ${new URL(url).origin} is larger than ${MAX_ANSWER_BYTES} bytes`);
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
};

/**
 * The provider's configuration from discovery, once per process; a failed discovery is not
 * kept, so the next sign-in tries again (the provider may have been down at boot).
 */
function configuration(cfg: OidcIdentityConfig): Promise<client.Configuration> {
  const cache = singleton("oidc.configuration", () => ({ pending: null as Promise<client.Configuration> | null }));
  cache.pending ??= client.discovery(new URL(cfg.issuer), cfg.clientId, { client_secret: cfg.clientSecret }, client.ClientSecretBasic(cfg.clientSecret), {
    timeout: TIMEOUT_SECONDS,
    [client.customFetch]: boundedFetch,
    execute: [
      // The token comes straight from the provider, but its signature is checked all the same.
      client.enableNonRepudiationChecks,
      ...(cfg.allowHttp ? [client.allowInsecureRequests] : []),
    ],
  }).then((config) => {
    config[client.customFetch] = boundedFetch;
    config.timeout = TIMEOUT_SECONDS;
    return config;
  }).catch((e: unknown) => {
    cache.pending = null;
    throw e;
  });
  return cache.pending;
}

/** The configuration, or null when the provider cannot be reached (logged). */
async function discovered(cfg: OidcIdentityConfig): Promise<client.Configuration | null> {
  try {
    return await configuration(cfg);
  } catch (e) {
    console.error("[identity] oidc discovery:", (e as Error).message);
    return null;
  }
}

/** This sign-in attempt's state, nonce and PKCE verifier: a signed cookie of its own, 10 minutes. */
function attemptCookie() {
  const env = getEnv();
  return createCookie("zcps_oidc", {
    httpOnly: true, sameSite: "lax", path: "/auth/oidc", maxAge: 600,
    secure: env.publicOrigin.startsWith("https:"), secrets: env.sessionSecrets,
  });
}
interface Attempt { state: string; nonce: string; verifier: string }

export const clearOidcAttempt = () => attemptCookie().serialize("", { maxAge: 0 });

const callbackUrl = () => `${getEnv().publicOrigin}${OIDC_CALLBACK_PATH}`;
const UNREACHABLE = "暂时无法连接统一身份认证服务，请稍后重试";

/** The provider's authorization URL for a new attempt, and the Set-Cookie that remembers it. */
export async function startOidc(cfg: OidcIdentityConfig): Promise<{ url: string; setCookie: string } | { error: string }> {
  const config = await discovered(cfg);
  if (!config) return { error: UNREACHABLE };
  const attempt: Attempt = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(), scope: cfg.scope, state: attempt.state, nonce: attempt.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier), code_challenge_method: "S256",
  });
  return { url: url.toString(), setCookie: await attemptCookie().serialize(attempt) };
}

/**
 * The provider sent the browser back: the code is exchanged (with this browser's verifier) and
 * the ID token checked; the person comes from its claims (and userinfo for claims it lacks).
 * `idToken` is kept with the session for logout at the provider.
 */
export async function finishOidc(cfg: OidcIdentityConfig, request: Request): Promise<{ person: VerifiedPerson; idToken: string } | { error: string }> {
  const kept = (await attemptCookie().parse(request.headers.get("Cookie"))) as Attempt | null;
  if (!kept || typeof kept.state !== "string" || typeof kept.nonce !== "string" || typeof kept.verifier !== "string") {
    return { error: "登录请求已失效或不是从本浏览器发起的，请重新登录" };
  }
  // The callback's address from our configured origin, never from the request's Host header.
  const current = new URL(`${callbackUrl()}${new URL(request.url).search}`);
  if (current.searchParams.get("state") !== kept.state) return { error: "登录请求已失效或不是从本浏览器发起的，请重新登录" };
  const refused = current.searchParams.get("error");
  if (refused) return { error: `统一身份认证未完成（${refused.slice(0, 60)}），请重新登录` };
  const config = await discovered(cfg);
  if (!config) return { error: UNREACHABLE };
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: kept.verifier, expectedState: kept.state, expectedNonce: kept.nonce, idTokenExpected: true,
    });
  } catch (e) {
    return { error: refusal(e) };
  }
  const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
  let answer: Record<string, unknown> = claims;
  const wanted = [cfg.claims.name, cfg.claims.idNumber];
  if (wanted.some((c) => claims[c] === undefined) && tokens.access_token) {
    try {
      answer = { ...(await client.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
    } catch (e) {
      return { error: refusal(e) };
    }
  }
  const person = personFrom(cfg.claims, answer);
  return "error" in person ? person : { person, idToken: tokens.id_token ?? "" };
}

/** A Chinese reason for a refused exchange (the technical one goes to the log). */
function refusal(e: unknown): string {
  const err = e as { name?: string; code?: string; error?: string; message?: string };
  console.error("[identity] oidc:", err.code ?? "", err.error ?? "", err.message ?? String(e));
  if (err.error === "invalid_grant") return "登录授权码无效、已使用或已过期，请重新登录";
  if (err.name === "AbortError" || err.name === "TimeoutError" || (err.name === "TypeError" && /fetch/i.test(err.message ?? ""))) return UNREACHABLE;
  // Wrong issuer or audience, expired, no nonce or another one, a signature that does not verify.
  return "统一身份认证返回的身份令牌未通过校验，请重新登录";
}

/** The provider's end-session address returning to our login page, or null when it has none. */
export async function oidcLogoutUrl(cfg: OidcIdentityConfig, idToken: string | null): Promise<string | null> {
  const config = await discovered(cfg);
  if (!config?.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(config, {
    post_logout_redirect_uri: `${getEnv().publicOrigin}/login`,
    ...(idToken ? { id_token_hint: idToken } : { client_id: cfg.clientId }),
  }).toString();
}
