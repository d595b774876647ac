// The object store's contract on the project's driver: the disk under DATA_DIR (sqlite project)
// or a local S3 endpoint (s3 project, tests/setup/s3-endpoint.ts). A write is visible only once
// complete, a refused one leaves nothing and reports its own error, ranges and listings work; and
// through the built server, a batch export's ZIP is written to the store and downloaded from it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { s3TestUrl, testStorage, type TestStorage } from "../helpers/storage";
import { unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { openDb, type Db } from "~/utils/db.server";
import { fileSource, openObjectStore, readObject, readRange, setObjectStore } from "~/utils/object-store.server";
import { zipEntryNames } from "~/engine/file-storage.server";

const MB = 1024 * 1024;
// The disk driver does not depend on the database: in the sqlite and s3 projects, not again in postgres.
const run = process.env.TEST_DB !== "postgres" || !!s3TestUrl();

let dataDir: string;
let storage: TestStorage;

async function* chunks(n: number, size: number, fail?: Error) {
  for (let i = 0; i < n; i++) yield Buffer.alloc(size, i % 256);
  if (fail) throw fail;
}

describe.runIf(run)("object store", () => {
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-store-"));
    storage = await testStorage(dataDir);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("writes a large object in parts, reads it whole and by range, lists and removes it", async () => {
    const { store } = storage;
    // 12 MB: more than one 8 MB part of an S3 multipart upload.
    const { size } = await store.put("uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI", chunks(12, MB));
    expect(size).toBe(12 * MB);
    expect((await store.stat("uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI"))?.size).toBe(12 * MB);
    // The bytes at the 9 MB mark come from the ninth chunk (value 9), across the part boundary.
    expect([...(await readRange(store, "uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI", 8 * MB - 2, 4))]).toEqual([7, 7, 8, 8]);
    const whole = await readObject(store, "uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI");
    expect(whole?.length).toBe(12 * MB);
    expect(whole?.[11 * MB]).toBe(11);
    await store.put("uploads/cd/small", chunks(1, 10));
    expect(await storage.keys("uploads/")).toEqual(["uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI", "uploads/cd/small"]);
    expect(await storage.keys("uploads/c")).toEqual(["uploads/cd/small"]);
    await store.remove("uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI");
    await store.remove("uploads/ab/never-written"); // removing a missing key is not an error
    expect(await store.stat("uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI")).toBeNull();
    expect(await store.open("uploads/ab/f_abBIGBIGBIGBIGBIGBIGBIGBIGBIGBI")).toBeNull();
    expect(await storage.keys("uploads/")).toEqual(["uploads/cd/small"]);
  });

  it("a write whose body fails midway leaves nothing, and reports the body's own error", async () => {
    const refusal = new Error("文件超过 10 MB");
    // Past the first part: on S3 a multipart upload is under way when the body fails.
    await expect(storage.store.put("uploads/ef/refused", chunks(9, MB, refusal))).rejects.toBe(refusal);
    expect(await storage.store.stat("uploads/ef/refused")).toBeNull();
    expect(await storage.keys("uploads/ef")).toEqual([]);
    expect(storage.partials()).toEqual([]);
  });

  it("refuses keys that are not of our making (no escaping the root)", async () => {
    for (const key of ["../outside", "/etc/passwd", "uploads/../../x", "uploads//x", ""]) {
      await expect(storage.store.put(key, chunks(1, 1)), key).rejects.toThrow(/not an object key/);
    }
    expect(fs.existsSync(path.join(dataDir, "..", "outside"))).toBe(false);
  });

  it("answers readiness, and a store it cannot write fails it with the reason", async () => {
    await expect(storage.store.check()).resolves.toBeUndefined();
    // S3: a bucket that does not exist; disk: a root below a plain file.
    const blocker = path.join(dataDir, "a-file");
    fs.writeFileSync(blocker, "x");
    const broken = storage.kind === "s3"
      ? await openObjectStore(storage.env.STORAGE_URL.replace(/\/zcps-test\/.*$/, "/no-such-bucket"), dataDir)
      : await openObjectStore(null, path.join(blocker, "root"));
    await expect(broken.check()).rejects.toThrow();
  });
});

describe.runIf(run)("a batch export through the server", () => {
  let target: TestTarget;
  let server: RunningServer;
  let db: Db;
  let ids: number[] = [];
  let office: Client;

  beforeAll(async () => {
    target = await createTestTarget();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-store-export-"));
    storage = await testStorage(dataDir);
    server = await startServer(target, storage.env);
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    // The applications' photos and signatures, stored from this process, go to the same store.
    setObjectStore(storage.store);
    const unit = await unitId(db);
    const plans = await makePlans(db);
    const staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
    for (const name of ["存储甲", "存储乙"]) {
      const p = await makeApplicant(db, unit, { name, categories: ["paper"] });
      ids.push((await submitInProcess(db, p.id, plans.review)).id);
    }
    office = new Client(server.url);
    expect((await office.login(staff.unit.username, PASSWORD)).status).toBe(302);
  }, 180_000);
  afterAll(async () => {
    setObjectStore(undefined);
    await db?.sequelize.close();
    await server?.stop();
    await target?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("writes the ZIP to the store and serves it from there; nothing else under DATA_DIR", async () => {
    const res = await office.action("/staff/exports", "routes/staff.exports", { ids });
    expect(res.status).toBe(204);
    const jobId = Number(res.headers.get("x-remix-redirect")!.split("/").pop());
    let job: { status: string; downloadable: boolean } | null = null;
    for (let i = 0; i < 480 && !(job && ["done", "failed"].includes(job.status)); i++) {
      if (i) await new Promise((r) => setTimeout(r, 250));
      const r = await office.get(`/staff/exports/${jobId}?_data=${encodeURIComponent("routes/staff.exports_.$id")}`);
      job = (await r.json()).job;
    }
    expect(job).toMatchObject({ status: "done", downloadable: true });
    const [zipKey] = await storage.keys("exports/");
    expect(zipKey).toMatch(new RegExp(`^exports/export-${jobId}-[A-Za-z0-9_-]+\\.zip$`));

    const dl = await office.get(`/staff/exports/${jobId}/download`);
    expect(dl.status).toBe(200);
    const bytes = Buffer.from(await dl.arrayBuffer());
    expect(Number(dl.headers.get("content-length"))).toBe(bytes.length);
    expect(bytes.equals((await readObject(storage.store, zipKey))!)).toBe(true);
    const file = path.join(dataDir, "download.zip");
    fs.writeFileSync(file, bytes);
    expect(await zipEntryNames(await fileSource(file))).toHaveLength(2);
    fs.rmSync(file);

    // The photos and signatures are in the store; on S3 the app wrote nothing under DATA_DIR
    // but the SQLite database of this test.
    expect((await storage.keys("uploads/")).length).toBeGreaterThanOrEqual(4);
    if (storage.kind === "s3") {
      const written = (fs.readdirSync(dataDir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dataDir, f)).isFile());
      expect(written).toEqual([]);
    }
  }, 180_000);
});
