// Faults in the PDF export path, through the built server on SQLite and Postgres (issue #10 items
// 4, 5, 6, 15): the server killed -9 mid-batch-export → its Chromium dies with it, a Chromium left
// with our marker is swept at the next start, the job is restarted and finishes with every item,
// no .part ZIP is left and the user can export again at once (not after pg-boss's 30-minute
// expiry); a crashed renderer page → the next 【导出评审表】 still gives a valid PDF and a batch
// whose renderers are killed mid-way completes with every item; ZIP entries always start with
// the 申报编号, whatever the applicant's name holds.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, plain, type Db } from "~/utils/db.server";
import { zipEntryNames } from "~/engine/file-storage.server";
import { fileSource } from "~/utils/object-store.server";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { pdfPlain } from "../helpers/pdf-text";
import { chromiumsUnder, markedChromiums, rendererPids, running, waitFor, cmdline } from "../helpers/processes";

// A short heartbeat timeout so that a dead runner is noticed within seconds (production: 60 s).
const HEARTBEAT_S = "2";
const HOSTILE_NAME = `王五/PS2099000001_李四\\..\\=HYPERLINK("http://x/")`;

let target: TestTarget;
let dataDir: string;
let server: RunningServer;
let db: Db;
let staff: Awaited<ReturnType<typeof makeReviewers>>;
let plans: Awaited<ReturnType<typeof makePlans>>;
let ids: number[] = [];
const spawnedOrphans: number[] = [];

const env = () => ({ DATA_DIR: dataDir, EXPORT_HEARTBEAT_TIMEOUT_SECONDS: HEARTBEAT_S });
const exportsDir = () => path.join(dataDir, "exports");
const parts = () => (fs.existsSync(exportsDir()) ? fs.readdirSync(exportsDir()).filter((n) => n.endsWith(".part")) : []);
const job = async (id: number) => plain(await db.models.ExportJob.findByPk(id))!;

