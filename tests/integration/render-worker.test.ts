// RENDER_MODE=worker (Postgres): the web node launches no Chromium; `npm run worker` processes
// render the single 【导出评审表】 and a batch export's items, two workers sharing one batch; a
// worker killed mid-batch loses nothing (its render expires and the other worker does it).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { allPids, children, cmdline, descendsFrom, running } from "../helpers/processes";
import { pdfPlain } from "../helpers/pdf-text";
import { openDb, type Db } from "~/utils/db.server";
import { localStore, setObjectStore } from "~/utils/object-store.server";

const ROOT = path.resolve(__dirname, "../..");
const pg = process.env.TEST_DB === "postgres";

interface Worker { child: ChildProcess; pid: () => number; logs: () => string; exited: Promise<void> }

/** `npm run worker` as a child process, once it says it started. */
async function startWorker(env: Record<string, string>): Promise<Worker> {
  let out = "";
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/render-worker.ts"], {
    cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 600 && !out.includes("渲染工作进程已启动"); i++) {
    if (child.exitCode !== null) throw new Error(`worker exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!out.includes("渲染工作进程已启动")) throw new Error(`worker did not start:\n${out}`);
  // tsx runs the script in a child process of its own: that one owns the Chromium.
  const pid = () => children(child.pid!).find((p) => cmdline(p).includes("render-worker")) ?? child.pid!;
  return { child, pid, logs: () => out, exited };
}

const chromiumsOf = (pid: number) => allPids().filter((p) => p !== pid && running(p) && descendsFrom(p, pid) && /chromium/.test(cmdline(p)));

describe.runIf(pg)("render workers", () => {
  let target: TestTarget;
  let web: RunningServer;
  let db: Db;
  let dataDir: string;
  let workers: Worker[] = [];
  let ids: number[] = [];
  let office: Client;

  beforeAll(async () => {
    target = await createTestTarget();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-render-"));
    const env = { DATA_DIR: dataDir, RENDER_MODE: "worker" };
    web = await startServer(target, env);
    const workerEnv = { ...env, DATABASE_URL: target.databaseUrl!, SESSION_SECRET: "test-secret", PUBLIC_ORIGIN: web.url };
    workers = [await startWorker(workerEnv), await startWorker(workerEnv)];
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    setObjectStore(localStore(dataDir));
    const unit = await unitId(db);
    const plans = await makePlans(db);
    const staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
    for (let i = 0; i < 8; i++) {
      const p = await makeApplicant(db, unit, { name: `渲染${i + 1}`, categories: ["paper"] });
      ids.push((await submitInProcess(db, p.id, plans.review)).id);
    }
    office = new Client(web.url);
    expect((await office.login(staff.unit.username, PASSWORD)).status).toBe(302);
  }, 240_000);
  afterAll(async () => {
    setObjectStore(undefined);
    for (const w of workers) { w.child.kill("SIGKILL"); await w.exited; }
    await db?.sequelize.close();
    await web?.stop();
    await target?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("【导出评审表】 is rendered by a worker; the web node starts no Chromium", async () => {
    const res = await office.get(`/staff/applications/${ids[0]}/review-form.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = pdfPlain(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain("渲染1");
    expect(chromiumsOf(web.appPid())).toEqual([]);
    expect(workers.some((w) => chromiumsOf(w.pid()).length > 0)).toBe(true);
    // Nothing of the render is left in the store.
    expect(fs.existsSync(path.join(dataDir, "renders")) ? fs.readdirSync(path.join(dataDir, "renders")) : []).toEqual([]);
  }, 120_000);

  it("two workers share a batch export; one killed midway loses nothing", async () => {
    const res = await office.action("/staff/exports", "routes/staff.exports", { ids });
    expect(res.status).toBe(204);
    const jobId = Number(res.headers.get("x-remix-redirect")!.split("/").pop());
    const job = async () => (await (await office.get(`/staff/exports/${jobId}?_data=${encodeURIComponent("routes/staff.exports_.$id")}`)).json()).job;
    // Both workers render (each has its Chromium), then one dies with renders in hand.
    for (let i = 0; i < 600 && !workers.every((w) => chromiumsOf(w.pid()).length > 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(workers.every((w) => chromiumsOf(w.pid()).length > 0)).toBe(true);
    workers[0].child.kill("SIGKILL");
    process.kill(workers[0].pid(), "SIGKILL");
    await workers[0].exited;
    let j = await job();
    for (let i = 0; i < 900 && !["done", "failed"].includes(j.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      j = await job();
    }
    expect(j).toMatchObject({ status: "done", total: ids.length, done: ids.length, failed: 0 });
    const zip = await office.get(`/staff/exports/${jobId}/download`);
    expect(zip.status).toBe(200);
    expect(chromiumsOf(web.appPid())).toEqual([]);
  }, 240_000);
});
