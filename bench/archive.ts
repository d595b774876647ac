// 业绩档案库 at scale, on Postgres: 10 000 applicants and 500 000 achievement entries.
//  1. bulk-loads a fresh Postgres database (migrations, reference data and forms first);
//  2. in process: Ajv validation of a typical entry through compiledValidator (µs, batches of
//     1000, against JSON.stringify of the same record) and the validator cache hit ratio after
//     warm-up; the archive engine's queries one call at a time (against `SELECT 1`) and their
//     EXPLAIN ANALYZE plans;
//  3. over HTTP on the real server: the archive pages and the reviewer queue under 50
//     connections (against GET /healthz), SSR and loader-only (`?_data=`);
//  4. entry save (server validation + insert): sequential and concurrent POSTs.
// Prints markdown tables and the figures against the issue's targets; never asserts a time.
//
//   npx tsx bench/archive.ts                                      # 10 000 applicants, 500 000 entries
//   BENCH_APPLICANTS=1000 BENCH_ENTRIES=50000 BENCH_SECONDS=5 npx tsx bench/archive.ts   # quick
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createTestTarget, type TestTarget } from "../tests/helpers/db";
import { startServer, type RunningServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { idNumber, validProfile } from "../tests/helpers/fixtures";
import { openDb, type Db } from "../app/utils/db.server";
import { setupDatabase } from "../scripts/setup";
import { prng } from "../scripts/seeders/reference-data";
import { createUser } from "../app/engine/people/users.server";
import { hashPassword } from "../app/utils/password.server";
import { loadReviewerScope, type ReviewerScope } from "../app/engine/people/scope.server";
import { profileForm } from "../app/engine/people/profile.server";
import { categoryCounts, listCategories, listEntries, reviewQueue, type Category } from "../app/engine/archive.server";
import { compiledValidator, validatorStats, type PublishedForm } from "../app/engine/form-registry.server";
import { benchSeconds, CONNECTIONS, cpuMs, ensureBuild, getter, listenerPid, load, machine, ms, openLoop, summarize, table, warm, type LoadResult, type Summary } from "./lib";

const ROOT = path.resolve(__dirname, "..");
const int = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
};
const APPLICANTS = int("BENCH_APPLICANTS", 10_000);
const ENTRIES = int("BENCH_ENTRIES", 500_000);
const BATCH = int("BENCH_BATCH", 5_000);
const SAVES = int("BENCH_SAVES", 500);
const SAVE_CONCURRENCY = int("BENCH_SAVE_CONCURRENCY", 20);
const AJV_CALLS = int("BENCH_AJV_CALLS", 1_000_000);
const QUERY_CALLS = int("BENCH_QUERY_CALLS", 200);
/** Server processes (WEB_CONCURRENCY of the server under test). */
const WORKERS = int("BENCH_WORKERS", 2);
/** Offered rate of the extra fixed-rate page runs, req/s across the 50 connections. */
const RATE = int("BENCH_RATE", 50);
/** Share of the applicants working at the reviewer's unit (the "busy unit"). */
const BUSY_SHARE = Number(process.env.BENCH_BUSY_SHARE ?? 0.05);
const PASSWORD = "Bench2026pass";
const BUSY_UNIT = "浙江工业大学";
const LIST_SLUG = "paper";
const PAGE_SIZE = 20; // the lists' default page size (app/utils/pagination.ts)
// Issue 13's restated targets: per-page server CPU and engine SQL, open-loop latency at an
// offered rate (pages and saves by many applicants), Ajv per record.
const TARGETS = { cpuPerPageMs: 6, sqlP95Ms: 5, listP95: 150, saveP95: 100, ajvP99Us: 50 };
/** Different applicants saving at the offered rate (each signed in once). */
const SAVERS = int("BENCH_SAVERS", 50);

// How often each category occurs (default 1): 论文 and 培训 are the common ones.
const CATEGORY_WEIGHT: Record<string, number> = {
  paper: 4, training: 3, work: 2, "research-project": 2, "engineering-project": 2, appraisal: 2,
};
const STATUS_MIX: [string, number][] = [["approved", 0.6], ["pending", 0.3], ["returned", 0.1]];

const ROUTE = {
  archive: "routes/archive._index",
  list: "routes/archive.$slug._index",
  newEntry: "routes/archive.$slug.new",
  queue: "routes/review.entries._index",
};
const dataPath = (p: string, routeId: string) => `${p}${p.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`;

