// RENDER_MODE=worker (Postgres): the web node launches no Chromium; `npm run worker` processes
// render the single 【导出评审表】 and a batch export's items, two workers sharing one batch; a
// worker killed mid-batch loses nothing (its render expires and the other worker does it).
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
import { chromiumsUnder } from "../helpers/processes";
import { startWorker, type RenderWorker } from "../helpers/render-worker";
import { pdfPlain } from "../helpers/pdf-text";
import { openDb, type Db } from "~/utils/db.server";
import { localStore, setObjectStore } from "~/utils/object-store.server";

const pg = process.env.TEST_DB === "postgres";


describe.runIf(pg)("render workers", () => {
  let target: TestTarget;
  let web: RunningServer;
  let db: Db;
  let dataDir: string;
  let workers: RenderWorker[] = [];
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
    for (const w of workers) await w.stop();
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
    expect(chromiumsUnder(web.appPid())).toEqual([]);
    expect(workers.some((w) => chromiumsUnder(w.pid()).length > 0)).toBe(true);
    // Nothing of the render is left in the store.
    expect(fs.existsSync(path.join(dataDir, "renders")) ? fs.readdirSync(path.join(dataDir, "renders")) : []).toEqual([]);
  }, 120_000);

  it("two workers share a batch export; one killed midway loses nothing", async () => {
    const res = await office.action("/staff/exports", "routes/staff.exports", { ids });
    expect(res.status).toBe(204);
    const jobId = Number(res.headers.get("x-remix-redirect")!.split("/").pop());
    const job = async () => (await (await office.get(`/staff/exports/${jobId}?_data=${encodeURIComponent("routes/staff.exports_.$id")}`)).json()).job;
    // Both workers render (each has its Chromium), then one dies with renders in hand.
    for (let i = 0; i < 600 && !workers.every((w) => chromiumsUnder(w.pid()).length > 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(workers.every((w) => chromiumsUnder(w.pid()).length > 0)).toBe(true);
    await workers[0].stop();
    let j = await job();
    for (let i = 0; i < 900 && !["done", "failed"].includes(j.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      j = await job();
    }
    expect(j).toMatchObject({ status: "done", total: ids.length, done: ids.length, failed: 0 });
    const zip = await office.get(`/staff/exports/${jobId}/download`);
    expect(zip.status).toBe(200);
    expect(chromiumsUnder(web.appPid())).toEqual([]);
  }, 240_000);
});
