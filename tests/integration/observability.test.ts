// What an operator of many nodes reads: JSON log lines with a request id (the balancer's, when it
// sent a plain one), answered in X-Request-Id; and Prometheus metrics on a port of their own —
// request durations by Remix route (never by raw path), uploads, the export queue, the DB pool.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { freePort, startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { openDb, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";

const PASSWORD = "Tulip-Harbor-2931";
let target: TestTarget;
let server: RunningServer;
let db: Db;
let dataDir: string;
let metricsPort: number;


/** The server's stdout lines that are JSON objects. */
function jsonLines(): Record<string, unknown>[] {
  return server.logs().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

async function scrape() {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one series, e.g. sample(text, 'zcps_uploads_total{outcome="stored"}'). */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-obs-"));
  metricsPort = await freePort();
  // Production without DEMO_MODE (as startServer runs it): JSON logs by default.
  server = await startServer(target, { DATA_DIR: dataDir, METRICS_PORT: String(metricsPort), METRICS_HOST: "127.0.0.1" });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
}, 120_000);
afterAll(async () => {
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("logs", () => {
  it("are JSON lines, the start-up message among them", () => {
    const started = jsonLines().find((l) => String(l.msg).includes("已启动"));
    expect(started).toMatchObject({ level: "info", pid: expect.any(Number), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it("carry the request id: the balancer's plain one is kept, anything else replaced", async () => {
    const kept = await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": "lb-7f3a9c2e-0001" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-7f3a9c2e-0001");
    const replaced = await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    const fresh = replaced.headers.get("x-request-id")!;
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => jsonLines().find((l) => l.reqId === "lb-7f3a9c2e-0001" && l.msg === "request"))
      .toMatchObject({ method: "GET", route: "routes/healthz", path: "/healthz", status: 200, ms: expect.any(Number) });
    await expect.poll(() => jsonLines().some((l) => l.reqId === fresh)).toBe(true);
    expect(server.logs()).not.toContain("<script>alert(1)</script>");
  });

  it("a request's line names its Remix route, not its path (here one with a file key in it)", async () => {
    const res = await fetch(`${server.url}/files/f_${"A".repeat(30)}`, { headers: { "X-Request-Id": "lb-not-signed-in-1" }, redirect: "manual" });
    expect(res.status).toBe(302); // to the login page
    await expect.poll(() => jsonLines().find((l) => l.reqId === "lb-not-signed-in-1")).toMatchObject({ route: "routes/files_.$key", status: 302 });
  });
});

describe("metrics", () => {
  it("are served on their own port only, by route id, with uploads counted", async () => {
    const username = uniqueName("obs");
    const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
    await saveProfile(db, user.id, validProfile(await unitId(db)), null);
    const c = new Client(server.url);
    expect((await c.login(username, PASSWORD)).status).toBe(302);
    const body = new FormData();
    body.append("file", new Blob([FILES.pdf as Uint8Array<ArrayBuffer>], { type: "application/pdf" }), "证明.pdf");
    const up = await fetch(`${server.url}/files?form=achievement%2Feducation&field=attachments`, {
      method: "POST", body, redirect: "manual",
      headers: { Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), Origin: server.url, Accept: "application/json" },
    });
    expect(up.status).toBe(200);
    const { key } = await up.json();
    expect((await c.get(`/files/${key}`)).status).toBe(200);

    const text = await scrape();
    expect(sample(text, 'zcps_http_request_duration_seconds_count{route="routes/healthz",method="GET",status="200"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'zcps_http_request_duration_seconds_count{route="routes/files_.$key",method="GET",status="200"}')).toBe(1);
    // No series is named after a file key or any other raw path.
    expect(text).not.toContain(key);
    expect(sample(text, 'zcps_uploads_total{outcome="stored"}')).toBe(1);
    expect(sample(text, "zcps_upload_bytes_total")).toBe(FILES.pdf.length);
    expect(sample(text, 'zcps_queue_jobs{queue="review-form-export",state="queued"}')).toBe(0);
    expect(text).toContain("# TYPE zcps_pdf_render_duration_seconds histogram");
    expect(text).toContain("# TYPE zcps_job_duration_seconds histogram");
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    if (target.databaseUrl) expect(sample(text, 'zcps_db_pool_connections{state="size"}')).toBeGreaterThanOrEqual(1);

    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });
});