function log(msg: string) {
  process.stderr.write(`[archive] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Sample data: each category's valid fixtures, with the title field varied.

interface CategorySamples { category: Category; weight: number; samples: Record<string, unknown>[] }

function loadSamples(categories: Category[]): CategorySamples[] {
  return categories.map((category) => {
    const file = path.join(ROOT, "tests/fixtures/achievements", `${category.slug}.json`);
    const samples = JSON.parse(fs.readFileSync(file, "utf8")).valid as Record<string, unknown>[];
    if (!samples?.length) throw new Error(`${file}: no valid samples`);
    return { category, weight: CATEGORY_WEIGHT[category.slug] ?? 1, samples };
  });
}

/** A sample with its title field varied by n (kept within the field's maxLength / range). */
function variant(form: PublishedForm, sample: Record<string, unknown>, n: number): Record<string, unknown> {
  const tf = form.meta.titleField as string;
  const fs_ = form.schema.properties?.[tf] ?? {};
  const v = sample[tf];
  if (typeof v === "string") {
    const suffix = `（${n}）`;
    const max = typeof fs_.maxLength === "number" ? fs_.maxLength : 255;
    return { ...sample, [tf]: `${v.slice(0, Math.max(1, max - suffix.length))}${suffix}` };
  }
  if (typeof v === "number" && fs_.type === "integer") {
    // 考核年度: a year within the last 25 years.
    return { ...sample, [tf]: 2000 + (n % 25) };
  }
  return sample;
}

// The stored title / searchText columns, as archive.server.ts derives them.
function entryTitle(form: PublishedForm, data: Record<string, unknown>) {
  const v = data[form.meta.titleField as string];
  return (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v)).slice(0, 255);
}
function searchTextOf(form: PublishedForm, data: Record<string, unknown>) {
  const fields = (form.meta.searchFields as string[] | undefined) ?? [form.meta.titleField as string];
  return fields.map((f) => data[f]).filter((v) => typeof v === "string" || typeof v === "number").join(" ").toLowerCase().slice(0, 4000);
}

// ---------------------------------------------------------------------------------------------
// Bulk load: multi-row INSERT … SELECT FROM unnest($1::int[], …), BATCH rows per statement.

interface Loaded {
  applicantIds: number[];
  busyUnit: { id: number; name: string; creditCode: string };
  entriesPerApplicant: number[];
  loadSeconds: { users: number; profiles: number; entries: number; entriesDbWait: number; analyze: number };
}

async function bulkLoad(db: Db, url: string, cats: CategorySamples[]): Promise<Loaded> {
  const rnd = prng(20260501);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const units = (await db.models.Unit.findAll({ attributes: ["id", "name", "creditCode"], order: [["id", "ASC"]], raw: true }));
    const busy = units.find((u) => u.name === BUSY_UNIT) ?? units[0];
    const others = units.filter((u) => u.id !== busy.id);
    const pForm = await profileForm(db);
    const hash = await hashPassword(PASSWORD); // one argon2 hash, shared by every applicant
    const now = Date.now();

    // Users (applicants with completed profiles).
    let t0 = performance.now();
    const applicantIds: number[] = [];
    for (let from = 0; from < APPLICANTS; from += BATCH) {
      const n = Math.min(BATCH, APPLICANTS - from);
      const idx = Array.from({ length: n }, (_, i) => from + i);
      const at = new Date(now - 800 * 86_400_000);
      const r = await client.query(
        `INSERT INTO users (username, "usernameNormalized", "passwordHash", role, "displayName", "isDemo", "failedLoginCount", "profileCompletedAt", "createdAt", "updatedAt")
         SELECT u, lower(u), $2, 'applicant', d, false, 0, $3, $3, $3 FROM unnest($1::varchar[], $4::varchar[]) AS t(u, d) RETURNING id`,
        [idx.map((i) => `bench_a${String(i).padStart(5, "0")}`), hash, at, idx.map((i) => `申请人${i}`)],
      );
      applicantIds.push(...r.rows.map((x) => x.id as number).sort((a, b) => a - b));
    }
    const tUsers = (performance.now() - t0) / 1000;

    // Profiles: BUSY_SHARE of the applicants at the busy unit, the rest spread over the other units.
    t0 = performance.now();
    const unitOf = applicantIds.map(() => (rnd() < BUSY_SHARE || !others.length ? busy.id : others[Math.floor(rnd() * others.length)].id));
    const validateProfile = compiledValidator(pForm);
    for (let from = 0; from < applicantIds.length; from += BATCH) {
      const ids = applicantIds.slice(from, from + BATCH);
      const datas = ids.map((_, j) => {
        const i = from + j;
        const d = validProfile(unitOf[i], { name: `申请人${i}`, idNumber: idNumber(`33010619880612${String(i % 1000).padStart(3, "0")}`), mobile: `139${String(i).padStart(8, "0")}` });
        if (j === 0 && !validateProfile(d)) throw new Error(`generated profile is invalid: ${JSON.stringify(validateProfile.errors)}`);
        return JSON.stringify(d);
      });
      const at = new Date(now - 800 * 86_400_000);
      await client.query(
        `INSERT INTO profiles ("userId", "formId", "formVersion", "unitId", data, version, "createdAt", "updatedAt")
         SELECT u, $3, $4, unit, d, 0, $5, $5 FROM unnest($1::int[], $2::int[], $6::jsonb[]) AS t(u, unit, d)`,
        [ids, ids.map((_, j) => unitOf[from + j]), pForm.id, pForm.version, at, datas],
      );
    }
    const tProfiles = (performance.now() - t0) / 1000;

    // Entries, in submittedAt order (ids grow with time, as in production), each for a random
    // applicant, category by weight, status by STATUS_MIX, spread over the last two years.
    t0 = performance.now();
    const totalWeight = cats.reduce((a, c) => a + c.weight, 0);
    const pickCat = () => {
      let x = rnd() * totalWeight;
      for (const c of cats) if ((x -= c.weight) < 0) return c;
      return cats[cats.length - 1];
    };
    const pickStatus = () => {
      let x = rnd();
      for (const [s, p] of STATUS_MIX) if ((x -= p) < 0) return s;
      return STATUS_MIX[0][0];
    };
    const span = 730 * 86_400_000;
    const start = now - span;
    const entriesPerApplicant = applicantIds.map(() => 0);
    const validators = new Map(cats.map((c) => [c.category.id, compiledValidator(c.category.form)]));
    let inflight: Promise<unknown> = Promise.resolve();
    let dbWait = 0;
    for (let from = 0; from < ENTRIES; from += BATCH) {
      const n = Math.min(BATCH, ENTRIES - from);
      const cols = {
        userId: [] as number[], unitId: [] as number[], categoryId: [] as string[], formVersion: [] as number[], data: [] as string[], title: [] as string[],
        // Timestamps as epoch ms (float8[] → to_timestamp): pg serialises Date arrays slowly.
        searchText: [] as string[], status: [] as string[], returnReason: [] as (string | null)[], submittedAt: [] as number[],
        reviewedAt: [] as (number | null)[], updatedAt: [] as number[],
      };
      for (let j = 0; j < n; j++) {
        const i = from + j;
        const a = Math.floor(rnd() * applicantIds.length);
        entriesPerApplicant[a]++;
        const c = pickCat();
        const form = c.category.form;
        const data = variant(form, c.samples[i % c.samples.length], i + 1);
        const validate = validators.get(c.category.id)!;
        if (!validate(data)) throw new Error(`generated ${c.category.slug} entry is invalid: ${JSON.stringify(validate.errors)}`);
        const status = pickStatus();
        const submittedAt = start + Math.floor(((i + rnd()) / ENTRIES) * span);
        const reviewedAt = status === "pending" ? null : Math.min(now, submittedAt + Math.floor(rnd() * 7 * 86_400_000));
        cols.userId.push(applicantIds[a]);
        cols.unitId.push(unitOf[a]); // the profile's unit, copied as createEntries does
        cols.categoryId.push(c.category.id);
        cols.formVersion.push(form.version);
        cols.data.push(JSON.stringify(data));
        cols.title.push(entryTitle(form, data));
        cols.searchText.push(searchTextOf(form, data));
        cols.status.push(status);
        cols.returnReason.push(status === "returned" ? "请补充证明材料（附件不清晰）" : null);
        cols.submittedAt.push(submittedAt);
        cols.reviewedAt.push(reviewedAt);
        cols.updatedAt.push(reviewedAt ?? submittedAt);
      }
      // One INSERT in flight while the next batch is generated (Node and Postgres each get a core).
      const w0 = performance.now();
      await inflight;
      dbWait += performance.now() - w0;
      inflight = client.query(
        `INSERT INTO achievement_entries ("userId", "unitId", "categoryId", "formVersion", data, title, "searchText", status, "returnReason", version, "submittedAt", "reviewedAt", "createdAt", "updatedAt")
         SELECT u, un, c, fv, d, ti, st, s, rr, 0, to_timestamp(sa / 1000.0), to_timestamp(ra / 1000.0), to_timestamp(sa / 1000.0), to_timestamp(ua / 1000.0)
         FROM unnest($1::int[], $2::varchar[], $3::int[], $4::jsonb[], $5::varchar[], $6::text[], $7::varchar[], $8::text[], $9::float8[], $10::float8[], $11::float8[], $12::int[])
           AS t(u, c, fv, d, ti, st, s, rr, sa, ra, ua, un)`,
        [cols.userId, cols.categoryId, cols.formVersion, cols.data, cols.title, cols.searchText, cols.status, cols.returnReason, cols.submittedAt, cols.reviewedAt, cols.updatedAt, cols.unitId],
      );
      inflight.catch(() => {}); // observed by the next `await inflight`; keeps a failure from surfacing as unhandled meanwhile
      if ((from / BATCH) % 20 === 19) log(`  ${(from + n).toLocaleString("en")} entries …`);
    }
    const w0 = performance.now();
    await inflight;
    dbWait += performance.now() - w0;
    const tEntries = (performance.now() - t0) / 1000;

    t0 = performance.now();
    // VACUUM too: the table as autovacuum leaves it in production (visibility map set, so
    // counts over the partial queue index are index-only), not the just-bulk-loaded state.
    await client.query("VACUUM ANALYZE");
    const tAnalyze = (performance.now() - t0) / 1000;
    return {
      applicantIds, busyUnit: busy, entriesPerApplicant,
      loadSeconds: { users: tUsers, profiles: tProfiles, entries: tEntries, entriesDbWait: dbWait / 1000, analyze: tAnalyze },
    };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// In process: Ajv, and the engine's queries with their plans.

interface AjvRow { label: string; perCall: Summary; stringify: Summary; hits: number; misses: number; cacheSize: number }

/** Per-call µs, measured in batches of 1000 calls (hrtime.bigint around each batch). */
function timeBatches(calls: number, fn: () => void): Summary {
  const per: number[] = [];
  const batch = 1000;
  for (let done = 0; done < calls; done += batch) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    per.push(Number(process.hrtime.bigint() - t0) / 1000 / batch);
  }
  return summarize(per);
}

function benchAjv(label: string, form: PublishedForm, record: Record<string, unknown>): AjvRow {
  let sink = 0;
  // Warm-up: compiles (a miss at most once per process) and lets V8 optimise both loops.
  for (let i = 0; i < 100_000; i++) {
    if (!compiledValidator(form)(record)) throw new Error(`${label}: sample is invalid: ${JSON.stringify(compiledValidator(form).errors)}`);
    sink += JSON.stringify(record).length;
  }
  const before = validatorStats();
  const perCall = timeBatches(AJV_CALLS, () => {
    if (!compiledValidator(form)(record)) throw new Error(`${label}: sample is invalid`);
  });
  const after = validatorStats();
  const stringify = timeBatches(AJV_CALLS, () => {
    sink += JSON.stringify(record).length;
  });
  if (sink < 0) console.log(sink);
  return { label, perCall, stringify, hits: after.hits - before.hits, misses: after.misses - before.misses, cacheSize: after.size };
}

interface QueryRow { label: string; t: Summary }

async function timeCalls(n: number, fn: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < Math.min(20, n); i++) await fn();
  const s: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    s.push(performance.now() - t0);
  }
  return summarize(s);
}

/** The SQL statements one engine call sends (Sequelize logging captured for that call). */
async function captureSql(db: Db, fn: () => Promise<unknown>): Promise<string[]> {
  const sql: string[] = [];
  const opts = (db.sequelize as any).options;
  const prev = opts.logging;
  opts.logging = (msg: string) => sql.push(msg.replace(/^Executing \([^)]*\): /, ""));
  try {
    await fn();
  } finally {
    opts.logging = prev;
  }
  return sql;
}

async function explain(db: Db, sql: string): Promise<string> {
  const rows = (await db.sequelize.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.replace(/;\s*$/, "")}`, { raw: true, type: "SELECT" as any })) as any[];
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface PageRoute { label: string; path: string; cookie: "applicant" | "reviewer" | null; target: boolean }

