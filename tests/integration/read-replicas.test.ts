// DATABASE_READ_URLS (Postgres): page views read a replica, writes and the same browser's pages
// right after a write read the primary (read-your-writes). The "replica" here is a copy of the
// database taken after setup that never receives anything later — the extreme of replication
// lag — so which database answered a read shows in what the page knows.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { uniqueName } from "../helpers/fixtures";

const pgRun = process.env.TEST_DB === "postgres";
const PASSWORD = "Tulip-Harbor-2931";

describe.runIf(pgRun)("read replicas", () => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  let copyUrl: string;

  beforeAll(async () => {
    const t = await createTestDb();
    await t.db.sequelize.close();
    const primary = new URL(t.target.databaseUrl!);
    const copy = new URL(primary);
    copy.pathname = `${primary.pathname}_replica`;
    copyUrl = copy.toString();
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${copy.pathname.slice(1)}" TEMPLATE "${primary.pathname.slice(1)}"`);
    await admin.end();
    server = await startServer(t.target, { DATABASE_READ_URLS: copyUrl, READ_YOUR_WRITES_SECONDS: "5" });
    drop = async () => {
      await t.target.drop();
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${copy.pathname.slice(1)}" WITH (FORCE)`);
      await c.end();
    };
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await drop?.();
  });

  it("a write marks the browser; its next pages read the primary, later ones a replica", async () => {
    const c = new Client(server.url);
    const reg = await c.post("/register", { username: uniqueName("rep"), password: PASSWORD, confirmPassword: PASSWORD });
    expect(reg.status).toBe(302);
    expect(reg.headers.getSetCookie().find((h) => h.startsWith("zcps_rw=1"))).toMatch(/Max-Age=5; Path=\/; HttpOnly; SameSite=Lax/);
    // Right after the write: the primary, which has the new session.
    const profile = await c.get("/profile");
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain("个人基本信息");
    // Once the window has passed (the cookie expired), page views go to the replica — this one
    // never received the session, so the user reads as signed out there.
    c.cookies.delete("zcps_rw");
    const later = await c.get("/profile");
    expect(later.status).toBe(302);
    expect(later.headers.get("location")).toMatch(/^\/login/);
    // A page anyone may see is served from the replica as usual.
    expect((await new Client(server.url).get("/login")).status).toBe(200);
  });

  it("a write lands on the primary only", async () => {
    const c = new Client(server.url);
    const username = uniqueName("rep");
    expect((await c.post("/register", { username, password: PASSWORD, confirmPassword: PASSWORD })).status).toBe(302);
    const primary = new pg.Client({ connectionString: copyUrl.replace(/_replica(\?|$)/, "$1") });
    await primary.connect();
    const onPrimary = await primary.query(`SELECT 1 FROM users WHERE username = $1`, [username]);
    await primary.end();
    const replica = new pg.Client({ connectionString: copyUrl });
    await replica.connect();
    const onReplica = await replica.query(`SELECT 1 FROM users WHERE username = $1`, [username]);
    await replica.end();
    expect([onPrimary.rowCount, onReplica.rowCount]).toEqual([1, 0]);
  });
});
