// Registration, login, lockout, logout, session regeneration, cookie flags, CSRF — over HTTP
// against the built server and a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
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

async function register(c: Client, username = uniqueName(), password = "Tulip-Harbor-2931") {
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
    ["a common password", { password: "password1", confirmPassword: "password1" }, "密码太容易被猜到（这是常见密码）"],
    ["a common password with capitals and digits for letters", { password: "Passw0rd123", confirmPassword: "Passw0rd123" }, "密码太容易被猜到（与常见密码只差大小写或字母换数字）"],
    ["a password common in China", { password: "woaini1314", confirmPassword: "woaini1314" }, "密码太容易被猜到"],
    ["a keyboard row", { password: "1qaz2wsx3edc", confirmPassword: "1qaz2wsx3edc" }, "密码太容易被猜到"],
    ["a password holding the username", { username: "kite_runner", password: "KITERUNNER-2931", confirmPassword: "KITERUNNER-2931" }, "密码不能包含用户名或姓名"],
    ["mismatched confirmation", { password: "Tulip-Harbor-2931", confirmPassword: "Passw0rd124" }, "两次输入的密码不一致"],
    ["a bad username", { username: "a b", password: "Tulip-Harbor-2931", confirmPassword: "Tulip-Harbor-2931" }, "用户名须为"],
  ])("refuses %s with a Chinese message and creates nothing", async (_, over, msg) => {
    const before = await db.models.User.count();
    const res = await new Client(server.url).post("/register", { username: uniqueName(), ...over });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(msg);
    expect(await db.models.User.count()).toBe(before);
  });

  it("refuses a name that differs from a taken one only by case, spaces or full-width letters", async () => {
    const base = `Ab_${uniqueName()}`;
    await register(new Client(server.url), base.toLowerCase());
    const fullWidth = base.toUpperCase().replace(/[A-Z0-9_]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    for (const lookAlike of [` ${base.toUpperCase()}`, base, fullWidth, `${base}\u3000`]) {
      const before = await db.models.User.count();
      const { res } = await register(new Client(server.url), lookAlike);
      expect(res.status, JSON.stringify(lookAlike)).toBe(409);
      expect(await res.text()).toContain("该用户名已被注册");
      expect(await db.models.User.count()).toBe(before);
    }
  });

  it("stores a full-width name as ASCII, keeping its case for display", async () => {
    const name = `Ｑｘ_${uniqueName()}`;
    const { res } = await register(new Client(server.url), name);
    expect(res.status).toBe(302);
    const stored = name.normalize("NFKC");
    const user = await db.models.User.findOne({ where: { username: stored } });
    expect(user?.usernameNormalized).toBe(stored.toLowerCase());
  });

  it("refuses a taken username", async () => {
    const { username } = await register(new Client(server.url));
    const res = await new Client(server.url).post("/register", { username, password: "Tulip-Harbor-2931", confirmPassword: "Tulip-Harbor-2931" });
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

  it("signs in with any spelling that normalizes to the username", async () => {
    const { username, password } = await register(new Client(server.url), `mixed_${uniqueName()}`);
    const fullWidth = username.replace(/[a-z0-9_]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    for (const spelling of [` ${username.toUpperCase()} `, fullWidth]) {
      const res = await new Client(server.url).login(spelling, password);
      expect(res.status, spelling).toBe(302);
    }
  });

  it("a look-alike left from before migration 0015 still signs in with its exact spelling", async () => {
    const { username, password } = await register(new Client(server.url), `legacy_${uniqueName()}`);
    const { hashPassword } = await import("~/utils/password.server");
    const upper = username.toUpperCase();
    const old = await db.models.User.create({ username: upper, usernameNormalized: "pending", passwordHash: await hashPassword(password), role: "applicant" });
    await old.update({ usernameNormalized: `${username}#${old.id}` });
    const c = new Client(server.url);
    expect((await c.login(upper, password)).status).toBe(302);
    expect(await (await c.get("/profile")).text()).toContain(upper);
    const d = new Client(server.url);
    expect((await d.login(` ${username}`, password)).status).toBe(302);
    expect(await (await d.get("/profile")).text()).toContain(username);
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

/** A login through the form: "ok" for a sign-in, else the answer's message. */
async function attempt(username: string, password: string, ip?: string, url = server.url) {
  const res = await new Client(url).post("/login", { username, password }, ip ? { headers: { "X-Forwarded-For": ip } } : {});
  if (res.status === 302) return { status: 302, message: "ok" };
  const m = /(用户名或密码错误[^"<]*|密码连续错误[^"<]*|此网络地址[^"<]*)/.exec(await res.text());
  return { status: res.status, message: m?.[1] ?? "" };
}
// Distinct client addresses (X-Forwarded-For from the loopback proxy), so the tests do not share
// the per-address count.
let lastIp = 0;
const nextIp = () => `198.51.100.${++lastIp}`;

const checkedWrong = (m: string) => /再错 \d 次|账户已锁定 15 分钟/.test(m);
const refusedLocked = (m: string) => /账户已锁定，请于 \d\d:\d\d 后再试/.test(m);

async function attemptsRow(key: string) {
  const rows = await db.sequelize.query<{ failedLoginCount: number }>(`SELECT "failedLoginCount" FROM login_attempts WHERE "key" = :key`, { type: QueryTypes.SELECT, replacements: { key } });
  return rows[0] ? Number(rows[0].failedLoginCount) : null;
}

describe("lockout under parallel requests", () => {
  it("30 parallel wrong passwords: exactly 5 are checked, the account locks, the right one is then refused", async () => {
    const { username, password } = await register(new Client(server.url));
    const ip = nextIp();
    const answers = await Promise.all(Array.from({ length: 30 }, () => attempt(username, "Wrong0pass", ip)));
    const messages = answers.map((a) => a.message);
    // One answer per reservation: 再错 4, 3, 2, 1 and the one that locks; the other 25 checked nothing.
    expect(messages.filter((m) => /再错 \d 次/.test(m)).sort()).toEqual([1, 2, 3, 4].map((n) => `用户名或密码错误，再错 ${n} 次账户将被锁定 15 分钟`));
    expect(messages.filter((m) => m.includes("账户已锁定 15 分钟"))).toHaveLength(1);
    expect(messages.filter(refusedLocked)).toHaveLength(25);
    expect(answers.every((a) => a.status === 401)).toBe(true);
    const user = await db.models.User.findOne({ where: { username } });
    expect(user?.failedLoginCount).toBe(5);
    expect(user!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // Only the 5 checked failures count against the address.
    expect(await attemptsRow(`ip:${ip}`)).toBe(5);
    const right = await attempt(username, password, nextIp());
    expect(right.status).toBe(401);
    expect(refusedLocked(right.message)).toBe(true);
  });

  it("30 parallel logins with the right password among them: nothing past the 5th reservation is checked", async () => {
    const { username, password } = await register(new Client(server.url));
    const ip = nextIp();
    // The right password is sent last; the server may still take it among the first five.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(username, i === 29 ? password : "Wrong0pass", ip)));
    const right = answers[29];
    const wrong = answers.slice(0, 29).map((a) => a.message);
    expect(wrong.every((m) => checkedWrong(m) || refusedLocked(m))).toBe(true);
    const user = await db.models.User.findOne({ where: { username } });
    if (right.status === 302) {
      // It had one of the five reservations; its sign-in reset the count, so at most five more
      // wrong ones were checked after it.
      expect(wrong.filter(checkedWrong).length).toBeLessThanOrEqual(9);
      expect(user!.failedLoginCount).toBeLessThanOrEqual(5);
    } else {
      expect(refusedLocked(right.message)).toBe(true);
      expect(wrong.filter(checkedWrong)).toHaveLength(5);
      expect(user?.failedLoginCount).toBe(5);
      expect(user!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it("an unknown name gets the same answers in a parallel burst", async () => {
    const name = uniqueName("ghost");
    const answers = await Promise.all(Array.from({ length: 30 }, () => attempt(name, "Wrong0pass", nextIp())));
    expect(answers.filter((a) => checkedWrong(a.message))).toHaveLength(5);
    expect(answers.filter((a) => refusedLocked(a.message))).toHaveLength(25);
    expect(await attemptsRow(`name:${name.toLowerCase()}`)).toBe(5);
  });
});

describe("username enumeration", () => {
  it("an existing and an unknown username get the same sequence of answers", async () => {
    const { username, password } = await register(new Client(server.url));
    const unknown = uniqueName("nobody");
    const ip = nextIp();
    const seen: [string, string][] = [];
    // Interleaved, so both sequences run in the same minutes; the clock time is masked anyway.
    const mask = (a: { status: number; message: string }) => `${a.status} ${a.message.replace(/\d\d:\d\d/, "HH:MM")}`;
    for (let i = 0; i < 7; i++) {
      seen.push([mask(await attempt(username, `Wrong${i}pass`, ip)), mask(await attempt(unknown, `Wrong${i}pass`, ip))]);
    }
    // The right password of a locked account answers like any other try on a locked name.
    seen.push([mask(await attempt(username, password, ip)), mask(await attempt(unknown, password, ip))]);
    for (const [real, ghost] of seen) expect(ghost).toBe(real);
    expect(seen.map(([real]) => real)).toEqual([
      "401 用户名或密码错误，再错 4 次账户将被锁定 15 分钟",
      "401 用户名或密码错误，再错 3 次账户将被锁定 15 分钟",
      "401 用户名或密码错误，再错 2 次账户将被锁定 15 分钟",
      "401 用户名或密码错误，再错 1 次账户将被锁定 15 分钟",
      "401 密码连续错误 5 次，账户已锁定 15 分钟，请于 HH:MM 后再试",
      "401 密码连续错误 5 次，账户已锁定，请于 HH:MM 后再试",
      "401 密码连续错误 5 次，账户已锁定，请于 HH:MM 后再试",
      "401 密码连续错误 5 次，账户已锁定，请于 HH:MM 后再试",
    ]);
  });
});

describe("hostile usernames at login", () => {
  it.each([
    ["a NUL byte", "ab\u0000cd"],
    ["5000 characters", "x".repeat(5000)],
    ["a lone surrogate", "abc\ud800def"],
  ])("a name with %s is answered like any unknown name", async (_, name) => {
    const ip = nextIp();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await attempt(name, "Wrong0pass", ip));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(answers[0].message).toBe("用户名或密码错误，再错 4 次账户将被锁定 15 分钟");
    expect(refusedLocked(answers[5].message)).toBe(true);
  });
});

describe("per-address limit", () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await startServer(target, { LOGIN_IP_MAX_FAILURES: "3" });
  });
  afterAll(async () => limited?.stop());

  it("refuses an address after its failures, without checking or counting the password", async () => {
    const { username, password } = await register(new Client(server.url));
    const ip = nextIp();
    for (let i = 0; i < 3; i++) {
      expect((await attempt(uniqueName("spray"), "Wrong0pass", ip, limited.url)).message).toContain("再错 4 次");
    }
    const blocked = await attempt(username, password, ip, limited.url);
    expect(blocked.status).toBe(429);
    expect(blocked.message).toMatch(/^此网络地址登录失败次数过多，请于 \d\d:\d\d 后再试$/);
    expect((await db.models.User.findOne({ where: { username } }))?.failedLoginCount).toBe(0);
    // Another address is not affected.
    expect((await attempt(username, password, nextIp(), limited.url)).status).toBe(302);
  });

  it("a successful sign-in does not use up the address's allowance", async () => {
    const { username, password } = await register(new Client(server.url));
    const ip = nextIp();
    expect((await attempt(username, "Wrong0pass", ip, limited.url)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await attempt(username, password, ip, limited.url)).status).toBe(302);
    expect((await attempt(uniqueName("spray"), "Wrong0pass", ip, limited.url)).status).toBe(401);
    expect((await attempt(uniqueName("spray"), "Wrong0pass", ip, limited.url)).status).toBe(401);
    expect((await attempt(username, password, ip, limited.url)).status).toBe(429);
  });
});

describe("cross-site requests", () => {
  it.each([
    ["a foreign Origin", "http://evil.example"],
    ["no Origin or Referer", null],
  ])("a POST with %s is refused and changes nothing", async (_, origin) => {
    const before = await db.models.User.count();
    const c = new Client(server.url, origin);
    const res = await c.post("/register", { username: uniqueName(), password: "Tulip-Harbor-2931", confirmPassword: "Tulip-Harbor-2931" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("跨站请求已被拒绝");
    expect(await db.models.User.count()).toBe(before);
  });
});

describe("demo accounts and sessions", () => {
  it("a demo account cannot sign in when the app is not in demo mode", async () => {
    const { createUser } = await import("~/engine/people/users.server");
    const username = uniqueName("demo");
    await createUser(db, { username, password: "Tulip-Harbor-2931", role: "admin", isDemo: true });
    const res = await new Client(server.url).login(username, "Tulip-Harbor-2931");
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
