// Applicants signing in through a ticket-exchange identity service (issue 14), here the sandbox
// service the app serves itself: the whole redirect → pick a person → ticket → server-side
// exchange → account by 身份证号 → session walk over real HTTP, and every refusal (replayed
// ticket, foreign state, bad signature, expired ticket, wrong service code, foreign return
// address) with a Chinese message and nothing created.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { SANDBOX_PERSONS } from "~/engine/identity/ticket.server";
import { NO_PASSWORD } from "~/engine/identity/accounts.server";
import { createUser } from "~/engine/people/users.server";
import { signParams } from "~/utils/signed-params.server";

const SECRET = "test-identity-secret";
const PASSWORD = "Tulip-Harbor-2931";
const IDENTITY = { APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1", IDENTITY_TICKET_SECRET: SECRET };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(IDENTITY);
}, 120_000);
afterAll(async () => t?.stop());

const pathOf = (location: string) => {
  const u = new URL(location);
  return u.pathname + u.search;
};

/** 【通过浙江政务服务网登录】 up to the sandbox's answer: the callback URL with its ticket. */
async function signInAtService(c: Client, person = 0) {
  const start = await c.get("/auth/ticket");
  expect(start.status).toBe(302);
  const login = new URL(start.headers.get("location")!);
  expect(login.origin + login.pathname).toBe(`${t.server.url}/sandbox-idp/login`);
  expect(login.searchParams.get("servicecode")).toBe("zcps-sandbox");
  const page = await c.get(pathOf(login.toString()));
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("统一身份认证（沙箱）");
  expect(html).toContain(SANDBOX_PERSONS[person].name);
  const picked = await c.post("/sandbox-idp/login", { servicecode: "zcps-sandbox", goto: login.searchParams.get("goto")!, person: String(person) });
  expect(picked.status).toBe(302);
  const back = new URL(picked.headers.get("location")!);
  expect(back.pathname).toBe("/auth/ticket/callback");
  expect(back.searchParams.get("ticket")).toMatch(/^[0-9a-f]{48}$/);
  return back;
}

const usersWith = (idNumber: string) => t.db.models.User.count({ where: { identityIdNumber: idNumber } });

