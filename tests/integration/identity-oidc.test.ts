// Sign-in through a standard OpenID Connect provider (issue 14): a real provider (oidc-provider)
// runs in this process; the app, built and started as in production, signs people in with the
// authorization code flow (PKCE, state, nonce). Every ID token that should be refused — another
// audience, a bad signature, expired, no nonce — and a replayed code are refused with a Chinese
// message and nothing created; staff link their local account once; logout ends the session at
// the provider too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { startOidcOp, type Tamper, type TestOp } from "../helpers/oidc-op";
import { uniqueName } from "../helpers/fixtures";
import { createUser } from "~/engine/people/users.server";
import { idCardCheckChar } from "~/engine/cn-codes";

const PASSWORD = "Tulip-Harbor-2931";
const withCheck = (first17: string) => first17 + idCardCheckChar(first17);
const PEOPLE: Record<string, Record<string, string>> = {
  alice: { name: "测试甲", id_number: withCheck("33010619800101001"), phone_number: "13800000011" },
  bob: { name: "测试乙", id_number: withCheck("33010619800101002"), phone_number: "13800000012" },
  carol: { name: "测试丙", id_number: withCheck("33010619800101003"), phone_number: "13800000013" },
  staff: { name: "测试丁", id_number: withCheck("33010619800101004"), phone_number: "13800000014" },
  nobody: { name: "测试戊", id_number: withCheck("33010619800101005"), phone_number: "13800000015" },
  noid: { name: "测试己", id_number: "123" },
};

let op: TestOp;
let t: TestServer;
beforeAll(async () => {
  op = await startOidcOp(PEOPLE);
  t = await startTestServer({
    APPLICANT_IDENTITY: "oidc", STAFF_IDENTITY: "oidc", IDENTITY_OIDC_ISSUER: op.issuer,
    IDENTITY_OIDC_CLIENT_ID: "zcps", IDENTITY_OIDC_CLIENT_SECRET: "zcps-test-secret", IDENTITY_OIDC_LABEL: "省统一身份认证平台",
  });
  await op.register({
    clientId: "zcps", clientSecret: "zcps-test-secret",
    redirectUri: `${t.server.url}/auth/oidc/callback`, postLogoutRedirectUri: `${t.server.url}/login`,
  });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await op?.close();
});

const pathOf = (location: string) => {
  const u = new URL(location);
  return u.pathname + u.search;
};

/** 【通过…登录】 through the provider's sign-in, up to the URL it sends the browser back to. */
async function signInAtProvider(app: Client, accountId: string, tamper: Tamper = null) {
  op.signInAs(accountId);
  op.tamper(tamper);
  const start = await app.get("/auth/oidc");
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location")!);
  expect(authorize.origin).toBe(op.issuer);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("nonce")).toBeTruthy();
  const browser = new Client(op.issuer, null);
  let res = await browser.get(pathOf(authorize.toString()));
  for (let hops = 0; hops < 6 && [302, 303].includes(res.status); hops++) {
    const to = new URL(res.headers.get("location")!, op.issuer);
    if (to.origin !== op.issuer) return to;
    res = await browser.get(to.pathname + to.search);
  }
  throw new Error(`the provider did not send the browser back: ${res.status} ${await res.text()}`);
}

const users = () => t.db.models.User.count();
const withId = (who: string) => t.db.models.User.findOne({ where: { identityIdNumber: PEOPLE[who].id_number } });

