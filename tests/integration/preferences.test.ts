// 大字版 (issue 16 item 15) over HTTP against the built server, on SQLite and Postgres: a
// signed-in user's choice is stored on their account only (users.largeText, migration 0026) and
// shown on every page; an anonymous visitor's lives in a cookie; a value it does not know is
// refused in Chinese and changes nothing; the way back never leaves the site.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { type Db } from "~/utils/db.server";
import { uniqueName } from "../helpers/fixtures";

const PASSWORD = "Tulip-Harbor-2931";
let ctx: TestServer;
let server: RunningServer;
let db: Db;

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
});
afterAll(async () => ctx?.stop());

const isLarge = async (c: Client, path: string) => /<html[^>]*class="large-text"/.test(await (await c.get(path)).text());

async function signedIn() {
  const username = uniqueName("pref");
  const user = await createUser(db, { username, password: PASSWORD, role: "admin" });
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: user.id };
}

describe("大字版", () => {
  it("is stored on the signed-in user's account only, and follows them to a new session", async () => {
    const a = await signedIn();
    const b = await signedIn();
    expect(await isLarge(a.c, "/admin/users")).toBe(false);
    const res = await a.c.post("/preferences", { largeText: "1", redirectTo: "/admin/users?page=2" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/users?page=2");
    expect((await db.models.User.findByPk(a.id))!.largeText).toBe(true);
    expect((await db.models.User.findByPk(b.id))!.largeText).toBe(false);
    expect(await isLarge(a.c, "/admin/users")).toBe(true);
    expect(await isLarge(b.c, "/admin/users")).toBe(false);
    // Another session of the same account (no cookie of the first) shows it too.
    const again = new Client(server.url);
    await again.login((await db.models.User.findByPk(a.id))!.username, PASSWORD);
    expect(await isLarge(again, "/admin/users")).toBe(true);
    await again.post("/preferences", { largeText: "0", redirectTo: "/admin/users" });
    expect((await db.models.User.findByPk(a.id))!.largeText).toBe(false);
  });

  it("is kept in a cookie for an anonymous visitor", async () => {
    const c = new Client(server.url);
    expect(await isLarge(c, "/login")).toBe(false);
    const on = await c.post("/preferences", { largeText: "1", redirectTo: "/login" });
    expect(on.status).toBe(302);
    expect(on.headers.get("set-cookie")).toMatch(/zcps_large_text=.*HttpOnly/i);
    expect(await isLarge(c, "/login")).toBe(true);
    await c.post("/preferences", { largeText: "0", redirectTo: "/login" });
    expect(await isLarge(c, "/login")).toBe(false);
  });

  it("refuses a value it does not know with a Chinese message and changes nothing; never redirects off the site", async () => {
    const a = await signedIn();
    for (const body of [{ largeText: "yes" }, { largeText: "" }, {}, { largeText: ["1", "0"] }]) {
      const res = await a.c.post("/preferences", body as Record<string, string>);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("大字版设置无效");
    }
    expect((await db.models.User.findByPk(a.id))!.largeText).toBe(false);
    for (const to of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const res = await a.c.post("/preferences", { largeText: "1", redirectTo: to });
      expect(res.headers.get("location")).toBe("/");
    }
  });
});
