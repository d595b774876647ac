// Uploads over their limit, sent the ways hostile or careless clients send them (issue 10, item 1):
// chunked with no Content-Length at several speeds, repeatedly and in parallel, to POST /files
// and to the wizard's photo and attachment uploads — each answered 413 in Chinese while the
// server stays up; a declared Content-Length over the limit answered before the body is sent;
// and a *.part left by a server killed mid-upload swept at the next start.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { openDb, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { hashForm } from "~/engine/form-registry.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { evidenceField } from "../helpers/files";
import { multipartFrame, rawPost, type RawBody } from "../helpers/raw-http";
import { currentVersion, startApply, STEP_ROUTE, walkToSubmit } from "../helpers/wizard";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import sampleEducation from "../fixtures/achievements/education.json";

const MB = 1024 * 1024;
const KB = 1024;
const DAY = 86_400_000;
const PASSWORD = "Tulip-Harbor-2931";
const FORM = "test/limits";

let target: TestTarget;
let server: RunningServer;
let db: Db;
let dataDir: string;
let c: Client;
let userId: number;
let appId: number;

/** Every file under the uploads directory (relative paths). */
function filesOnDisk(dir = dataDir): string[] {
  const root = path.join(dir, "uploads");
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();
}

const cookie = () => [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

/** The three upload routes, each with its limit and the refusal the applicant reads. */
async function routes() {
  const v = await currentVersion(c, appId, "attachments");
  const step = (s: string, extra = "") => `${server.url}/apply/${appId}/${s}?intent=upload&version=${v}${extra}&_data=${encodeURIComponent(STEP_ROUTE)}`;
  return [
    { name: "POST /files", url: `${server.url}/files?form=${encodeURIComponent(FORM)}&field=scan`, limit: 1 * MB, message: "文件超过 1 MB" },
    { name: "wizard photo", url: step("photo"), limit: 5 * MB, message: "证件照超过 5 MB" },
    { name: "wizard attachment", url: step("attachments", "&slot=0"), limit: 1 * MB, message: "文件超过 1 MB" },
  ];
}

async function send(url: string, body: Omit<RawBody, "head" | "tail">) {
  const frame = multipartFrame();
  // The wait is a liveness guard: on a machine loaded by the whole suite a 10 MB trickle can take
  // longer than rawPost's default 30 s.
  return rawPost(url, { Cookie: cookie(), Origin: server.url, Accept: "application/json", "Content-Type": frame.contentType }, { waitMs: 90_000, ...body, head: frame.head, tail: frame.tail });
}

async function healthy() {
  const res = await fetch(`${server.url}/healthz`);
  return res.status === 200 && (await res.text()) === "ok";
}

/** The Chinese error of a JSON refusal (the route's own, not a proxy's or Node's). */
function errorOf(body: string) {
  try {
    return JSON.parse(body).error as string;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

beforeAll(async () => {
  target = await createTestTarget();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-limits-"));
  server = await startServer(target, { DATA_DIR: dataDir });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  const schema = { type: "object", properties: { scan: { ...evidenceField, "x-file": { accept: ["application/pdf"], maxSize: 1 * MB } } } };
  const def = { kind: "application" as const, title: "上传限制测试", schema, uiSchema: {}, meta: {} };
  await db.models.FormVersion.create({ formId: FORM, version: 1, ...def, hash: hashForm(def), createdBy: "test" });

  // An applicant with a draft 职称评审 application walked up to its attachments step (slot 0: 1 MB).
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 3, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = (await m.Committee.findOne({ order: [["id", "ASC"]] }))!.id;
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  const plan = await createPlan(db, {
    name: `上传限制计划${uniqueName("")}`, planType: "职称评审", titleSeriesId: gc, titleLevel: "副高级", affiliationIds: [aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: specs, committeeIds: [committee], acceptanceDepartmentIds: [],
    attachmentRequirements: [{ name: "学历证书", required: true, accept: ["pdf"], maxSizeMb: 1, maxCount: 2 }], fee: 0,
  });
  const username = uniqueName("lim");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  userId = user.id;
  await saveProfile(db, user.id, validProfile(await unitId(db), { currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12" }), null);
  const e = await createEntry(db, user.id, (await getCategory(db, "education"))!, (sampleEducation as any).valid[0]);
  await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
  c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  appId = await startApply(c, plan.id);
  await walkToSubmit(c, appId, { base: server.url, stopAt: "attachments" });
}, 180_000);

afterAll(async () => {
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// Client speeds: big and small writes as fast as the socket takes them, and a trickle.
const SPEEDS = [
  { chunk: 256 * KB, pauseMs: 0 },
  { chunk: 64 * KB, pauseMs: 0 },
  { chunk: 16 * KB, pauseMs: 0 },
  { chunk: 4 * KB, pauseMs: 1 },
];

describe("a chunked upload over the limit", () => {
  it("is refused 413 in Chinese at every client speed, repeatedly, and the server stays up", async () => {
    const before = filesOnDisk();
    const rows = await db.models.StoredFile.count({ where: { ownerId: userId } });
    for (let round = 0; round < 3; round++) {
      for (const r of await routes()) {
        for (const speed of SPEEDS) {
          const res = await send(r.url, { fill: r.limit * 2, ...speed });
          // `connection` names a reset or a missing answer when no status came.
          expect({ route: r.name, speed, round, status: res.status, error: errorOf(res.body), connection: res.error }).toEqual({ route: r.name, speed, round, status: 413, error: r.message, connection: undefined });
          expect(await healthy()).toBe(true);
        }
      }
    }
    // Nothing stored, nothing half-written left behind.
    expect(await db.models.StoredFile.count({ where: { ownerId: userId } })).toBe(rows);
    expect(filesOnDisk()).toEqual(before);
  }, 600_000);

  it("is refused in parallel, to every route at once", async () => {
    const all = await routes();
    const results = await Promise.all(
      all.flatMap((r) => SPEEDS.map((speed) => send(r.url, { fill: r.limit * 2, ...speed }).then((res) => ({ route: r.name, status: res.status, error: errorOf(res.body) })))),
    );
    expect(results).toEqual(all.flatMap((r) => SPEEDS.map(() => ({ route: r.name, status: 413, error: r.message }))));
    expect(await healthy()).toBe(true);
  }, 120_000);
});

describe("a declared Content-Length over the limit", () => {
  it("is answered 413 in Chinese before the body is sent", async () => {
    for (const r of await routes()) {
      // 200 MB announced, 256 KB sent, then the client waits with the body still open: the
      // answer must come without the rest.
      const res = await send(r.url, { fill: 200 * MB, declaredLength: 200 * MB, chunk: 64 * KB, hold: 256 * KB, waitMs: 20_000 });
      expect({ route: r.name, status: res.status, error: errorOf(res.body) }).toEqual({ route: r.name, status: 413, error: r.message });
      expect(await healthy()).toBe(true);
    }
  }, 120_000);
});

describe("a server killed in the middle of an upload", () => {
  /** The real server process: tsx runs server.ts in a child of the process startServer spawned. */
  function serverProcess(s: RunningServer) {
    const children = fs.readFileSync(`/proc/${s.pid}/task/${s.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    expect(children).toHaveLength(1);
    return children[0];
  }

  it("leaves a *.part that the next start removes (and a live writer's is kept)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-killed-"));
    const s1 = await startServer(target, { DATA_DIR: dir });
    try {
      // A trickling upload under the limit: its bytes go to a .part until the body ends.
      const frame = multipartFrame();
      void rawPost(`${s1.url}/files?form=${encodeURIComponent(FORM)}&field=scan`, { Cookie: cookie(), Origin: s1.url, "Content-Type": frame.contentType }, { head: frame.head, fill: 512 * KB, chunk: 16 * KB, hold: 256 * KB, waitMs: 60_000 });
      for (let i = 0; i < 600 && !filesOnDisk(dir).some((f) => f.endsWith(".part")); i++) await new Promise((r) => setTimeout(r, 50));
      expect(filesOnDisk(dir).filter((f) => f.endsWith(".part"))).toHaveLength(1);
      process.kill(serverProcess(s1), "SIGKILL");
    } finally {
      await s1.stop();
    }
    const left = filesOnDisk(dir).filter((f) => f.endsWith(".part"));
    expect(left).toHaveLength(1);
    // An upload in progress in another live process sharing the directory must not be swept.
    const live = path.join(dir, "uploads", "zz", `f_zz${"A".repeat(30)}.${process.pid}.part`);
    fs.mkdirSync(path.dirname(live), { recursive: true });
    fs.writeFileSync(live, "in progress");
    const s2 = await startServer(target, { DATA_DIR: dir });
    try {
      expect(await (await fetch(`${s2.url}/healthz`)).text()).toBe("ok");
      expect(filesOnDisk(dir).filter((f) => f.endsWith(".part"))).toEqual([path.join("zz", path.basename(live))]);
    } finally {
      await s2.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
