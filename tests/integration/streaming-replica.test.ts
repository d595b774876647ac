// DATABASE_READ_URLS with a real streaming replica (pg_basebackup of a primary on this machine,
// tests/helpers/pg-streaming.ts): page views read the replica, which follows the primary; when
// its replay is paused (replication lag, as long as we like), a browser that just wrote still
// reads the primary (read-your-writes) and one past that window sees the replica's older state
// until it catches up. Postgres runs only; skipped where the machine has no server binaries.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { uniqueName } from "../helpers/fixtures";
import { canStreamLocally, startStreamingPair, type StreamingPair } from "../helpers/pg-streaming";

const PASSWORD = "Tulip-Harbor-2931";

describe.runIf(process.env.TEST_DB === "postgres" && canStreamLocally())("a streaming read replica", () => {
  let pair: StreamingPair;
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    pair = await startStreamingPair();
    const admin = new pg.Client({ connectionString: pair.primaryUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE app`);
    await admin.end();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-stream-"));
    const target: TestTarget = { kind: "postgres", databaseUrl: pair.primaryUrl("app"), sqlitePath: ":memory:", dataDir, drop: async () => {} };
    // The server migrates and seeds the primary at boot; the replica receives all of it.
    server = await startServer(target, { DATABASE_READ_URLS: pair.replicaUrl("app"), READ_YOUR_WRITES_SECONDS: "5" });
    await pair.caughtUp();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await pair?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const register = async () => {
    const c = new Client(server.url);
    const res = await c.post("/register", { username: uniqueName("stream"), password: PASSWORD, confirmPassword: PASSWORD });
    expect(res.status).toBe(302);
    expect(c.cookies.get("zcps_rw")).toBe("1");
    return c;
  };
  const pastWindow = (c: Client) => c.cookies.delete("zcps_rw");

  it("is a replica: it refuses writes and follows the primary", async () => {
    const replica = new pg.Client({ connectionString: pair.replicaUrl("app") });
    await replica.connect();
    try {
      expect((await replica.query("SELECT pg_is_in_recovery() AS r")).rows[0].r).toBe(true);
      await expect(replica.query("DELETE FROM sessions")).rejects.toThrow(/read-only/);
    } finally {
      await replica.end();
    }
    const c = await register();
    await pair.caughtUp();
    // Past the read-your-writes window the page is read on the replica, which has the session now.
    pastWindow(c);
    const page = await c.get("/profile");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("个人基本信息");
  });

  it("lag: the writer reads the primary; later views show the replica's state until it catches up", async () => {
    await pair.pauseReplay();
    try {
      const c = await register();
      // Within the window: the primary, which has the new session.
      expect((await c.get("/profile")).status).toBe(200);
      // Past it, while the replica lags: its view is from before the registration (signed out).
      pastWindow(c);
      const stale = await c.get("/profile");
      expect(stale.status).toBe(302);
      expect(stale.headers.get("location")).toMatch(/^\/login/);
      await pair.resumeReplay();
      await pair.caughtUp();
      const fresh = await c.get("/profile");
      expect(fresh.status).toBe(200);
      expect(await fresh.text()).toContain("个人基本信息");
    } finally {
      await pair.resumeReplay().catch(() => {});
    }
  });
});
