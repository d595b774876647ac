// Uploads have bounds (issue 10, item 10): a per-user quota of files and bytes (Chinese 413 past
// it, exact under parallel uploads), and a clean-up that deletes files no record references 24 h
// after upload — replaced photos and signatures, removed attachments, uploads never saved —
// while every file a record names (archive entry, extracted snapshot, application step data,
// photo, pledge signature, attachments, profile and its snapshot) stays. The clean-up is the
// engine function called with a "now" 25 h later; the files and records come through the
// built server over HTTP.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op } from "sequelize";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { openDb, plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { objectKeyOf, storeFile } from "~/engine/file-storage.server";
import { setObjectStore } from "~/utils/object-store.server";
import { testStorage, type TestStorage } from "../helpers/storage";
import { cleanUnreferencedFiles } from "~/engine/file-cleanup.server";
import { formatBytes } from "~/engine/file-kinds";
import { currentVersion, photoJpeg, signaturePng, startApply, stepAction, uploadToStep, walkToSubmit } from "../helpers/wizard";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import sampleEducation from "../fixtures/achievements/education.json";

const PASSWORD = "Tulip-Harbor-2931";
const DAY = 86_400_000;
const KB = 1024;
const MB = 1024 * KB;
const QUOTA_FILES = 12;
const EVIDENCE = "/files?form=achievement%2Feducation&field=attachments";

let target: TestTarget;
let server: RunningServer;
let db: Db;
let dataDir: string;
let storage: TestStorage;
let planId: number;

const onDisk = async (key: string) => !!(await storage.store.stat(objectKeyOf(key)));
const hasRow = async (key: string) => (await db.models.StoredFile.count({ where: { key } })) === 1;
const pdf = (size = FILES.pdf.length) => Buffer.concat([FILES.pdf, Buffer.alloc(Math.max(0, size - FILES.pdf.length), 0x20)]);

async function applicant(opts: { entries?: boolean } = {}) {
  const username = uniqueName("cln");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db), { currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12" }), null);
  if (opts.entries) {
    const e = await createEntry(db, user.id, (await getCategory(db, "education"))!, (sampleEducation as any).valid[0]);
    await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
  }
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: user.id };
}

async function upload(c: Client, bytes: Uint8Array = FILES.pdf) {
  const res = await c.upload(EVIDENCE, bytes, "证明.pdf", "application/pdf");
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-cleanup-"));
  storage = await testStorage(dataDir);
  server = await startServer(target, { ...storage.env, UPLOAD_QUOTA_FILES: String(QUOTA_FILES), UPLOAD_QUOTA_MB: "2" });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  // The engine, called from here, works on the server's files.
  setObjectStore(storage.store);
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 3, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = (await m.Committee.findOne({ order: [["id", "ASC"]] }))!.id;
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  planId = (await createPlan(db, {
    name: `清理测试计划${uniqueName("")}`, planType: "职称评审", titleSeriesId: gc, titleLevel: "副高级", affiliationIds: [aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: specs, committeeIds: [committee], acceptanceDepartmentIds: [],
    attachmentRequirements: [{ name: "学历证书", required: true, accept: ["pdf"], maxSizeMb: 1, maxCount: 3 }], fee: 0,
  })).id;
}, 180_000);

afterAll(async () => {
  setObjectStore(undefined);
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("per-user upload quota", () => {
  it(`stops at UPLOAD_QUOTA_FILES (${QUOTA_FILES}) with a Chinese message, storing nothing past it`, async () => {
    const a = await applicant();
    for (let i = 0; i < QUOTA_FILES; i++) expect((await upload(a.c)).status).toBe(200);
    const over = await upload(a.c);
    expect(over.status).toBe(413);
    expect(over.body.error).toBe(`上传文件已达上限：每位用户最多保存 ${QUOTA_FILES} 个文件、共 2 MB（已用 ${QUOTA_FILES} 个、${formatBytes(QUOTA_FILES * FILES.pdf.length)}）。未被任何记录使用的文件会在上传 24 小时后自动清理。`);
    expect(await db.models.StoredFile.count({ where: { ownerId: a.id } })).toBe(QUOTA_FILES);
    // Another applicant is not affected.
    expect((await upload((await applicant()).c)).status).toBe(200);
  });

  it("stops at UPLOAD_QUOTA_MB", async () => {
    const a = await applicant();
    expect((await upload(a.c, pdf(800 * KB))).status).toBe(200);
    expect((await upload(a.c, pdf(800 * KB))).status).toBe(200);
    const over = await upload(a.c, pdf(800 * KB));
    expect(over.status).toBe(413);
    expect(over.body.error).toContain("共 2 MB（已用 2 个、1.6 MB）");
    expect(await db.models.StoredFile.count({ where: { ownerId: a.id } })).toBe(2);
    // A small file still fits.
    expect((await upload(a.c)).status).toBe(200);
  });

  it("holds under parallel uploads: exactly the quota is stored", async () => {
    const a = await applicant();
    const statuses = (await Promise.all(Array.from({ length: QUOTA_FILES + 8 }, () => upload(a.c)))).map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(QUOTA_FILES).fill(200), ...Array(8).fill(413)]);
    expect(await db.models.StoredFile.count({ where: { ownerId: a.id } })).toBe(QUOTA_FILES);
    const rows = await db.models.StoredFile.findAll({ where: { ownerId: a.id }, raw: true });
    for (const r of rows) expect(await onDisk(r.key)).toBe(true);
  });
});