async function checkRoute(url: string, r: PageRoute, cookie: string | undefined, check: (status: number, body: string) => string | null) {
  const res = await fetch(url + r.path, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
  const body = await res.text();
  const problem = check(res.status, body);
  if (problem) throw new Error(`${r.path}: ${problem} (status ${res.status}):\n${body.slice(0, 400)}`);
}

async function saves(url: string, cookie: string, slug: string, samples: Record<string, unknown>[], form: PublishedForm, n: number, concurrency: number, tag: number): Promise<Summary> {
  const target = `${url}/archive/${slug}/new?_data=${encodeURIComponent(ROUTE.newEntry)}`;
  const lat: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const data = variant(form, samples[i % samples.length], tag + i);
      const t0 = performance.now();
      const res = await fetch(target, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: url, Cookie: cookie },
        body: JSON.stringify({ data }),
        redirect: "manual",
      });
      const body = await res.text();
      lat.push(performance.now() - t0);
      if (res.status !== 204 || !(res.headers.get("x-remix-redirect") ?? "").startsWith(`/archive/${slug}`)) {
        throw new Error(`save #${i}: ${res.status} ${res.headers.get("x-remix-redirect")} ${body.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarize(lat);
}

/** Save i, by applicant i mod cookies.length, for openLoop (answered 204 with a redirect to the list). */
function saver(url: string, cookies: string[], slug: string, samples: Record<string, unknown>[], form: PublishedForm, tag: number) {
  const target = `${url}/archive/${slug}/new?_data=${encodeURIComponent(ROUTE.newEntry)}`;
  return async (i: number) => {
    const res = await fetch(target, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: url, Cookie: cookies[i % cookies.length] },
      body: JSON.stringify({ data: variant(form, samples[i % samples.length], tag + i) }),
      redirect: "manual",
    });
    const body = await res.arrayBuffer();
    return { status: res.status, bytes: body.byteLength };
  };
}

async function sequentialGets(url: string, p: string, n: number): Promise<Summary> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url + p);
    await res.text();
    lat.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
  }
  return summarize(lat);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const seconds = benchSeconds();
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  // tests/helpers/db.ts creates (and drops) a fresh database on the server named here.
  process.env.TEST_DATABASE_URL = admin;
  ensureBuild();
  console.log(`# bench/archive — ${machine()}`);

  const target: TestTarget = await createTestTarget("postgres");
  let db: Db | null = null;
  let server: RunningServer | null = null;
  try {
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    let t0 = performance.now();
    await setupDatabase(db);
    const tSetup = (performance.now() - t0) / 1000;
    const [pgVersion] = (await db.sequelize.query("SHOW server_version", { type: "SELECT" as any, raw: true })) as any[];
    const settings = (await db.sequelize.query(
      "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','work_mem','effective_cache_size','random_page_cost','synchronous_commit')",
      { type: "SELECT" as any, raw: true },
    )) as any[];

    const categories = await listCategories(db);
    const cats = loadSamples(categories);
    log(`loading ${APPLICANTS.toLocaleString("en")} applicants and ${ENTRIES.toLocaleString("en")} entries into ${target.databaseUrl} …`);
    const loaded = await bulkLoad(db, target.databaseUrl!, cats);
    const size = (await db.sequelize.query(
      `SELECT pg_size_pretty(pg_total_relation_size('achievement_entries')) AS entries, pg_size_pretty(pg_indexes_size('achievement_entries')) AS idx, pg_size_pretty(pg_database_size(current_database())) AS db`,
      { type: "SELECT" as any, raw: true },
    ) as any[])[0];

    // The reviewer of the busy unit, and the applicant whose entry count is closest to the mean.
    const reviewerName = "bench_reviewer";
    await createUser(db, { username: reviewerName, password: PASSWORD, role: "unit_reviewer", scopes: { units: [loaded.busyUnit.creditCode] } });
    const reviewerUser = (await db.models.User.findOne({ where: { username: reviewerName } }))!;
    const scope: ReviewerScope = await loadReviewerScope(db, reviewerUser);
    const mean = ENTRIES / APPLICANTS;
    let pick = 0;
    for (let i = 0; i < loaded.entriesPerApplicant.length; i++) {
      if (Math.abs(loaded.entriesPerApplicant[i] - mean) < Math.abs(loaded.entriesPerApplicant[pick] - mean)) pick = i;
    }
    const applicantId = loaded.applicantIds[pick];
    const applicantName = `bench_a${String(pick).padStart(5, "0")}`;
    const listCat = categories.find((c) => c.slug === LIST_SLUG) ?? categories[0];
    const [{ n: ownInList }] = (await db.sequelize.query(`SELECT count(*)::int AS n FROM achievement_entries WHERE "userId" = ? AND "categoryId" = ?`, { replacements: [applicantId, listCat.id], type: "SELECT" as any })) as any[];
    const [{ n: queueTotal }] = (await db.sequelize.query(
      `SELECT count(*)::int AS n FROM achievement_entries e JOIN profiles p ON p."userId" = e."userId" WHERE e.status = 'pending' AND p."unitId" = ?`,
      { replacements: [loaded.busyUnit.id], type: "SELECT" as any },
    )) as any[];
    const [{ n: busyApplicants }] = (await db.sequelize.query(`SELECT count(*)::int AS n FROM profiles WHERE "unitId" = ?`, { replacements: [loaded.busyUnit.id], type: "SELECT" as any })) as any[];
    const deepPage = Math.max(1, Math.min(50, Math.ceil(queueTotal / PAGE_SIZE)));

    const ls = loaded.loadSeconds;
    console.log(`\n## Data\n`);
    console.log(table(["item", "value"], [
      ["Postgres", `${pgVersion.server_version} (local), ${settings.map((s) => `${s.name}=${s.setting}${s.unit ?? ""}`).join(", ")}`],
      ["applicants (users + profiles)", `${APPLICANTS.toLocaleString("en")}; ${busyApplicants} at the busy unit ${loaded.busyUnit.name}, the rest over ${"the other seeded units"}`],
      ["achievement entries", `${ENTRIES.toLocaleString("en")} over ${categories.length} categories (weights: ${Object.entries(CATEGORY_WEIGHT).map(([k, v]) => `${k} ${v}`).join(", ")}, others 1), ${STATUS_MIX.map(([s, p]) => `${s} ${p * 100}%`).join(" / ")}, submittedAt over 2 years`],
      ["table size", `achievement_entries ${size.entries} (indexes ${size.idx}); database ${size.db}`],
      ["setup (migrations, reference data, forms)", `${tSetup.toFixed(1)} s`],
      ["bulk load", `users ${ls.users.toFixed(1)} s, profiles ${ls.profiles.toFixed(1)} s, entries ${ls.entries.toFixed(1)} s (${Math.round(ENTRIES / ls.entries).toLocaleString("en")} rows/s; ${BATCH} rows per INSERT … SELECT FROM unnest(…), each row validated by Ajv first; ${ls.entriesDbWait.toFixed(1)} s of it waiting for Postgres), VACUUM ANALYZE ${ls.analyze.toFixed(1)} s`],
      ["applicant measured", `${applicantName}: ${loaded.entriesPerApplicant[pick]} entries (mean ${mean.toFixed(1)}), ${ownInList} in ${listCat.title}`],
      ["reviewer measured", `${reviewerName} (unit_reviewer, scope ${loaded.busyUnit.name}): ${queueTotal.toLocaleString("en")} 待审核 entries in the queue, page ${deepPage} = offset ${(deepPage - 1) * PAGE_SIZE}`],
    ]));

    // ---- Ajv, in process ----
    log(`Ajv: ${AJV_CALLS.toLocaleString("en")} validations per form …`);
    const paper = cats.find((c) => c.category.slug === "paper") ?? cats[0];
    const edu = cats.find((c) => c.category.slug === "education") ?? cats[0];
    const ajvRows = [
      benchAjv(`${paper.category.title} (${paper.category.slug}, sample 1)`, paper.category.form, paper.samples[0]),
      benchAjv(`${edu.category.title} (${edu.category.slug}, sample 1)`, edu.category.form, edu.samples[0]),
    ];
    console.log(`\n## Ajv validation of a typical entry, in process\n`);
    console.log(`compiledValidator(form)(record), ${AJV_CALLS.toLocaleString("en")} calls per form after 100 000 warm-up calls, timed in batches of 1000 (process.hrtime.bigint); each sample is one batch's mean per call. Baseline: JSON.stringify of the same record, same batching.\n`);
    console.log(table(
      ["record", "mean µs", "p50 µs", "p99 µs", "JSON.stringify p50 / p99 µs", "p50 ÷ stringify", "cache hits / misses after warm-up", "hit ratio", "validators cached"],
      ajvRows.map((r) => [
        r.label, r.perCall.mean.toFixed(2), r.perCall.p50.toFixed(2), r.perCall.p99.toFixed(2),
        `${r.stringify.p50.toFixed(2)} / ${r.stringify.p99.toFixed(2)}`, (r.perCall.p50 / r.stringify.p50).toFixed(2),
        `${r.hits.toLocaleString("en")} / ${r.misses}`, `${((100 * r.hits) / (r.hits + r.misses || 1)).toFixed(1)}%`, r.cacheSize,
      ]),
    ));

    // ---- engine queries, in process ----
    log(`queries: ${QUERY_CALLS} calls each …`);
    const queries: [string, () => Promise<unknown>][] = [
      ["SELECT 1 (baseline)", () => db!.sequelize.query("SELECT 1")],
      ["listCategories (every /archive and queue request)", () => listCategories(db!)],
      [`categoryCounts (/archive), ${loaded.entriesPerApplicant[pick]} entries`, () => categoryCounts(db!, applicantId)],
      [`listEntries (/archive/${listCat.slug}), page 1`, () => listEntries(db!, applicantId, listCat, { offset: 0, pageSize: PAGE_SIZE })],
      [`reviewQueue (/review/entries), page 1 of ${queueTotal}`, () => reviewQueue(db!, scope, { offset: 0, pageSize: PAGE_SIZE })],
      [`reviewQueue page ${deepPage}`, () => reviewQueue(db!, scope, { offset: (deepPage - 1) * PAGE_SIZE, pageSize: PAGE_SIZE })],
    ];
    const qrows: QueryRow[] = [];
    for (const [label, fn] of queries) qrows.push({ label, t: await timeCalls(QUERY_CALLS, fn) });
    const qbase = qrows[0].t;
    console.log(`\n## Archive engine queries, in process, one call at a time\n`);
    console.log(`${QUERY_CALLS} calls each after 20 warm-up calls, through the same Sequelize instance (pool of 10) as the baseline.\n`);
    console.log(table(
      ["call", "p50 ms", "p95 ms", "p99 ms", "p50 ÷ SELECT 1", "p95 ÷ SELECT 1"],
      qrows.map((r) => [r.label, ms(r.t.p50), ms(r.t.p95), ms(r.t.p99), r === qrows[0] ? "1" : (r.t.p50 / qbase.p50).toFixed(1), r === qrows[0] ? "1" : (r.t.p95 / qbase.p95).toFixed(1)]),
    ));

    console.log(`\n## Query plans (EXPLAIN (ANALYZE, BUFFERS), the statements the engine sends)\n`);
    const planned: [string, () => Promise<unknown>][] = queries.slice(2);
    for (const [label, fn] of planned) {
      const stmts = (await captureSql(db, fn)).filter((s) => /^\s*SELECT/i.test(s));
      for (const s of stmts) {
        console.log(`### ${label}\n\n\`\`\`sql\n${s}\n\`\`\`\n\n\`\`\`\n${await explain(db, s)}\n\`\`\`\n`);
      }
    }

    // ---- HTTP ----
    server = await startServer(target, { WEB_CONCURRENCY: String(WORKERS) });
    const applicant = new Client(server.url);
    const la = await applicant.login(applicantName, PASSWORD);
    if (la.status !== 302 || la.headers.get("location") !== "/home") throw new Error(`login ${applicantName}: ${la.status} ${la.headers.get("location")}`);
    const reviewer = new Client(server.url);
    const lr = await reviewer.login(reviewerName, PASSWORD);
    if (lr.status !== 302) throw new Error(`login ${reviewerName}: ${lr.status} ${await lr.text()}`);
    const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const cookies = { applicant: cookieOf(applicant), reviewer: cookieOf(reviewer) };

    const listPath = `/archive/${listCat.slug}`;
    const deepPath = `/review/entries?page=${deepPage}`;
    const routes: (PageRoute & { check: (status: number, body: string) => string | null })[] = [
      { label: "GET /healthz (baseline)", path: "/healthz", cookie: null, target: false, check: (s, b) => (s === 200 && b === "ok" ? null : "not ok") },
      {
        label: "GET /archive (categories with counts)", path: "/archive", cookie: "applicant", target: true,
        check: (s, b) => (s === 200 && b.includes("我的业绩档案库") && b.includes(categories[categories.length - 1].title) ? null : "not the archive page"),
      },
      {
        label: `GET ${listPath} (category list page)`, path: listPath, cookie: "applicant", target: true,
        check: (s, b) => (s === 200 && b.includes(listCat.title) ? null : "not the category page"),
      },
      {
        label: "GET /review/entries (reviewer queue, page 1)", path: "/review/entries", cookie: "reviewer", target: true,
        check: (s, b) => (s === 200 && b.includes("业绩审核") ? null : "not the queue page"),
      },
      {
        label: `GET ${deepPath} (reviewer queue)`, path: deepPath, cookie: "reviewer", target: true,
        check: (s, b) => (s === 200 && b.includes("业绩审核") ? null : "not the queue page"),
      },
      {
        label: "GET /archive?_data (loader only)", path: dataPath("/archive", ROUTE.archive), cookie: "applicant", target: false,
        check: (s, b) => (s === 200 && JSON.parse(b).categories.length === categories.length ? null : "wrong category count"),
      },
      {
        label: `GET ${listPath}?_data (loader only)`, path: dataPath(listPath, ROUTE.list), cookie: "applicant", target: false,
        check: (s, b) => {
          const j = JSON.parse(b);
          return s === 200 && j.total === ownInList && j.rows.length === Math.min(PAGE_SIZE, ownInList) ? null : `total ${j.total}, expected ${ownInList}`;
        },
      },
      {
        label: "GET /review/entries?_data (loader only)", path: dataPath("/review/entries", ROUTE.queue), cookie: "reviewer", target: false,
        check: (s, b) => {
          const j = JSON.parse(b);
          return s === 200 && j.total === queueTotal && j.rows.length === Math.min(PAGE_SIZE, queueTotal) ? null : `total ${j.total}, expected ${queueTotal}`;
        },
      },
      {
        label: `GET ${deepPath}&_data (loader only)`, path: dataPath(deepPath, ROUTE.queue), cookie: "reviewer", target: false,
        check: (s, b) => {
          const j = JSON.parse(b);
          const want = Math.min(PAGE_SIZE, queueTotal - (deepPage - 1) * PAGE_SIZE);
          return s === 200 && j.total === queueTotal && j.rows.length === want ? null : `total ${j.total}, ${j.rows.length} rows, expected ${want}`;
        },
      },
    ];
    for (const r of routes) await checkRoute(server.url, r, r.cookie ? cookies[r.cookie] : undefined, r.check);

    const serverPid = listenerPid(server.port);
    const results: { r: (typeof routes)[number]; res: LoadResult }[] = [];
    for (const r of routes) {
      const headers: Record<string, string> = r.cookie ? { Cookie: cookies[r.cookie] } : {};
      await warm(server.url, [r.path], headers);
      log(`${r.label}: ${seconds} s × ${CONNECTIONS} connections …`);
      results.push({ r, res: await load({ label: r.label, url: server.url, paths: [r.path], headers, seconds, serverPid }) });
    }
    const base = results[0].res;
    console.log(`\n## Pages over HTTP — ${CONNECTIONS} connections, ${seconds} s per route\n`);
    console.log(`Real server (server.ts + build/, NODE_ENV=production, WEB_CONCURRENCY=${WORKERS}) on this database. Closed loop: each connection sends its next request as soon as the last one is answered. \`?_data=\` rows run only the route loaders (JSON, no React SSR). Server CPU counts the primary and its workers.\n`);
    console.log(table(
      ["route", "req/s", "p50 ms", "p95 ms", "p99 ms", "req/s ÷ /healthz", "p95 ÷ /healthz", "server CPU ms/req", "bytes/resp", "requests", "non-2xx / errors / timeouts", "load avg start→end"],
      results.map(({ res: r }) => [
        r.label, r.rps.toFixed(0), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99),
        r === base ? "1" : (r.rps / base.rps).toFixed(3), r === base ? "1" : (r.latency.p95 / base.latency.p95).toFixed(1),
        ms(r.serverCpuMsPerReq), r.bytesPerReq.toFixed(0), r.requests, `${r.non2xx} / ${r.errors - r.timeouts} / ${r.timeouts}`,
        `${r.loadAvg[0].toFixed(1)}→${r.loadAvg[1].toFixed(1)}`,
      ]),
    ));

    // ---- the same pages at a fixed offered rate ----
    // The targets' condition (issue 13): at a given arrival rate a response waits only for the
    // requests actually in flight, as with real users.
    const rated: { r: (typeof routes)[number]; res: LoadResult }[] = [];
    for (const r of routes.filter((x) => x.target || x.path === "/healthz")) {
      const headers: Record<string, string> = r.cookie ? { Cookie: cookies[r.cookie] } : {};
      log(`${r.label}: ${seconds} s at ${RATE} req/s, open loop …`);
      rated.push({ r, res: await openLoop({ label: r.label, rate: RATE, seconds, serverPid, send: getter(server.url, r.path, headers) }) });
    }
    console.log(`\n## The same pages at a fixed offered rate — ${RATE} req/s, open loop, ${seconds} s per route\n`);
    console.log(`Request i is sent at start + i/${RATE} s, evenly spaced, whatever the answers before it; latency from the scheduled moment (bench/lib.ts openLoop). This is the targets' condition (issue 13). Server CPU per request includes the server's idle work over the run.\n`);
    console.log(table(
      ["route", "req/s answered", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/req", "requests", "non-2xx / errors / timeouts", "load avg start→end"],
      rated.map(({ res: r }) => [
        r.label, r.rps.toFixed(0), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99), ms(r.serverCpuMsPerReq), r.requests,
        `${r.non2xx} / ${r.errors - r.timeouts} / ${r.timeouts}`, `${r.loadAvg[0].toFixed(1)}→${r.loadAvg[1].toFixed(1)}`,
      ]),
    ));

    // ---- saves ----
    const before = await db.models.AchievementEntry.count({ where: { userId: applicantId, categoryId: paper.category.id } });
    log(`saves: ${SAVES} sequential, then ${SAVES} at ${SAVE_CONCURRENCY} concurrent …`);
    const healthSeq = await sequentialGets(server.url, "/healthz", SAVES);
    // A few unmeasured saves first (JIT, pool).
    await saves(server.url, cookies.applicant, paper.category.slug, paper.samples, paper.category.form, 20, 1, 9_000_000);
    const load0 = os.loadavg()[0];
    const c0 = serverPid ? cpuMs(serverPid) : NaN;
    const seq = await saves(server.url, cookies.applicant, paper.category.slug, paper.samples, paper.category.form, SAVES, 1, 1_000_000);
    const c1 = serverPid ? cpuMs(serverPid) : NaN;
    const conc = await saves(server.url, cookies.applicant, paper.category.slug, paper.samples, paper.category.form, SAVES, SAVE_CONCURRENCY, 2_000_000);
    const c2 = serverPid ? cpuMs(serverPid) : NaN;
    const load1 = os.loadavg()[0];
    const after = await db.models.AchievementEntry.count({ where: { userId: applicantId, categoryId: paper.category.id } });
    if (after - before !== 2 * SAVES + 20) throw new Error(`saves: ${after - before} entries stored, expected ${2 * SAVES + 20}`);
    console.log(`\n## Entry save (server validation + insert + audit row), ${paper.category.title}\n`);
    console.log(`POST /archive/${paper.category.slug}/new?_data=${encodeURIComponent(ROUTE.newEntry)} with {data: sample}, session cookie and Origin; each answered 204 (X-Remix-Redirect to the list) and all ${2 * SAVES} rows were stored. Load avg ${load0.toFixed(1)}→${load1.toFixed(1)}.\n`);
    console.log(table(
      ["run", "requests", "p50 ms", "p95 ms", "p99 ms", "mean ms", "p95 ÷ sequential /healthz", "saves/s", "server CPU ms/req"],
      [
        [`GET /healthz, sequential (baseline)`, healthSeq.n, ms(healthSeq.p50), ms(healthSeq.p95), ms(healthSeq.p99), ms(healthSeq.mean), "1", "—", "—"],
        [`save, sequential`, seq.n, ms(seq.p50), ms(seq.p95), ms(seq.p99), ms(seq.mean), (seq.p95 / healthSeq.p95).toFixed(1), (1000 / seq.mean).toFixed(0), ms((c1 - c0) / SAVES)],
        [`save, ${SAVE_CONCURRENCY} concurrent`, conc.n, ms(conc.p50), ms(conc.p95), ms(conc.p99), ms(conc.mean), (conc.p95 / healthSeq.p95).toFixed(1), ((1000 * SAVE_CONCURRENCY) / conc.mean).toFixed(0), ms((c2 - c1) / SAVES)],
      ],
    ));

    // ---- saves by many applicants at a fixed offered rate ----
    const savers = loaded.applicantIds.map((id, i) => ({ id, name: `bench_a${String(i).padStart(5, "0")}` })).filter((a) => a.id !== applicantId).slice(0, SAVERS);
    log(`signing in ${savers.length} applicants …`);
    const saverCookies: string[] = [];
    for (const a of savers) {
      const c = new Client(server.url);
      const res = await c.login(a.name, PASSWORD);
      if (res.status !== 302) throw new Error(`login ${a.name}: ${res.status}`);
      saverCookies.push(cookieOf(c));
    }
    const saverIds = savers.map((a) => a.id);
    const countSaved = () => db!.models.AchievementEntry.count({ where: { userId: saverIds, categoryId: paper.category.id } });
    const openN = Math.round(RATE * Math.max(seconds, SAVES / RATE));
    const savedBefore = await countSaved();
    log(`saves: ${openN} by ${savers.length} applicants at ${RATE}/s offered …`);
    const o0 = os.loadavg()[0];
    const open = await openLoop({
      label: "saves", rate: RATE, seconds: openN / RATE, serverPid, ok: (st) => st === 204,
      send: saver(server.url, saverCookies, paper.category.slug, paper.samples, paper.category.form, 3_000_000),
    });
    const o1 = os.loadavg()[0];
    const stored = (await countSaved()) - savedBefore;
    console.log(`\n## Entry saves by ${savers.length} different applicants at a fixed offered rate of ${RATE}/s\n`);
    console.log(`Open loop: save i is sent at start + i/${RATE} s whatever the answers before it, by applicant i mod ${savers.length}; latency from the scheduled send. Load avg ${o0.toFixed(1)}→${o1.toFixed(1)}.\n`);
    console.log(table(
      ["saves", "offered /s", "answered /s", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/save", "stored", "failed"],
      [[openN, RATE, open.rps.toFixed(1), ms(open.latency.p50), ms(open.latency.p95), ms(open.latency.p99), ms(open.serverCpuMsPerReq), stored, open.non2xx + open.errors]],
    ));
    if (open.failures.length) console.log(`\nFirst failures:\n${open.failures.slice(0, 5).map((f) => `- ${f}`).join("\n")}`);

    // ---- against the issue's targets ----
    const mark = (ok: boolean) => (ok ? "met" : "**missed**");
    const trows: (string | number)[][] = [];
    for (const { r, res } of rated.filter((x) => x.r.target)) {
      trows.push([`${r.label}: server CPU per page at ${RATE}/s`, `≤ ${TARGETS.cpuPerPageMs} ms`, `${ms(res.serverCpuMsPerReq)} ms`, mark(res.serverCpuMsPerReq <= TARGETS.cpuPerPageMs)]);
      trows.push([`${r.label}: p95 at ${RATE}/s offered (${res.rps.toFixed(0)}/s answered)`, `< ${TARGETS.listP95} ms`, `${ms(res.latency.p95)} ms`, mark(res.latency.p95 < TARGETS.listP95 && res.rps >= 0.95 * RATE)]);
    }
    for (const q of qrows.slice(1)) trows.push([`SQL p95, ${q.label}`, `≤ ${TARGETS.sqlP95Ms} ms`, `${ms(q.t.p95)} ms`, mark(q.t.p95 <= TARGETS.sqlP95Ms)]);
    trows.push([`save p95, ${savers.length} applicants at ${RATE}/s offered (${open.rps.toFixed(0)}/s answered)`, `< ${TARGETS.saveP95} ms, nothing lost`, `${ms(open.latency.p95)} ms; ${stored} of ${openN} stored`, mark(open.latency.p95 < TARGETS.saveP95 && stored === openN && !open.failures.length)]);
    for (const a of ajvRows) {
      trows.push([`Ajv p99, ${a.label}`, `< ${TARGETS.ajvP99Us} µs`, `${a.perCall.p99.toFixed(2)} µs`, mark(a.perCall.p99 < TARGETS.ajvP99Us)]);
      trows.push([`validator cache hit ratio after warm-up, ${a.label}`, "100%", `${((100 * a.hits) / (a.hits + a.misses || 1)).toFixed(1)}%`, mark(a.misses === 0)]);
    }
    console.log(`\n## Against the targets\n`);
    console.log(table(["figure", "target", "measured", ""], trows));
    console.log(`\nLoad generator, server and Postgres share the machine (${os.cpus().length} cores); latencies are per request, measured by the client.`);
  } finally {
    if (server) await server.stop();
    if (db) await db.sequelize.close();
    if (process.env.BENCH_KEEP_DB === "1") log(`kept database ${target.databaseUrl}`);
    else await target.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
