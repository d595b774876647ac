// The application wizard under load, on Postgres: BENCH_WIZARD_APPLICANTS applicants (200) each
// walk a whole 职称评审申报 (title-review) wizard through the real server, BENCH_WIZARD_CONCURRENCY
// (200) at a time — 【马上申报】, 证件照 upload, pledge signed on the phone page by a second,
// cookie-less client, 预览保证书, 申报信息 form, 受理评审委员会, 【提取】 of archive entries, an
// attachment upload, 【提交】. The walker is tests/helpers/wizard.ts, the one the HTTP tests use.
// Prints completed applications per minute, walk and per-step latency, server CPU, every failure,
// and the row counts checked afterwards (one submitted application, one number, one `submit`
// audit row and the snapshots per applicant). Never asserts a time; exits 1 when a walk failed
// or a count is wrong.
//
//   npm run bench:wizard
//   BENCH_WIZARD_APPLICANTS=50 BENCH_SECONDS=5 npm run bench:wizard     # quick
import { AsyncLocalStorage } from "node:async_hooks";
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createTestTarget, type TestTarget } from "../tests/helpers/db";
import { startServer, type RunningServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { idNumber, validProfile } from "../tests/helpers/fixtures";
import { startApply, walkToSubmit } from "../tests/helpers/wizard";
import { openDb, type Db } from "../app/utils/db.server";
import { setupDatabase } from "../scripts/setup";
import { hashPassword } from "../app/utils/password.server";
import { saveProfile } from "../app/engine/people/profile.server";
import { createEntries, getCategory } from "../app/engine/archive.server";
import { createPlan } from "../app/engine/plans.server";
import { getWorkflow } from "../app/engine/workflow/registry.server";
import { benchSeconds, cpuMs, listenerPid, load, machine, ms, summarize, table, warm } from "./lib";

const ROOT = path.resolve(__dirname, "..");
const int = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
};
const APPLICANTS = int("BENCH_WIZARD_APPLICANTS", 200);
const CONCURRENCY = Math.min(APPLICANTS, int("BENCH_WIZARD_CONCURRENCY", 200));
/** Applicants who walk alone, one after another, on a second plan before the load (warm-up and the unloaded baseline). */
const SOLO = int("BENCH_WIZARD_SOLO", 10);
/** Server processes (WEB_CONCURRENCY of the server under test), as in archive.ts. */
const WORKERS = int("BENCH_WORKERS", 2);
const LOGIN_CONCURRENCY = 10;
const PASSWORD = "Bench2026pass";
const WORKFLOW = "title-review";
const DAY = 86_400_000;
// Approved archive entries per applicant: [category slug, samples used]. The achievements step
// offers every category; the walker extracts one entry per category that has any.
const ENTRIES: [string, number][] = [["education", 1], ["work", 1], ["paper", 2], ["qualification", 1]];