describe("clean-up of files no record references", () => {
  const keys: Record<string, string> = {};
  let appId: number;
  let a: Awaited<ReturnType<typeof applicant>>;

  beforeAll(async () => {
    a = await applicant({ entries: true });
    // An archive entry with two evidence files, approved so the application can extract it.
    keys.entry = (await upload(a.c)).body.key;
    keys.snapshotOnly = (await upload(a.c)).body.key;
    const created = await a.c.post("/archive/education/new", { data: { ...(sampleEducation as any).valid[1], attachments: [keys.entry, keys.snapshotOnly] } }, { json: true });
    expect(created.status).toBe(302);
    const entry = (await db.models.AchievementEntry.findOne({ where: { userId: a.id, categoryId: "achievement/education" }, order: [["id", "DESC"]] }))!;
    expect(entry.data.attachments).toEqual([keys.entry, keys.snapshotOnly]);
    await entry.update({ status: "approved" });
    // Uploads never saved into a record.
    keys.unused = (await upload(a.c)).body.key;
    keys.racing = (await upload(a.c)).body.key;

    // The wizard: a photo replaced by another, a pledge signed on the phone then again on the desktop.
    appId = await startApply(a.c, planId);
    expect((await uploadToStep(a.c, appId, "photo", await currentVersion(a.c, appId, "photo"), await photoJpeg(640, 800), "旧照片.jpg")).status).toBe(200);
    keys.oldPhoto = ((await appRow()).steps.photo.data as any).key;
    await walkToSubmit(a.c, appId, { base: server.url, stopAt: "pledge-preview" });
    keys.photo = ((await appRow()).steps.photo.data as any).key;
    keys.oldSignature = ((await appRow()).steps.pledge.data as any).key;
    const resign = await stepAction(a.c, appId, "pledge", { intent: "sign", version: await currentVersion(a.c, appId, "pledge"), signature: await signaturePng() });
    expect(resign.status).toBe(200);
    keys.signature = ((await appRow()).steps.pledge.data as any).key;
    // Extraction snapshots the entry (with its files); two attachments, one removed again.
    await walkToSubmit(a.c, appId, { base: server.url, stopAt: "attachments" });
    for (const name of ["a1.pdf", "a2.pdf"]) {
      expect((await uploadToStep(a.c, appId, "attachments", await currentVersion(a.c, appId, "attachments"), FILES.pdf, name, { slot: "0" })).status).toBe(200);
    }
    [keys.removedAttachment, keys.attachment] = ((await appRow()).steps.attachments.data as any)["0"];
    const removed = await stepAction(a.c, appId, "attachments", { intent: "remove", slot: "0", key: keys.removedAttachment, version: await currentVersion(a.c, appId, "attachments") });
    expect(removed.status).toBe(200);
    // The entry is edited later without one of its files: only the extracted snapshot names it now.
    await entry.update({ data: { ...entry.data, attachments: [keys.entry] } });
    const snaps = await db.models.ApplicationAchievement.findAll({ where: { applicationId: appId }, raw: true });
    expect(JSON.stringify(snaps)).toContain(keys.snapshotOnly);

    // Other places a key can be named, each holding one file of another applicant: an
    // application's step data, its profile snapshot, and a profile.
    const b = await applicant();
    const stored = async () => (await storeFile(db, { ownerId: b.id, filename: "x.pdf", spec: { accept: ["application/pdf"], maxSize: MB }, data: (async function* () { yield FILES.pdf; })() })).key;
    keys.stepData = await stored();
    keys.profileSnapshot = await stored();
    keys.profile = await stored();
    const other = await db.models.Application.create({
      userId: b.id, planId, workflowId: "title-review", workflowVersion: 1, status: "draft", formVersions: {},
      steps: { info: { data: { certificates: [{ name: "证书", files: [keys.stepData] }] }, completedAt: null } },
      profileSnapshot: { formId: "profile", formVersion: 1, data: { name: "王小明", photo: keys.profileSnapshot } },
    });
    expect(other.id).toBeGreaterThan(0);
    const profile = (await db.models.Profile.findOne({ where: { userId: b.id } }))!;
    await profile.update({ data: { ...profile.data, extra: { scan: keys.profile } } });
  }, 180_000);

  const appRow = async () => plain(await db.models.Application.findByPk(appId))!;

  it("leaves everything alone while the files are younger than 24 h", async () => {
    const r = await cleanUnreferencedFiles(db);
    expect(r).toMatchObject({ removed: 0, restored: 0 });
    for (const k of Object.values(keys)) expect([k, await hasRow(k), await onDisk(k)]).toEqual([k, true, true]);
  });

  it("25 h later deletes the unreferenced ones and keeps every referenced one", async () => {
    // Leftovers: a file whose row was never written (killed between writing and recording),
    // and on disk a half-written upload from an older build (S3 never shows one).
    const orphan = `f_zz${"B".repeat(30)}`;
    await storage.store.put(objectKeyOf(orphan), (async function* () { yield Buffer.from("x"); })());
    const part = path.join(dataDir, "uploads", "zz", `f_zz${"C".repeat(30)}.part`);
    if (storage.kind === "local") {
      fs.writeFileSync(part, "x");
      fs.utimesSync(part, new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));
    }
    const later = new Date(Date.now() + 25 * 3600_000);
    // While the run deletes, a save that had validated "racing" commits a record naming it.
    const r = await cleanUnreferencedFiles(db, {
      now: later,
      afterRowsDeleted: async () => {
        expect(await hasRow(keys.racing)).toBe(false);
        const e = (await db.models.AchievementEntry.findOne({ where: { userId: a.id }, order: [["id", "ASC"]] }))!;
        await e.update({ data: { ...e.data, attachments: [keys.racing] } });
      },
    });
    expect(r.restored).toBe(1);
    expect(r.orphans).toBe(1);
    expect(r.partials).toBe(storage.kind === "local" ? 1 : 0);
    expect(await onDisk(orphan)).toBe(false);
    expect(fs.existsSync(part)).toBe(false);

    const gone = ["unused", "oldPhoto", "oldSignature", "removedAttachment"];
    const kept = ["entry", "snapshotOnly", "racing", "photo", "signature", "attachment", "stepData", "profileSnapshot", "profile"];
    for (const name of gone) expect({ name, row: await hasRow(keys[name]), disk: await onDisk(keys[name]) }).toEqual({ name, row: false, disk: false });
    for (const name of kept) expect({ name, row: await hasRow(keys[name]), disk: await onDisk(keys[name]) }).toEqual({ name, row: true, disk: true });
    // Over HTTP: the owner reads a kept file; a deleted one is the usual 404.
    expect((await a.c.get(`/files/${keys.photo}`)).status).toBe(200);
    expect((await a.c.get(`/files/${keys.unused}`)).status).toBe(404);
    // The quota users' uploads were never used: all gone, their room is back.
    expect(await db.models.StoredFile.count({ where: { ownerId: { [Op.ne]: a.id }, key: { [Op.notIn]: [keys.stepData, keys.profileSnapshot, keys.profile] } } })).toBe(0);

    // A second run finds nothing more to do.
    expect(await cleanUnreferencedFiles(db, { now: later })).toMatchObject({ removed: 0, restored: 0, orphans: 0, partials: 0 });
  });

  it("the application still submits: its photo, signature and attachments are all there", async () => {
    const done = await walkToSubmit(a.c, appId, { base: server.url });
    expect(done.landed).toBe(`/records/${appId}?notice=submitted`);
  }, 120_000);

  it.runIf(!!process.env.TEST_DATABASE_URL && process.env.TEST_DB === "postgres")("is scheduled hourly with pg-boss on Postgres", async () => {
    let rows: { name: string; cron: string }[] = [];
    for (let i = 0; i < 100 && !rows.length; i++) {
      rows = (await db.sequelize.query("SELECT name, cron FROM pgboss.schedule WHERE name = 'file-cleanup'", { type: "SELECT" }).catch(() => [])) as typeof rows;
      if (!rows.length) await new Promise((r) => setTimeout(r, 200));
    }
    // On failure the server's own log says why pg-boss did not start.
    expect(rows, server.logs().slice(-4000)).toEqual([{ name: "file-cleanup", cron: "17 * * * *" }]);
  });
});