describe("applicants through an OpenID Connect provider", () => {
  it("the login page offers the provider; first sign-in creates the account by 身份证号, the next finds it", async () => {
    const c = new Client(t.server.url);
    expect(await (await c.get("/login")).text()).toContain("通过省统一身份认证平台登录");
    const back = await signInAtProvider(c, "alice");
    expect(back.pathname).toBe("/auth/oidc/callback");
    const done = await c.get(pathOf(back.toString()));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/profile");
    const alice = await withId("alice");
    expect(alice).toMatchObject({ role: "applicant", identityName: "测试甲" });
    // The profile form shows the verified name and number, read-only.
    const profile = await (await c.get("/profile")).text();
    expect(profile).toContain(PEOPLE.alice.id_number);
    const again = new Client(t.server.url);
    const second = await again.get(pathOf((await signInAtProvider(again, "alice")).toString()));
    expect(second.status).toBe(302);
    expect(await t.db.models.User.count({ where: { identityIdNumber: PEOPLE.alice.id_number } })).toBe(1);
  });

  it.each<[Tamper, string]>([
    ["wrong-audience", "wrong audience"],
    ["bad-signature", "bad signature"],
    ["expired", "expired token"],
    ["no-nonce", "missing nonce"],
  ])("an ID token with %s is refused, nothing created (%s)", async (tamper) => {
    const before = await users();
    const c = new Client(t.server.url);
    const back = await signInAtProvider(c, "bob", tamper);
    const res = await c.get(pathOf(back.toString()));
    op.tamper(null);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("登录未完成");
    expect(html).toContain("统一身份认证返回的身份令牌未通过校验");
    expect(c.cookies.has("__zcps")).toBe(false);
    expect(await users()).toBe(before);
    expect(await withId("bob")).toBeNull();
  });

  it("a replayed code is refused (the provider answers invalid_grant), nothing created", async () => {
    const c = new Client(t.server.url);
    const back = await signInAtProvider(c, "carol");
    const attempt = c.cookies.get("zcps_oidc")!;
    expect((await c.get(pathOf(back.toString()))).status).toBe(302);
    const before = await users();
    // An attacker holding the callback URL and the browser's attempt cookie tries it again.
    const thief = new Client(t.server.url);
    thief.cookies.set("zcps_oidc", attempt);
    const replay = await thief.get(pathOf(back.toString()));
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("登录授权码无效、已使用或已过期");
    expect(thief.cookies.has("__zcps")).toBe(false);
    expect(await users()).toBe(before);
  });

  it("a callback without this browser's attempt, or with another state, is refused", async () => {
    const c = new Client(t.server.url);
    const back = await signInAtProvider(c, "bob");
    const stranger = await new Client(t.server.url).get(pathOf(back.toString()));
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain("不是从本浏览器发起的");
    back.searchParams.set("state", "forged-state");
    const forged = await c.get(pathOf(back.toString()));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("不是从本浏览器发起的");
    expect(await withId("bob")).toBeNull();
  });

  it("a person without a valid 身份证号 from the provider gets no account", async () => {
    const before = await users();
    const c = new Client(t.server.url);
    const res = await c.get(pathOf((await signInAtProvider(c, "noid")).toString()));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("身份证号无效");
    expect(await users()).toBe(before);
  });

  it("logout ends our session, then the provider's, which returns to our login page", async () => {
    const c = new Client(t.server.url);
    await c.get(pathOf((await signInAtProvider(c, "alice")).toString()));
    expect((await c.get("/profile")).status).toBe(200);
    const out = await c.post("/logout", {});
    expect(out.status).toBe(302);
    const end = new URL(out.headers.get("location")!);
    expect(end.origin).toBe(op.issuer);
    expect(end.searchParams.get("post_logout_redirect_uri")).toBe(`${t.server.url}/login`);
    expect(end.searchParams.get("id_token_hint")).toBeTruthy();
    expect((await c.get("/profile")).status).toBe(302);
    // The provider's own logout page confirms (a form it posts to itself), then sends the browser back.
    const browser = new Client(op.issuer, op.issuer);
    const page = await browser.get(end.pathname + end.search);
    expect(page.status).toBe(200);
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /action="([^"]+)"/.exec(html)?.[1];
    expect(xsrf && action).toBeTruthy();
    const confirmed = await browser.post(new URL(action!, op.issuer).pathname, { xsrf: xsrf!, logout: "yes" });
    expect([302, 303]).toContain(confirmed.status);
    expect(confirmed.headers.get("location")).toBe(`${t.server.url}/login`);
  });
});

describe("staff through the same provider", () => {
  it("a staff account is linked once by its password, then signs in through the provider only", async () => {
    const username = uniqueName("office");
    const staff = await createUser(t.db, { username, password: PASSWORD, role: "admin" });
    const c = new Client(t.server.url);
    const offered = await c.login(username, PASSWORD);
    expect(offered.status).toBe(403);
    expect(await offered.text()).toContain("通过省统一身份认证平台认证并关联");
    const done = await c.get(pathOf((await signInAtProvider(c, "staff")).toString()));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/admin/users");
    await staff.reload();
    expect(staff.identityIdNumber).toBe(PEOPLE.staff.id_number);
    expect(await new Client(t.server.url).login(username, PASSWORD).then((r) => r.text())).toContain("请通过统一身份认证登录");
  });

  it("an unknown person never becomes staff: with applicants on the same provider they get an applicant account", async () => {
    const c = new Client(t.server.url);
    await c.get(pathOf((await signInAtProvider(c, "nobody")).toString()));
    expect((await withId("nobody"))?.role).toBe("applicant");
  });
});