async function login(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

async function startExport(c: Client, body: object) {
  const res = await c.action("/staff/exports", "routes/staff.exports", body);
  return { res, id: res.status === 204 ? Number(res.headers.get("x-remix-redirect")!.split("/").pop()) : null };
}

/** Chromium processes the app's server process has started (its descendants), by pid. */
const browserOf = (appPid: number) => chromiumsUnder(appPid).find((p) => !/ --type=/.test(cmdline(p)));

async function zipNames(c: Client, jobId: number) {
  const res = await c.get(`/staff/exports/${jobId}/download`);
  expect(res.status).toBe(200);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zcps-zip-")), "export.zip");
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  try {
    return await zipEntryNames(await fileSource(file));
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-faults-"));
  server = await startServer(target, env());
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  const unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  for (let i = 0; i < 16; i++) {
    const p = await makeApplicant(db, unit, { name: `故障${String(i + 1).padStart(2, "0")}`, categories: ["paper"] });
    ids.push((await submitInProcess(db, p.id, plans.review)).id);
  }
  // A name with path separators and formula text (stored as the applicant's name on the record).
  await db.models.Application.update({ applicantName: HOSTILE_NAME }, { where: { id: ids[0] } });
}, 300_000);

afterAll(async () => {
  await db?.sequelize.close();
  await server?.stop();
  for (const pid of spawnedOrphans) {
    if (!running(pid) || !/chromium/.test(cmdline(pid))) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a crashed renderer page", () => {
  it("the next 【导出评审表】 is still a valid PDF, and so are the two after it", async () => {
    const c = await login(staff.unit.username);
    const app = plain(await db.models.Application.findByPk(ids[1]))!;
    const url = `/staff/applications/${app.id}/review-form.pdf`;
    expect((await c.get(url)).status).toBe(200);
    const browser = await waitFor(() => browserOf(server.appPid()), "the server's Chromium");
    const renderers = rendererPids(browser);
    expect(renderers.length).toBeGreaterThan(0);
    for (const pid of renderers) process.kill(pid, "SIGKILL");
    for (let i = 0; i < 3; i++) {
      const res = await c.get(url);
      expect(res.status, await res.clone().text().catch(() => "")).toBe(200);
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(pdfPlain(pdf)).toContain(`申报编号：${app.number}`);
    }
    // Same browser: only the pages were replaced.
    expect(browserOf(server.appPid())).toBe(browser);
  }, 120_000);

  it("a batch whose renderers are killed mid-way completes with every item, each entry led by its 申报编号", async () => {
    const c = await login(staff.unit.username);
    const { res, id } = await startExport(c, { ids });
    expect(res.status).toBe(204);
    await waitFor(async () => (await job(id!)).done >= 1, "the batch to start", 60_000, 20);
    const browser = await waitFor(() => browserOf(server.appPid()), "the server's Chromium");
    for (const pid of rendererPids(browser)) process.kill(pid, "SIGKILL");
    const done = await waitFor(async () => { const j = await job(id!); return j.status === "done" || j.status === "failed" ? j : null; }, "the batch to finish", 120_000, 200);
    expect(done.errors).toEqual([]);
    expect(done).toMatchObject({ status: "done", total: ids.length, done: ids.length, failed: 0 });

    const names = await zipNames(c, id!);
    expect(names).toHaveLength(ids.length);
    const apps = await db.models.Application.findAll({ where: { id: ids }, raw: true });
    for (const a of apps) expect(names.some((n) => n.startsWith(`${a.number}_`)), `entry of ${a.number}`).toBe(true);
    // The hostile name is cleaned on its own: its slashes neither cut the number off nor fake another.
    const first = apps.find((a) => a.id === ids[0])!;
    const hostile = names.find((n) => n.startsWith(`${first.number}_`))!;
    expect(hostile.startsWith(`${first.number}_王五_PS2099000001_李四_`), hostile).toBe(true);
    expect(hostile).not.toMatch(/[/\\]/);
    expect(names.filter((n) => n.startsWith("PS2099000001"))).toEqual([]);
  }, 180_000);
});

describe("the server killed -9 mid-export", () => {
  it("Chromium dies with it; a leftover with our marker is swept at the next start; the job is restarted and finishes, no .part is left, and the user can export again at once", async () => {
    const c = await login(staff.unit.username);
    const { res, id } = await startExport(c, { ids });
    expect(res.status).toBe(204);
    // Mid-export: some forms done, a partial ZIP on disk, the warm browser up.
    await waitFor(async () => { const j = await job(id!); return j.status === "running" && j.done >= 2 && parts().length > 0; }, "the export to be under way", 60_000, 20);
    const appPid = server.appPid();
    const chromiums = chromiumsUnder(appPid);
    expect(chromiums.length).toBeGreaterThan(1);
    process.kill(appPid, "SIGKILL");
    await server.exited();
    // Killed in afterAll should the assertion below fail (not to leave them running).
    spawnedOrphans.push(...chromiums);
    const killedAt = await job(id!);
    expect(killedAt.status).toBe("running");
    expect(killedAt.done).toBeLessThan(ids.length);

    // Every Chromium process of the killed server exits with it (the pipe closes).
    await waitFor(() => chromiums.every((p) => !running(p)), "the killed server's Chromium to exit", 15_000);

    // Had one survived (a hung Chromium ignores the closed pipe): a real Chromium carrying the
    // killed server's marker, which the next start must kill.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), `zcps-pdf-p${appPid}-`));
    const orphan = spawn("/usr/bin/chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"], { stdio: "ignore" });
    spawnedOrphans.push(orphan.pid!);
    await waitFor(() => markedChromiums(appPid).length > 1, "the leftover Chromium to be up");

    // While the server is down the user is blocked (the job looks active)…
    server = await startServer(target, env());
    await waitFor(() => markedChromiums(appPid).length === 0 && !fs.existsSync(profile), "the start-up sweep", 15_000);

    // …after the restart the job is restarted (its dead runner noticed) and runs to the end.
    const finished = await waitFor(async () => { const j = await job(id!); return j.status === "done" || j.status === "failed" ? j : null; }, "the restarted job to finish", 120_000, 200);
    expect(finished).toMatchObject({ status: "done", total: ids.length, done: ids.length, failed: 0, attempts: 2 });
    expect(parts()).toEqual([]);
    const c2 = await login(staff.unit.username);
    expect(await zipNames(c2, id!)).toHaveLength(ids.length);

    // The user is not locked out: a new export is accepted and finishes.
    const again = await startExport(c2, { ids: ids.slice(0, 2) });
    expect(again.res.status).toBe(204);
    const second = await waitFor(async () => { const j = await job(again.id!); return j.status === "done" || j.status === "failed" ? j : null; }, "the new export to finish", 60_000, 200);
    expect(second).toMatchObject({ status: "done", done: 2, failed: 0 });
    expect(parts()).toEqual([]);
  }, 300_000);

  it("a job whose runner keeps dying is failed after its last attempt and releases the user's lock", async () => {
    // A staff member of its own (independent of the test before).
    const own = await makeReviewers(db, { unitId: await unitId(db), ...plans.refs });
    // A job claimed by a runner that no longer exists, on its last attempt (a pid that has exited).
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    const kind = target.databaseUrl ? "pg-boss" : "local";
    const stale = new Date(Date.now() - 60_000);
    const row = await db.models.ExportJob.create({
      userId: own.unit.id, status: "running", applicationIds: ids.slice(0, 2), total: 2, errors: [],
      runner: `${kind}:${dead.pid}:gone:0000`, attempts: 3, heartbeatAt: stale, startedAt: stale,
    });
    fs.mkdirSync(exportsDir(), { recursive: true });
    fs.writeFileSync(path.join(exportsDir(), `export-${row.id}-leftover.zip.${dead.pid}.part`), "PK");
    const failed = await waitFor(async () => { const j = await job(row.id); return j.status === "failed" ? j : null; }, "the job to be given up", 30_000, 200);
    expect(failed.message).toMatch(/请重新导出/);
    await waitFor(() => parts().length === 0, "its .part to be removed", 10_000);
    const c = await login(own.unit.username);
    const again = await startExport(c, { ids: ids.slice(0, 1) });
    expect(again.res.status).toBe(204);
    await waitFor(async () => ["done", "failed"].includes((await job(again.id!)).status), "the new export", 60_000, 200);
  }, 120_000);
});
