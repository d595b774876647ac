// Registration, login, lockout, logout, session regeneration, cookie flags, CSRF — over HTTP
// against the built server and a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestTarget } from "../helpers/db";
import { startServer, startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { type Db } from "~/utils/db.server";
import { uniqueName } from "../helpers/fixtures";

let ctx: TestServer;
let target: TestTarget;
let server: RunningServer;
let db: Db;

beforeAll(async () => {
  ctx = await startTestServer();
  ({ target, server, db } = ctx);
});
afterAll(async () => ctx?.stop());

async function register(c: Client, username = uniqueName(), password = "Passw0rd123") {
  const res = await c.post("/register", { username, password, confirmPassword: password });
  return { res, username, password };
}

describe("registration", () => {
  it("creates an applicant, signs them in and sends them to the profile", async () => {
    const c = new Client(server.url);
    const { res, username } = await register(c);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/profile");
    const user = await db.models.User.findOne({ where: { username } });
    expect(user?.role).toBe("applicant");
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    const page = await c.get("/profile");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("个人基本信息");
  });

  it.each([
    ["a weak password", { password: "short", confirmPassword: "short" }, "密码至少 8 位"],
    ["a password without digits", { password: "abcdefghij", confirmPassword: "abcdefghij" }, "字母和数字"],
    ["mismatched confirmation", { password: "Passw0rd123", confirmPassword: "Passw0rd124" }, "两次输入的密码不一致"],
    ["a bad username", { username: "a b", password: "Passw0rd123", confirmPassword: "Passw0rd123" }, "用户名须为"],
  ])("refuses %s with a Chinese message and creates nothing", async (_, over, msg) => {
    const before = await db.models.User.count();
    const res = await new Client(server.url).post("/register", { username: uniqueName(), ...over });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(msg);
    expect(await db.models.User.count()).toBe(before);
  });

  it("refuses a taken username", async () => {
    const { username } = await register(new Client(server.url));
    const res = await new Client(server.url).post("/register", { username, password: "Passw0rd123", confirmPassword: "Passw0rd123" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("该用户名已被注册");
  });
});

describe("login", () => {
  it("refuses a wrong password and an unknown user with the same message", async () => {
    const { username } = await register(new Client(server.url));
    const wrong = await new Client(server.url).login(username, "Wrong0pass");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("用户名或密码错误");
    const unknown = await new Client(server.url).login(uniqueName("nobody"), "Wrong0pass");
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain("用户名或密码错误");
  });

  it("gives a new session id at every login and kills the old one", async () => {
    const { username, password } = await register(new Client(server.url));
    const c = new Client(server.url);
    const first = await c.login(username, password);
    expect(first.status).toBe(302);
    const cookie1 = c.cookies.get("__zcps");
    expect(cookie1).toBeTruthy();
    await c.login(username, password);
    const cookie2 = c.cookies.get("__zcps");
    expect(cookie2).toBeTruthy();
    expect(cookie2).not.toBe(cookie1);
    const stale = new Client(server.url);
    stale.cookies.set("__zcps", cookie1!);
    const res = await stale.get("/profile");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });

  it("sets HttpOnly and SameSite=Lax, and Secure behind https", async () => {
    const { username, password } = await register(new Client(server.url));
    const plain = await new Client(server.url).login(username, password);
    const cookie = plain.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    // Our own origin is PUBLIC_ORIGIN (here http://127.0.0.1:port) whatever a proxy header says:
    // an https Origin is foreign to it, and the Secure flag follows X-Forwarded-Proto.
    const foreign = new Client(server.url, server.url.replace("http:", "https:"));
    const mixed = await foreign.post("/login", { username, password }, { headers: { "X-Forwarded-Proto": "https" } });
    expect(mixed.status).toBe(403);
    const res = await new Client(server.url).post("/login", { username, password }, { headers: { "X-Forwarded-Proto": "https" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toMatch(/Secure/i);
  });

  it("locks the account for 15 minutes after 5 failures, then lets it in again", async () => {
    const { username, password } = await register(new Client(server.url));
    const c = new Client(server.url);
    for (let i = 1; i <= 4; i++) {
      const r = await c.login(username, "Wrong0pass");
      expect(await r.text()).toContain(`再错 ${5 - i} 次`);
    }
    const fifth = await c.login(username, "Wrong0pass");
    expect(await fifth.text()).toContain("账户已锁定 15 分钟");
    const correct = await c.login(username, password);
    expect(correct.status).toBe(401);
    expect(await correct.text()).toContain("账户已锁定");
    // 15 minutes later (moved in the DB rather than waited for):
    await db.models.User.update({ lockedUntil: new Date(Date.now() - 1000) }, { where: { username } });
    const later = await c.login(username, password);
    expect(later.status).toBe(302);
    const user = await db.models.User.findOne({ where: { username } });
    expect(user?.failedLoginCount).toBe(0);
  });

  it("does not count failures older than 15 minutes towards a lock", async () => {
    const { username } = await register(new Client(server.url));
    const c = new Client(server.url);
    for (let i = 0; i < 4; i++) await c.login(username, "Wrong0pass");
    await db.models.User.update({ firstFailedAt: new Date(Date.now() - 16 * 60 * 1000) }, { where: { username } });
    const r = await c.login(username, "Wrong0pass");
    expect(await r.text()).toContain("再错 4 次");
  });

  it("logs out: the session is gone server-side", async () => {
    const { username, password } = await register(new Client(server.url));
    const c = new Client(server.url);
    await c.login(username, password);
    const sid = c.cookies.get("__zcps")!;
    const out = await c.post("/logout", {});
    expect(out.status).toBe(302);
    const again = new Client(server.url);
    again.cookies.set("__zcps", sid);
    expect((await again.get("/profile")).status).toBe(302);
  });
});

describe("cross-site requests", () => {
  it.each([
    ["a foreign Origin", "http://evil.example"],
    ["no Origin or Referer", null],
  ])("a POST with %s is refused and changes nothing", async (_, origin) => {
    const before = await db.models.User.count();
    const c = new Client(server.url, origin);
    const res = await c.post("/register", { username: uniqueName(), password: "Passw0rd123", confirmPassword: "Passw0rd123" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("跨站请求已被拒绝");
    expect(await db.models.User.count()).toBe(before);
  });
});

describe("demo accounts and sessions", () => {
  it("a demo account cannot sign in when the app is not in demo mode", async () => {
    const { createUser } = await import("~/utils/users.server");
    const username = uniqueName("demo");
    await createUser(db, { username, password: "Passw0rd123", role: "admin", isDemo: true });
    const res = await new Client(server.url).login(username, "Passw0rd123");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("演示账户仅在演示模式下可用");
  });

  it("a session made on one app instance is valid on another sharing the database", async () => {
    const { username, password } = await register(new Client(server.url));
    const a = new Client(server.url);
    await a.login(username, password);
    const second = await startServer(target);
    try {
      const b = new Client(second.url);
      b.cookies.set("__zcps", a.cookies.get("__zcps")!);
      const res = await b.get("/profile");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("个人基本信息");
    } finally {
      await second.stop();
    }
  });
});