describe("applicant sign-in through the sandbox ticket service", () => {
  it("the login page offers the service; registration is closed and creates nothing", async () => {
    const c = new Client(t.server.url);
    const login = await (await c.get("/login")).text();
    expect(login).toContain("通过浙江政务服务网登录");
    expect(login).not.toContain('href="/register"');
    expect(await (await c.get("/register")).text()).toContain("无需注册");
    const before = await t.db.models.User.count();
    const res = await c.post("/register", { username: uniqueName("reg"), password: PASSWORD, confirmPassword: PASSWORD });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("统一身份认证登录，无需注册");
    expect(await t.db.models.User.count()).toBe(before);
  });

  it("first sign-in creates the account by 身份证号 and lands on the profile form; the next one finds it", async () => {
    const person = SANDBOX_PERSONS[0];
    const c = new Client(t.server.url);
    const back = await signInAtService(c);
    const done = await c.get(pathOf(back.toString()));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/profile");
    expect(c.cookies.has("zcps_idp_state")).toBe(false);
    const profile = await c.get("/profile");
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain("个人基本信息");
    const user = (await t.db.models.User.findOne({ where: { identityIdNumber: person.idnum } }))!;
    expect({ role: user.role, name: user.identityName, hash: user.passwordHash }).toEqual({ role: "applicant", name: person.name, hash: NO_PASSWORD });
    expect(await t.db.models.AuditLog.count({ where: { entityType: "user", entityId: String(user.id), action: "identity.account-created" } })).toBe(1);

    // 个人基本信息: name and 身份证号 prefilled from the provider and read-only; a save that
    // posts other values stores the verified ones.
    const form = await (await c.get(`/profile?_data=${encodeURIComponent("routes/profile")}`)).json();
    expect(form.data).toMatchObject({ name: person.name, idNumber: person.idnum });
    expect(form.form.uiSchema.name).toMatchObject({ "ui:readonly": true, "ui:help": "来自统一身份认证，不可修改" });
    expect(form.form.uiSchema.idNumber).toMatchObject({ "ui:readonly": true });
    const saved = await c.action("/profile", "routes/profile", { data: validProfile(await unitId(t.db), { name: "别人", mobile: person.mobile }), version: null });
    expect(saved.status).toBe(204);
    const row = (await t.db.models.Profile.findOne({ where: { userId: user.id } }))!;
    expect(row.data).toMatchObject({ name: person.name, idNumber: person.idnum });

    // Again, in another browser: the same account (linked by the ID number), no second one.
    const d = new Client(t.server.url);
    const again = await d.get(pathOf((await signInAtService(d)).toString()));
    expect(again.status).toBe(302);
    expect(await usersWith(person.idnum)).toBe(1);
    expect((await d.get("/profile")).status).toBe(200);
  });

  it("a ticket works once: replayed with a fresh state it is refused and creates nothing", async () => {
    const c = new Client(t.server.url);
    const back = await signInAtService(c, 1);
    expect((await c.get(pathOf(back.toString()))).status).toBe(302);
    const users = await t.db.models.User.count();
    const e = new Client(t.server.url);
    const start = await e.get("/auth/ticket");
    const state = new URL(new URL(start.headers.get("location")!).searchParams.get("goto")!).searchParams.get("state")!;
    const replay = await e.get(`/auth/ticket/callback?state=${encodeURIComponent(state)}&ticket=${back.searchParams.get("ticket")}`);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("票据无效、已使用或已过期");
    expect(await t.db.models.User.count()).toBe(users);
    expect((await e.get("/profile")).status).toBe(302);
  });

  it("a ticket brought to another browser (its state is not that browser's) is refused", async () => {
    const victim = new Client(t.server.url);
    const back = await signInAtService(new Client(t.server.url), 2);
    const res = await victim.get(pathOf(back.toString()));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("不是从本浏览器发起的");
    expect(await usersWith(SANDBOX_PERSONS[2].idnum)).toBe(0);
    expect((await victim.get("/profile")).status).toBe(302);
  });

  it("the exchange refuses a bad signature, a wrong service code, a stale time and an expired ticket", async () => {
    const exchange = (params: Record<string, string>) => fetch(`${t.server.url}/sandbox-idp/exchange`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const ticket = "a".repeat(48);
    await t.db.models.IdentityTicket.create({ ticket, person: JSON.stringify({ name: "过期", idnum: SANDBOX_PERSONS[2].idnum, mobile: "" }), expiresAt: new Date(Date.now() - 1000) });
    const now = String(Date.now());
    expect(await exchange({ ...signParams("wrong-secret", { servicecode: "zcps-sandbox", ticket, time: now }) })).toEqual({ status: 400, body: { result: "1", errmsg: "签名校验失败" } });
    expect(await exchange(signParams(SECRET, { servicecode: "other", ticket, time: now }))).toEqual({ status: 400, body: { result: "1", errmsg: "未注册的接入系统" } });
    expect(await exchange(signParams(SECRET, { servicecode: "zcps-sandbox", ticket, time: String(Date.now() - 3600_000) }))).toEqual({ status: 400, body: { result: "1", errmsg: "请求时间戳无效" } });
    expect(await exchange(signParams(SECRET, { servicecode: "zcps-sandbox", ticket, time: now }))).toEqual({ status: 400, body: { result: "1", errmsg: "票据无效、已使用或已过期" } });
    expect((await t.db.models.IdentityTicket.findByPk(ticket))!.usedAt).toBeNull();
  });

  it("the sandbox returns people only to this system's callback", async () => {
    const c = new Client(t.server.url);
    const tickets = await t.db.models.IdentityTicket.count();
    const page = await c.get(`/sandbox-idp/login?servicecode=zcps-sandbox&goto=${encodeURIComponent("https://evil.example/auth/ticket/callback?state=x")}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("返回地址不属于已注册的接入系统");
    const post = await c.post("/sandbox-idp/login", { servicecode: "zcps-sandbox", goto: "https://evil.example/auth/ticket/callback?state=x", person: "0" });
    expect(post.status).toBe(400);
    expect(await post.text()).toContain("返回地址不属于已注册的接入系统");
    expect(await t.db.models.IdentityTicket.count()).toBe(tickets);
  });

  it("an applicant's local password no longer signs in; staff passwords do", async () => {
    const staff = uniqueName("staff");
    await createUser(t.db, { username: staff, password: PASSWORD, role: "admin" });
    const s = new Client(t.server.url);
    expect((await s.login(staff, PASSWORD)).status).toBe(302);
    // A linked applicant (created by the service) has no password at all; told to use the service.
    const applicant = uniqueName("linked");
    const user = await createUser(t.db, { username: applicant, password: PASSWORD, role: "applicant" });
    await user.update({ identityIdNumber: "11010519491231002X", identityName: "沙箱测试" });
    const a = new Client(t.server.url);
    const refused = await a.login(applicant, PASSWORD);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("请通过统一身份认证登录");
    expect(a.cookies.has("__zcps")).toBe(false);
  });
});

describe("linking an existing local account (an install switching over)", () => {
  it("its password once, then the service: the same account from then on, audited", async () => {
    const username = uniqueName("old");
    const user = await createUser(t.db, { username, password: PASSWORD, role: "applicant" });
    const c = new Client(t.server.url);
    const offered = await c.login(username, PASSWORD);
    expect(offered.status).toBe(403);
    const html = await offered.text();
    expect(html).toContain("您的账户尚未关联统一身份认证");
    expect(html).toContain("通过浙江政务服务网认证并关联");
    expect(c.cookies.has("__zcps")).toBe(false);
    expect(c.cookies.has("zcps_idp_link")).toBe(true);
    const back = await signInAtService(c, 3);
    const done = await c.get(pathOf(back.toString()));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/profile");
    await user.reload();
    expect(user.identityIdNumber).toBe(SANDBOX_PERSONS[3].idnum);
    expect(await t.db.models.AuditLog.count({ where: { entityType: "user", entityId: String(user.id), action: "identity.account-linked" } })).toBe(1);
    // From now on: the service signs in to this account; the password is refused.
    const again = new Client(t.server.url);
    const second = await again.get(pathOf((await signInAtService(again, 3)).toString()));
    expect(second.status).toBe(302);
    expect(await t.db.models.Session.count({ where: { userId: user.id } })).toBe(2);
    expect(await usersWith(SANDBOX_PERSONS[3].idnum)).toBe(1);
    const refused = await new Client(t.server.url).login(username, PASSWORD);
    expect(await refused.text()).toContain("请通过统一身份认证登录");
    // 用户管理 shows the account as linked, the number masked.
    const adminName = uniqueName("adm");
    await createUser(t.db, { username: adminName, password: PASSWORD, role: "admin" });
    const admin = new Client(t.server.url);
    await admin.login(adminName, PASSWORD);
    const list = await (await admin.get(`/admin/users?q=${username}`)).text();
    expect(list).toContain(`已关联 ${SANDBOX_PERSONS[3].idnum.slice(0, 6)}`);
    expect(list).not.toContain(SANDBOX_PERSONS[3].idnum);
  });

  it("refuses an ID number already linked to another account, and a profile of another person; nothing changes", async () => {
    // SANDBOX_PERSONS[3] was linked above; a second local account may not take the same person.
    const other = uniqueName("dup");
    const second = await createUser(t.db, { username: other, password: PASSWORD, role: "applicant" });
    const c = new Client(t.server.url);
    expect((await c.login(other, PASSWORD)).status).toBe(403);
    const refused = await c.get(pathOf((await signInAtService(c, 3)).toString()));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("该身份证号已关联本平台的其他账户");
    expect(c.cookies.has("__zcps")).toBe(false);
    await second.reload();
    expect(second.identityIdNumber).toBeNull();

    // An account whose 个人基本信息 holds another 身份证号 is not that person's.
    const unit = await unitId(t.db);
    const third = await createUser(t.db, { username: uniqueName("prof"), password: PASSWORD, role: "applicant" });
    const form = await t.db.models.FormVersion.findOne({ where: { formId: "profile" }, order: [["version", "DESC"]] });
    await t.db.models.Profile.create({ userId: third.id, formId: "profile", formVersion: form!.version, unitId: unit, data: validProfile(unit, { idNumber: "11010519491231002X" }) });
    const d = new Client(t.server.url);
    expect((await d.login(third.username, PASSWORD)).status).toBe(403);
    const mismatch = await d.get(pathOf((await signInAtService(d, 4)).toString()));
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("身份证号与统一身份认证的身份证号不一致");
    await third.reload();
    expect(third.identityIdNumber).toBeNull();
    expect(await usersWith(SANDBOX_PERSONS[4].idnum)).toBe(0);
  });
});

describe("logout", () => {
  it("ends the session here, then at the service, which returns to our login page only", async () => {
    const c = new Client(t.server.url);
    await c.get(pathOf((await signInAtService(c, 0)).toString()));
    const sid = c.cookies.get("__zcps");
    expect(sid).toBeTruthy();
    const out = await c.post("/logout", {});
    expect(out.status).toBe(302);
    const to = new URL(out.headers.get("location")!);
    expect(to.origin + to.pathname).toBe(`${t.server.url}/sandbox-idp/logout`);
    expect(to.searchParams.get("goto")).toBe(`${t.server.url}/login`);
    expect((await c.get("/home")).status).toBe(302);
    const back = await c.get(pathOf(to.toString()));
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe(`${t.server.url}/login`);
    const evil = await c.get(`/sandbox-idp/logout?servicecode=zcps-sandbox&goto=${encodeURIComponent("https://evil.example/login")}`);
    expect(evil.status).toBe(400);
  });
});

describe("without an identity provider configured", () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer();
  }, 120_000);
  afterAll(async () => plain?.stop());

  it("the provider's routes and the sandbox are not there; registration is open", async () => {
    const c = new Client(plain.server.url);
    for (const p of ["/auth/ticket", "/auth/ticket/callback?state=x&ticket=y", "/auth/oidc", "/auth/nope", "/sandbox-idp/login?servicecode=zcps-sandbox&goto=x", "/sandbox-idp/logout?goto=x"]) {
      expect((await c.get(p)).status, p).toBe(404);
    }
    const ex = await fetch(`${plain.server.url}/sandbox-idp/exchange`, { method: "POST", body: "ticket=x" });
    expect(ex.status).toBe(404);
    expect(await (await c.get("/login")).text()).not.toContain("政务服务网");
    expect(await (await c.get("/register")).text()).toContain("确认密码");
  });
});