function log(msg: string) {
  process.stderr.write(`[wizard] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Every HTTP request the walkers send (desktop and phone clients alike) goes through fetch; a
// wrapper attributes it to the walk's current step (AsyncLocalStorage per walk) and times it to
// its response headers.

interface WalkCtx { step: string }
const walkCtx = new AsyncLocalStorage<WalkCtx>();
interface ReqRec { step: string; label: string; ms: number; status: number }
const requests: ReqRec[] = [];
let recording = false;
const fetchErrors: string[] = [];

function requestLabel(method: string, url: string, body: unknown) {
  const u = new URL(url);
  let p = u.pathname.replace(/\/\d+(?=\/|$)/g, "/:id").replace(/^\/sign\/[^/]+$/, "/sign/:token").replace(/^\/apply\/:id\/(?!pledge-status$)[^/]+$/, "/apply/:id/:step");
  let intent = u.searchParams.get("intent");
  if (!intent && typeof body === "string" && body.startsWith("{")) {
    try { intent = JSON.parse(body).intent ?? null; } catch { /* not JSON */ }
  }
  if (u.searchParams.has("_data")) p += "?_data";
  if (p.startsWith("/sign/") && method === "POST") intent = "sign";
  return `${method} ${p}${intent ? ` (${intent})` : ""}`;
}

const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: any, init?: any) => {
  const ctx = walkCtx.getStore();
  if (!recording || !ctx) return realFetch(input, init);
  const method = (init?.method ?? "GET").toUpperCase();
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const t0 = performance.now();
  try {
    const res = await realFetch(input, init);
    requests.push({ step: ctx.step, label: requestLabel(method, url, init?.body), ms: performance.now() - t0, status: res.status });
    return res;
  } catch (e) {
    fetchErrors.push(`${method} ${url}: ${(e as Error).message}${(e as any).cause ? ` (${(e as any).cause.code ?? (e as any).cause.message})` : ""}`);
    throw e;
  }
}) as typeof fetch;

// ---------------------------------------------------------------------------------------------
// Data: applicants with completed profiles and approved archive entries, two open plans.

interface Applicant { index: number; userId: number; username: string }

async function seedApplicants(db: Db, url: string, prefix: string, count: number, offset: number): Promise<Applicant[]> {
  const hash = await hashPassword(PASSWORD); // one argon2 hash, shared (creating 200 would take a while)
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let rows: { id: number; username: string }[];
  try {
    const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
    const r = await client.query(
      `INSERT INTO users (username, "usernameNormalized", "passwordHash", role, "displayName", "isDemo", "failedLoginCount", "createdAt", "updatedAt")
       SELECT u, lower(u), $2, 'applicant', u, false, 0, now(), now() FROM unnest($1::varchar[]) AS t(u) RETURNING id, username`,
      [names, hash],
    );
    rows = r.rows;
  } finally {
    await client.end();
  }
  rows.sort((a, b) => a.username.localeCompare(b.username));
  const units = await db.models.Unit.findAll({ attributes: ["id"], order: [["id", "ASC"]], limit: 50, raw: true });
  const categories = await Promise.all(ENTRIES.map(async ([slug, n]) => {
    const cat = await getCategory(db, slug);
    if (!cat) throw new Error(`category ${slug} missing`);
    const samples = JSON.parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/achievements", `${slug}.json`), "utf8")).valid as unknown[];
    return { cat, samples: samples.slice(0, n) };
  }));
  const out: Applicant[] = [];
  // Through the engine (validation, audit rows, derived columns), a few at a time.
  const queue = rows.map((r, i) => ({ ...r, i: offset + i }));
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let x = queue.shift(); x; x = queue.shift()) {
      await saveProfile(db, x.id, validProfile(units[x.i % units.length].id, {
        name: `申请人${x.i}`, idNumber: idNumber(`33010619880612${String(x.i % 1000).padStart(3, "0")}`), mobile: `139${String(x.i).padStart(8, "0")}`,
        currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12",
      }), null);
      for (const { cat, samples } of categories) await createEntries(db, x.id, cat, samples);
      out.push({ index: x.i, userId: x.id, username: x.username });
    }
  }));
  await db.models.AchievementEntry.update({ status: "approved", reviewedAt: new Date() }, { where: { userId: rows.map((r) => r.id) } });
  return out.sort((a, b) => a.index - b.index);
}

async function makePlan(db: Db, name: string) {
  const m = db.models;
  const series = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specialtyIds = (await m.Specialty.findAll({ where: { seriesId: series }, limit: 3, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = (await m.Committee.findOne({ order: [["id", "ASC"]] }))!.id;
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  return (await createPlan(db, {
    name, planType: "职称评审", titleLevel: "副高级", titleSeriesId: series, affiliationIds: [aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>2026年度工程系列高级职称评审。</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>",
    eligibilityText: "大学本科及以上学历，取得中级资格满5年，至少1篇论文",
    eligibilityRules: [
      { label: "大学本科及以上学历", logic: { ">=": [{ var: "educationRank" }, 4] } },
      { label: "具有中级资格", logic: { ">=": [{ var: "levelRank" }, 3] } },
      { label: "取得现资格满5年", logic: { ">=": [{ var: "yearsSinceCurrentTitle" }, 5] } },
      { label: "至少1篇审核通过的论文", logic: { ">=": [{ var: "approved.paper" }, 1] } },
    ],
    specialtyIds, committeeIds: [committee], acceptanceDepartmentIds: [],
    attachmentRequirements: [
      { name: "学历证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 2 },
      { name: "其他材料", required: false, accept: ["pdf"], maxSizeMb: 5, maxCount: 3 },
    ],
    fee: 30000,
  } as any)).id;
}

async function loginAll(base: string, people: Applicant[]) {
  const clients = new Map<number, Client>();
  const queue = [...people];
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, async () => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      const c = new Client(base);
      const res = await c.login(a.username, PASSWORD);
      await res.text();
      if (res.status !== 302 || res.headers.get("location") !== "/home") throw new Error(`login ${a.username}: ${res.status} ${res.headers.get("location")}`);
      clients.set(a.userId, c);
    }
  }));
  return clients;
}

// ---------------------------------------------------------------------------------------------
// One walk: 【马上申报】 then every step, timed per step (view + actions + 【下一步】).

interface WalkResult {
  applicant: Applicant;
  appId: number | null;
  ok: boolean;
  submitted: boolean;
  totalMs: number;
  steps: Map<string, number>;
  /** Server CPU ms per step (solo walks only: nothing else runs on the server meanwhile). */
  stepCpu: Map<string, number>;
  failedAt?: string;
  error?: string;
}

async function walk(base: string, c: Client, a: Applicant, planId: number, serverCpu?: () => number): Promise<WalkResult> {
  const ctx: WalkCtx = { step: "start" };
  return walkCtx.run(ctx, async () => {
    const steps = new Map<string, number>();
    const stepCpu = new Map<string, number>();
    const t0 = performance.now();
    const c0 = serverCpu?.() ?? NaN;
    let stepT0 = t0;
    let stepC0 = c0;
    let appId: number | null = null;
    let submitted = false;
    try {
      appId = await startApply(c, planId);
      await walkToSubmit(c, appId, {
        base,
        before: (stepId) => {
          const now = performance.now();
          const cpu = serverCpu?.() ?? NaN;
          if (ctx.step === "start") { // POST /apply + GET /apply/:id (resume)
            steps.set("start", now - t0);
            stepCpu.set("start", cpu - c0);
          }
          ctx.step = stepId;
          stepT0 = now;
          stepC0 = cpu;
        },
        after: (stepId, kind) => {
          steps.set(stepId, performance.now() - stepT0);
          stepCpu.set(stepId, (serverCpu?.() ?? NaN) - stepC0);
          if (kind === "confirm-submit") submitted = true;
        },
      });
      return { applicant: a, appId, ok: true, submitted, totalMs: performance.now() - t0, steps, stepCpu };
    } catch (e) {
      return { applicant: a, appId, ok: false, submitted, totalMs: performance.now() - t0, steps, stepCpu, failedAt: ctx.step, error: (e as Error).stack ?? String(e) };
    }
  });
}

async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/**
 * CPU ms of the Postgres backends serving this database (pg_stat_activity pids, /proc), by pid;
 * empty when Postgres is not on this machine. The server's pools keep their connections while
 * the load runs, so the difference of two samples is Postgres's work for the walks.
 */
async function pgBackendCpu(db: Db): Promise<Map<number, number>> {
  const rows = (await db.sequelize.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`, { type: "SELECT" as any })) as unknown as { pid: number }[];
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)] as [number, number]).filter(([, v]) => Number.isFinite(v)));
}

