// A real OpenID Connect provider for tests (the oidc-provider package), in this process on a
// loopback port. Sign-in interactions are answered by the test (`signInAs`), and the token
// endpoint's ID token can be tampered with (`tamper`) to prove the client refuses it: signed by
// another key, for another audience, expired, without the nonce.
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as jose from "jose";
import Provider from "oidc-provider";

export type Tamper = "wrong-audience" | "bad-signature" | "expired" | "no-nonce" | null;

export interface TestOp {
  issuer: string;
  /** Registers the relying party (our app) once its address is known. */
  register(rp: { clientId: string; clientSecret: string; redirectUri: string; postLogoutRedirectUri: string }): Promise<void>;
  /** The account the next interaction signs in as. */
  signInAs(accountId: string): void;
  tamper(mode: Tamper): void;
  close(): Promise<void>;
}

export async function startOidcOp(accounts: Record<string, Record<string, string>>): Promise<TestOp> {
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await jose.exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const other = (await jose.generateKeyPair("RS256")).privateKey;
  let next = "";
  let mode: Tamper = null;

  async function tampered(idToken: string): Promise<string> {
    const claims = jose.decodeJwt(idToken) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (mode === "wrong-audience") claims.aud = "some-other-client";
    if (mode === "expired") Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (mode === "no-nonce") delete claims.nonce;
    return new jose.SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(mode === "bad-signature" ? other : privateKey);
  }

  return {
    issuer,
    async register(rp) {
      const provider = new Provider(issuer, {
        clients: [{
          client_id: rp.clientId, client_secret: rp.clientSecret, redirect_uris: [rp.redirectUri],
          post_logout_redirect_uris: [rp.postLogoutRedirectUri], response_types: ["code"], grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
        }],
        jwks: { keys: [jwk as jose.JWK & { kid: string }] } as never,
        cookies: { keys: ["test-op-cookie-key"] },
        claims: { openid: ["sub"], profile: ["name", "id_number", "phone_number"] },
        findAccount: (_ctx: unknown, id: string) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) } : undefined),
        features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
        interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      } as never);
      provider.use(async (ctx, nextMw) => {
        await nextMw();
        const body = ctx.body as { id_token?: string } | undefined;
        if (ctx.path === "/token" && mode && body?.id_token) ctx.body = { ...body, id_token: await tampered(body.id_token) };
      });
      const callback = provider.callback();
      handler = (req, res) => {
        if (!req.url?.startsWith("/interaction/")) return void callback(req, res);
        // The person signs in and consents: what a login page would do.
        void (async () => {
          const details = await provider.interactionDetails(req, res);
          const grant = new provider.Grant({ accountId: next, clientId: details.params.client_id as string });
          grant.addOIDCScope(String(details.params.scope));
          const grantId = await grant.save();
          await provider.interactionFinished(req, res, { login: { accountId: next }, consent: { grantId } }, { mergeWithLastSubmission: false });
        })().catch((e) => {
          res.statusCode = 500;
          res.end(String(e));
        });
      };
    },
    signInAs(accountId) {
      next = accountId;
    },
    tamper(m) {
      mode = m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