/** Machine-wide CPU jiffies (busy, total) from /proc/stat, or null off Linux. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3] + f[4];
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Afterwards: the rows, counted.

interface Check { label: string; expected: string; found: string; ok: boolean }

async function verify(db: Db, planId: number, results: WalkResult[], stepIds: string[], snapshotsPerApp: number): Promise<Check[]> {
  const q = async <T = any>(sql: string, replacements: unknown[] = []) => (await db.sequelize.query(sql, { replacements, type: "SELECT" as any })) as unknown as T[];
  const n = results.length;
  const checks: Check[] = [];
  const add = (label: string, expected: number | string, found: number | string) =>
    checks.push({ label, expected: String(expected), found: String(found), ok: String(expected) === String(found) });

  const [apps] = await q(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'submitted')::int AS submitted,
            count(DISTINCT number)::int AS numbers, count(*) FILTER (WHERE number IS NULL)::int AS no_number,
            count(DISTINCT "userId")::int AS users, count(*) FILTER (WHERE "submittedAt" IS NULL)::int AS no_time
       FROM applications WHERE "planId" = ?`, [planId]);
  add("applications on the plan", n, apps.total);
  add("… of them status submitted", n, apps.submitted);
  add("… distinct applicants (one application each)", n, apps.users);
  add("… distinct application numbers", n, apps.numbers);
  add("… without a number or submittedAt", 0, apps.no_number + apps.no_time);

  const audits = await q(
    `SELECT l.action, count(*)::int AS rows, count(DISTINCT l."entityId")::int AS apps
       FROM audit_logs l JOIN applications a ON l."entityType" = 'application' AND l."entityId" = a.id::text
      WHERE a."planId" = ? GROUP BY l.action`, [planId]);
  const byAction = Object.fromEntries(audits.map((r) => [r.action, r]));
  add("`submit` audit rows", n, byAction.submit?.rows ?? 0);
  add("… applications with a `submit` audit row", n, byAction.submit?.apps ?? 0);
  add("`create` audit rows (one per 【马上申报】)", n, byAction.create?.rows ?? 0);

  const [snap] = await q(
    `SELECT count(*)::int AS rows, count(DISTINCT s."applicationId")::int AS apps,
            count(DISTINCT (s."applicationId", s."entryId"))::int AS distinct_rows
       FROM application_achievements s JOIN applications a ON a.id = s."applicationId" WHERE a."planId" = ?`, [planId]);
  add(`achievement snapshots (${snapshotsPerApp} per application)`, n * snapshotsPerApp, snap.rows);
  add("… applications with snapshots", n, snap.apps);
  add("… duplicate snapshots (same entry twice)", 0, snap.rows - snap.distinct_rows);

  // Every step complete; photo, phone signature and attachment files stored and owned by the applicant.
  const rows = (await db.models.Application.findAll({ where: { planId }, raw: true })).map((r: any) => ({ ...r, steps: typeof r.steps === "string" ? JSON.parse(r.steps) : r.steps }));
  const incomplete = rows.filter((r) => stepIds.some((s) => !r.steps[s]?.completedAt)).length;
  add("applications with a step not complete", 0, incomplete);
  const keys: { key: string; userId: number }[] = [];
  let phoneSigned = 0;
  for (const r of rows) {
    if (r.steps.photo?.data?.key) keys.push({ key: r.steps.photo.data.key, userId: r.userId });
    if (r.steps.pledge?.data?.key) keys.push({ key: r.steps.pledge.data.key, userId: r.userId });
    if (r.steps.pledge?.data?.via === "phone") phoneSigned++;
    for (const list of Object.values((r.steps.attachments?.data ?? {}) as Record<string, string[]>)) for (const k of list) keys.push({ key: k, userId: r.userId });
  }
  add("pledges signed on the phone page", n, phoneSigned);
  add("files referenced (photo + signature + 1 attachment each)", n * 3, keys.length);
  const stored = keys.length
    ? await db.models.StoredFile.findAll({ where: { key: keys.map((k) => k.key) }, attributes: ["key", "ownerId"], raw: true })
    : [];
  const owner = new Map(stored.map((s) => [s.key, s.ownerId]));
  add("… stored, owned by the applicant", keys.length, keys.filter((k) => owner.get(k.key) === k.userId).length);
  const [tokens] = await q(
    `SELECT count(*) FILTER (WHERE t."usedAt" IS NOT NULL)::int AS used FROM pledge_tokens t JOIN applications a ON a.id = t."applicationId" WHERE a."planId" = ?`, [planId]);
  add("pledge tokens used (one per application)", n, tokens.used);

  // The client's view against the rows: every walk that saw 【提交】 succeed is submitted, and no other.
  const dbSubmitted = new Set(rows.filter((r) => r.status === "submitted").map((r) => r.id));
  const clientSubmitted = results.filter((r) => r.submitted && r.appId !== null).map((r) => r.appId!);
  add("walks told 「提交成功」 whose row is not submitted (lost)", 0, clientSubmitted.filter((id) => !dbSubmitted.has(id)).length);
  add("submitted rows no walk was told about", 0, [...dbSubmitted].filter((id) => !clientSubmitted.includes(id)).length);
  return checks;
}

// ---------------------------------------------------------------------------------------------

function buildIfMissing() {
  if (fs.existsSync(path.join(ROOT, "build", "index.js"))) return;
  log("build/ missing: running `npm run build` …");
  execSync("npm run build", { cwd: ROOT, stdio: "inherit" });
}

async function main() {
  const seconds = benchSeconds();
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  process.env.TEST_DATABASE_URL = admin; // tests/helpers/db.ts creates (and drops) a fresh database there
  buildIfMissing();
  console.log(`# bench/wizard — ${machine()}`);

  const target: TestTarget = await createTestTarget("postgres");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-bench-wizard-"));
  let db: Db | null = null;
  let server: RunningServer | null = null;
  let failed = false;
  try {
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    let t0 = performance.now();
    await setupDatabase(db);
    const tSetup = (performance.now() - t0) / 1000;
    const [pgVersion] = (await db.sequelize.query("SHOW server_version", { type: "SELECT" as any, raw: true })) as any[];

    const workflow = (await getWorkflow(db, WORKFLOW))!;
    const stepIds = workflow.steps.map((s) => s.id);
    log(`seeding ${APPLICANTS} + ${SOLO} applicants …`);
    t0 = performance.now();
    const applicants = await seedApplicants(db, target.databaseUrl!, "bench_w", APPLICANTS, 0);
    const solos = await seedApplicants(db, target.databaseUrl!, "bench_solo", SOLO, APPLICANTS);
    const tSeed = (performance.now() - t0) / 1000;
    const planId = await makePlan(db, "2026年度工程系列高级职称评审（基准）");
    const soloPlanId = await makePlan(db, "2026年度工程系列高级职称评审（预热）");
    const snapshotsPerApp = ENTRIES.length; // the walker extracts one entry per category that has any
    await db.sequelize.query("ANALYZE");

    server = await startServer(target, { WEB_CONCURRENCY: String(WORKERS), DATA_DIR: dataDir });
    const serverPid = listenerPid(server.port);
    log(`logging in ${APPLICANTS + SOLO} applicants …`);
    t0 = performance.now();
    const clients = await loginAll(server.url, [...applicants, ...solos]);
    const tLogin = (performance.now() - t0) / 1000;

    console.log(`\n## Setup\n`);
    console.log(table(["item", "value"], [
      ["Postgres", `${pgVersion.server_version} (local), fresh database, dropped afterwards`],
      ["server", `server.ts + build/, NODE_ENV=production, WEB_CONCURRENCY=${WORKERS} (Sequelize pool of 10 per process), DATA_DIR in a temporary directory`],
      ["workflow", `${workflow.name} (${workflow.id} v${workflow.version}): ${workflow.steps.map((s) => `${s.id} (${s.kind})`).join(" → ")}`],
      ["plan", "职称评审, 工程, 副高级, one committee, 4 eligibility rules (re-checked at 【提交】), 2 attachment slots (学历证书 required)"],
      ["applicants", `${APPLICANTS} (+ ${SOLO} for the solo baseline on a second plan): users in one INSERT (one shared argon2 hash), profiles through saveProfile, ${ENTRIES.reduce((a, [, n]) => a + n, 0)} archive entries each through createEntries (${ENTRIES.map(([s, n]) => `${s} ${n}`).join(", ")}), then approved; ${tSeed.toFixed(1)} s (database setup ${tSetup.toFixed(1)} s)`],
      ["logins", `${APPLICANTS + SOLO} POST /login, ${LOGIN_CONCURRENCY} at a time, before anything is timed: ${tLogin.toFixed(1)} s`],
    ]));

    // ---- in-run baselines ----
    await warm(server.url, ["/healthz"]);
    log(`GET /healthz: ${seconds} s × ${CONCURRENCY} connections …`);
    const health = await load({ label: "GET /healthz", url: server.url, paths: ["/healthz"], seconds, connections: CONCURRENCY, serverPid });

    log(`${SOLO} solo walks, one after another …`);
    recording = true;
    const soloResults: WalkResult[] = [];
    const soloCpu = serverPid ? () => cpuMs(serverPid) : undefined;
    for (const a of solos) soloResults.push(await walk(server.url, clients.get(a.userId)!, a, soloPlanId, soloCpu));
    const soloFailures = soloResults.filter((r) => !r.ok);
    if (soloFailures.length) {
      for (const f of soloFailures) console.error(`solo walk ${f.applicant.username} failed at ${f.failedAt}: ${f.error}`);
      throw new Error(`${soloFailures.length} solo walk(s) failed; not starting the load`);
    }
    const soloRequests = requests.length;

    // ---- the load ----
    log(`${APPLICANTS} walks, ${CONCURRENCY} at a time …`);
    const load0 = os.loadavg()[0];
    const mc0 = machineCpu();
    const sc0 = serverPid ? cpuMs(serverPid) : NaN;
    const pc0 = await pgBackendCpu(db);
    const bc0 = process.cpuUsage();
    const w0 = performance.now();
    const results = await pool(applicants, CONCURRENCY, (a) => walk(server!.url, clients.get(a.userId)!, a, planId));
    const wallMs = performance.now() - w0;
    const sc1 = serverPid ? cpuMs(serverPid) : NaN;
    const pc1 = await pgBackendCpu(db);
    const pgCpu = pc1.size ? [...pc1].reduce((a, [pid, v]) => a + v - (pc0.get(pid) ?? 0), 0) : NaN;
    const bc1 = process.cpuUsage(bc0);
    const mc1 = machineCpu();
    const load1 = os.loadavg()[0];
    recording = false;
    const loadRequests = requests.slice(soloRequests);

    const done = results.filter((r) => r.ok);
    const failures = results.filter((r) => !r.ok);
    const walkT = summarize(done.map((r) => r.totalMs));
    const soloWalkT = summarize(soloResults.map((r) => r.totalMs));
    const statusCounts: Record<string, number> = {};
    for (const r of loadRequests) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    const badStatus = loadRequests.filter((r) => r.status >= 400).length;
    const machineBusy = mc0 && mc1 ? (100 * (mc1.busy - mc0.busy)) / (mc1.total - mc0.total) : NaN;
    const cores = os.cpus().length;
    const perMinute = (done.length / wallMs) * 60_000;

    console.log(`\n## ${APPLICANTS} applicants, ${CONCURRENCY} concurrent, each walking the whole ${workflow.name} wizard\n`);
    console.log(`Closed loop: each applicant starts its next request when the last one is answered; all ${CONCURRENCY} start together. A walk is 【马上申报】 (POST /apply) through 【提交】, ${(loadRequests.length / Math.max(1, results.length)).toFixed(0)} HTTP requests (desktop session + the phone page's two). Load avg ${load0.toFixed(1)}→${load1.toFixed(1)} on ${cores} cores; client, server and Postgres share the machine.\n`);
    console.log(table(["figure", "value"], [
      ["walks completed / failed", `${done.length} / ${failures.length}`],
      ["wall time (first 【马上申报】 to last 【提交】)", `${(wallMs / 1000).toFixed(1)} s`],
      ["**completed applications per minute**", `**${perMinute.toFixed(0)}**`],
      ["walk time p50 / p95 / max", `${(walkT.p50 / 1000).toFixed(1)} / ${(walkT.p95 / 1000).toFixed(1)} / ${(Math.max(...done.map((r) => r.totalMs), 0) / 1000).toFixed(1)} s`],
      ["walk time alone (solo baseline, " + SOLO + " walks) p50 / max", `${ms(soloWalkT.p50)} / ${ms(Math.max(...soloResults.map((r) => r.totalMs)))} ms`],
      ["HTTP requests / throughput", `${loadRequests.length} / ${((1000 * loadRequests.length) / wallMs).toFixed(0)} req/s`],
      ["HTTP status counts", Object.entries(statusCounts).map(([k, v]) => `${k}: ${v}`).join(", ")],
      ["errors (failed walks; 4xx/5xx answers; network errors)", `${failures.length}; ${badStatus}; ${fetchErrors.length}`],
      ["server CPU (primary + workers)", Number.isFinite(sc1 - sc0) ? `${((sc1 - sc0) / 1000).toFixed(1)} s = ${((sc1 - sc0) / Math.max(1, done.length)).toFixed(0)} ms per walk, ${ms((sc1 - sc0) / loadRequests.length)} ms per request, ${((100 * (sc1 - sc0)) / wallMs / cores).toFixed(0)}% of the machine` : "—"],
      ["Postgres CPU (backends of this database)", Number.isFinite(pgCpu) ? `${(pgCpu / 1000).toFixed(1)} s = ${(pgCpu / Math.max(1, done.length)).toFixed(0)} ms per walk, ${((100 * pgCpu) / wallMs / cores).toFixed(0)}% of the machine (${pc1.size} backends)` : "—"],
      ["load generator CPU (this process)", `${((bc1.user + bc1.system) / 1e6).toFixed(1)} s (${((100 * (bc1.user + bc1.system)) / 1000 / wallMs / cores).toFixed(0)}% of the machine)`],
      ["machine busy during the walks (/proc/stat, everything incl. Postgres and other jobs)", Number.isFinite(machineBusy) ? `${machineBusy.toFixed(0)}%` : "—"],
    ]));

    console.log(`\n## Baseline: GET /healthz at ${CONCURRENCY} connections, ${seconds} s (same server, before the walks)\n`);
    console.log(table(["route", "req/s", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/req", "non-2xx / errors", "load avg start→end"], [[
      health.label, health.rps.toFixed(0), ms(health.latency.p50), ms(health.latency.p95), ms(health.latency.p99), ms(health.serverCpuMsPerReq),
      `${health.non2xx} / ${health.errors}`, `${health.loadAvg[0].toFixed(1)}→${health.loadAvg[1].toFixed(1)}`,
    ]]));

    // ---- per step ----
    const stepRows: (string | number)[][] = [];
    for (const id of ["start", ...stepIds]) {
      const t = summarize(done.map((r) => r.steps.get(id)).filter((x): x is number => x !== undefined));
      const solo = summarize(soloResults.map((r) => r.steps.get(id)).filter((x): x is number => x !== undefined));
      const soloCpu = soloResults.reduce((a, r) => a + (r.stepCpu.get(id) ?? NaN), 0) / soloResults.length;
      const reqs = loadRequests.filter((r) => r.step === id);
      const kind = id === "start" ? "POST /apply + GET /apply/:id" : workflow.steps.find((s) => s.id === id)!.kind;
      const max = Math.max(...done.map((r) => r.steps.get(id) ?? 0));
      stepRows.push([
        `${id} (${kind})`, (reqs.length / Math.max(1, results.length)).toFixed(1), ms(t.p50), ms(t.p95), ms(max), ms(solo.p50), ms(soloCpu),
        (t.p95 / health.latency.p95).toFixed(1), reqs.filter((r) => r.status >= 400).length,
      ]);
    }
    console.log(`\n## Per step, under the load (${done.length} completed walks)\n`);
    console.log(`A step's time runs from its view (GET ?_data) to the answer of its 【下一步】 (【提交】 for the last), with its own actions in between (uploads, the phone's page and signature, the status poll, 【提取】). "start" is 【马上申报】 plus the resume redirect. "alone" columns: the ${SOLO} solo walks before the load (p50 latency; mean server CPU per step, /proc granularity ${Math.round(1000 / 100)} ms per sample).\n`);
    console.log(table(["step", "requests", "p50 ms", "p95 ms", "max ms", "alone p50 ms", "alone server CPU ms", "p95 ÷ /healthz p95", "4xx/5xx"], stepRows));

    // ---- per request kind ----
    const byLabel = new Map<string, number[]>();
    for (const r of loadRequests) {
      let a = byLabel.get(r.label);
      if (!a) byLabel.set(r.label, (a = []));
      a.push(r.ms);
    }
    const reqRows = [...byLabel.entries()].map(([label, xs]) => ({ label, t: summarize(xs) })).sort((a, b) => b.t.p95 - a.t.p95);
    console.log(`\n## Per request, under the load (time to response headers)\n`);
    console.log(table(["request", "count", "p50 ms", "p95 ms", "p99 ms"], reqRows.map(({ label, t }) => [`\`${label}\``, t.n, ms(t.p50), ms(t.p95), ms(t.p99)])));

    // ---- the rows ----
    const checks = await verify(db, planId, results, stepIds, snapshotsPerApp);
    console.log(`\n## Rows afterwards (plan of the load run)\n`);
    console.log(table(["check", "expected", "found", ""], checks.map((c) => [c.label, c.expected, c.found, c.ok ? "ok" : "**WRONG**"])));

    if (failures.length || fetchErrors.length) {
      console.log(`\n## Failures\n`);
      for (const f of failures) console.log(`- ${f.applicant.username} (application ${f.appId ?? "—"}), at step ${f.failedAt} after ${(f.totalMs / 1000).toFixed(1)} s:\n\n  \`\`\`\n  ${(f.error ?? "").split("\n").slice(0, 6).join("\n  ")}\n  \`\`\``);
      for (const e of fetchErrors.slice(0, 20)) console.log(`- network: ${e}`);
    }
    failed = failures.length > 0 || fetchErrors.length > 0 || checks.some((c) => !c.ok);
    console.log(`\n${failed ? "**FAILED**: see above." : `All ${APPLICANTS} walks submitted once each; no errors.`}`);
  } finally {
    if (server) await server.stop();
    if (db) await db.sequelize.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (process.env.BENCH_KEEP_DB === "1") log(`kept database ${target.databaseUrl}`);
    else await target.drop();
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
