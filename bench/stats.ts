// 统计分析 at province scale (issue 15): 200 000 applications on the 职称评审 chain, each with its
// stage visits (application_stage_visits, migration 0025), bulk-loaded into a fresh SQLite file
// and — when TEST_DATABASE_URL or DATABASE_URL is set — a fresh Postgres database. Then:
//  1. in process: statsDashboard per staff scope (a unit, its 主管部门, the committee's office that
//     sees every application; and the office filtered to one plan), one call at a time, against
//     the queue's first page (reviewQueue, 全部申报) of the same staff member as the baseline;
//  2. over HTTP on the real server (built, NODE_ENV=production): GET /staff/stats per scope at a
//     fixed offered rate (open loop), server CPU per request, p50/p95, against GET /healthz and
//     the queue page at the same rate.
// Prints markdown tables; asserts nothing about time, only that every answer is right (200, the
// expected total in the loader data).
//
//   npm run bench:stats
//   BENCH_STATS_APPLICATIONS=20000 BENCH_SECONDS=5 npm run bench:stats   # quick
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import { createTestTarget, type DbKind } from "../tests/helpers/db";
import { startServer, type RunningServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { makePlans, makeReviewers, PASSWORD } from "../tests/helpers/review-fixtures";
import { openDb, type Db } from "../app/utils/db.server";
import { prng } from "../scripts/seeders/reference-data";
import { hashPassword } from "../app/utils/password.server";
import { statsDashboard, type StatsFilters } from "../app/engine/stats/stats.server";
import { reviewQueue } from "../app/engine/workflow/review.server";
import { getWorkflow } from "../app/engine/workflow/registry.server";
import type { Person } from "../app/engine/people/roles";
import { benchSeconds, ensureBuild, getter, machine, ms, openLoop, summarize, table } from "./lib";

const int = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
};
const APPLICATIONS = int("BENCH_STATS_APPLICATIONS", 200_000);
const PLANS = int("BENCH_STATS_PLANS", 20);
const CALLS = int("BENCH_STATS_CALLS", 20);
const RATE = Number(process.env.BENCH_STATS_RATE ?? 2);
const BATCH = 500;
const BUSY_SHARE = 0.05;
const DAY = 86_400_000;
/** The chain the applications are loaded on: the published 职称评审 workflow's own stages and version. */
const WORKFLOW = "title-review";
const TARGET_MS = 300;
const log = (s: string) => console.error(`[bench:stats] ${s}`);

interface Loaded { seconds: number; visits: number; busyUnit: number }

/** Applications spread over PLANS plans (one window of 30 days each, the last two years), users
 * applying to every plan; each walked a random way along the chain with random days per stage. */
async function bulkLoad(db: Db, planIds: number[], committeeId: number, busyUnit: number): Promise<Loaded> {
  const w = (await getWorkflow(db, WORKFLOW))!;
  const STAGES = w.reviewChain.stages.map((s) => s.id);
  const KIND = Object.fromEntries(w.reviewChain.stages.map((s) => [s.id, s.kind]));
  const LAST = STAGES.length - 1;
  /** What leaving a stage forward is recorded as. */
  const onward = (stage: string) => (KIND[stage] === "payment" ? "pay" : KIND[stage] === "vote" ? "vote-pass" : "approve");
  const fail = (stage: string) => (KIND[stage] === "vote" ? "vote-fail" : "reject");
  const t0 = performance.now();
  const qi = db.sequelize.getQueryInterface();
  const rnd = prng(20261205);
  const units = (await db.models.Unit.findAll({ attributes: ["id"], raw: true })).map((u) => u.id).filter((id) => id !== busyUnit);
  const usersNeeded = Math.ceil(APPLICATIONS / planIds.length);
  const hash = await hashPassword("Bench2026pass");
  const now = new Date();
  const firstUser = ((await db.sequelize.query<{ m: number | null }>(`SELECT MAX(id) AS m FROM users`, { type: QueryTypes.SELECT }))[0].m ?? 0) + 1;
  const userUnit: number[] = [];
  for (let from = 0; from < usersNeeded; from += BATCH) {
    const rows = [];
    for (let i = from; i < Math.min(usersNeeded, from + BATCH); i++) {
      userUnit.push(rnd() < BUSY_SHARE ? busyUnit : units[Math.floor(rnd() * units.length)]);
      rows.push({ id: firstUser + i, username: `bench_s${i}`, usernameNormalized: `bench_s${i}`, passwordHash: hash, role: "applicant", isDemo: false, failedLoginCount: 0, createdAt: now, updatedAt: now });
    }
    await qi.bulkInsert("users", rows);
  }
  const plans = await db.models.Plan.findAll({ where: { id: planIds }, raw: true });
  const firstApp = ((await db.sequelize.query<{ m: number | null }>(`SELECT MAX(id) AS m FROM applications`, { type: QueryTypes.SELECT }))[0].m ?? 0) + 1;
  let apps: object[] = [];
  let visits: object[] = [];
  let nVisits = 0;
  const flush = async () => {
    if (apps.length) await qi.bulkInsert("applications", apps);
    for (let i = 0; i < visits.length; i += BATCH) await qi.bulkInsert("application_stage_visits", visits.slice(i, i + BATCH));
    nVisits += visits.length;
    apps = [];
    visits = [];
  };
  const days = () => -Math.log(1 - rnd()) * 4; // exponential, mean 4 days
  for (let n = 0; n < APPLICATIONS; n++) {
    const plan = plans[n % plans.length];
    const u = Math.floor(n / plans.length);
    const id = firstApp + n;
    const submittedAt = new Date(new Date(plan.opensAt).getTime() + rnd() * (new Date(plan.closesAt).getTime() - new Date(plan.opensAt).getTime()));
    // How far it got and how it ended there.
    const reached = Math.min(LAST, Math.floor(rnd() * (STAGES.length + 1)));
    const r = rnd();
    const end = reached === LAST && r < 0.7 ? "approved" : r < 0.15 && KIND[STAGES[reached]] !== "payment" ? "rejected" : r < 0.3 && !["payment", "vote"].includes(KIND[STAGES[reached]]) ? "returned" : "waiting";
    let at = submittedAt.getTime();
    for (let k = 0; k <= reached; k++) {
      const open = k === reached && end === "waiting";
      const spent = Math.round(days() * 1440);
      const left = open ? null : new Date(at + spent * 60_000);
      const outcome = open ? null : k < reached || end === "approved" ? onward(STAGES[k]) : end === "rejected" ? fail(STAGES[k]) : "return";
      visits.push({ applicationId: id, workflowId: WORKFLOW, chainVersion: w.version, stage: STAGES[k], enteredAt: new Date(at), leftAt: left, minutes: open ? null : spent, outcome });
      if (left) at = left.getTime();
    }
    const status = end === "waiting" ? "submitted" : end;
    apps.push({
      id, number: `B${id}`, userId: firstUser + u, planId: plan.id, workflowId: WORKFLOW, workflowVersion: w.version, chainVersion: w.version,
      status, stage: status === "approved" ? null : STAGES[reached], steps: "{}", formVersions: "{}", unitId: userUnit[u], committeeId, acceptanceDepartmentId: null,
      submittedAt, applicantName: `申请人${u}`, applicantIdNumber: null, decidedAt: status === "submitted" ? null : new Date(at), version: reached + 1, createdAt: submittedAt, updatedAt: new Date(at),
    });
    if (apps.length >= BATCH) await flush();
    if (n % 20_000 === 19_999) log(`  ${(n + 1).toLocaleString("en")} applications …`);
  }
  await flush();
  if (db.sequelize.getDialect() === "postgres") {
    for (const t of ["users", "applications"]) await db.sequelize.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT MAX(id) FROM ${t}))`);
    await db.sequelize.query("VACUUM ANALYZE");
  } else {
    await db.sequelize.query("ANALYZE");
  }
  return { seconds: (performance.now() - t0) / 1000, visits: nVisits, busyUnit };
}

/** Wall time and this process's CPU (JS and, on SQLite, the database engine itself) per call. */
async function timeCalls(fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn();
    const u = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((u.user + u.system) / 1000);
  }
  return { wall: summarize(wall), cpu: summarize(cpu) };
}

async function run(kind: DbKind, seconds: number) {
  const target = await createTestTarget(kind);
  let server: RunningServer | null = null;
  let db: Db | null = null;
  try {
    server = await startServer(target, {}, { startTimeoutMs: 120_000 });
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    const busy = (await db.models.Unit.findOne({ where: { name: "浙江工业大学" }, raw: true }))!;
    const p = await makePlans(db);
    const staff = await makeReviewers(db, { unitId: busy.id, ...p.refs });
    // PLANS copies of the review plan over the last two years, across the series and their levels.
    const base = (await db.models.Plan.findByPk(p.review, { raw: true }))!;
    const series = await db.models.TitleSeries.findAll({ order: [["sortOrder", "ASC"], ["id", "ASC"]], raw: true });
    const planIds: number[] = [];
    for (let i = 0; i < PLANS; i++) {
      const s = series[i % series.length];
      const opensAt = new Date(Date.now() - (730 - (i * 730) / PLANS) * DAY);
      const { id: _id, ...rest } = base;
      const plan = await db.models.Plan.create({ ...rest, name: `${2025 + Math.floor(i / 10)}年度${s.name}系列职称评审（压测${i + 1}）`, titleSeriesId: s.id, titleLevel: s.levels[i % (s.levels.length || 1)] ?? "中级", opensAt, closesAt: new Date(opensAt.getTime() + 30 * DAY) });
      planIds.push(plan.id);
    }
    log(`${kind}: loading ${APPLICATIONS.toLocaleString("en")} applications …`);
    const loaded = await bulkLoad(db, planIds, p.refs.committee, busy.id);
    const who: Record<string, Person & { username: string }> = { unit: staff.unit, dept: staff.dept, office: staff.office };
    const totals: Record<string, number> = {};
    for (const [k, w] of Object.entries(who)) totals[k] = (await statsDashboard(db, w, { planId: null, titleSeriesId: null, level: null, unitId: null })).totals.total;
    log(`${kind}: loaded in ${loaded.seconds.toFixed(1)} s (${loaded.visits.toLocaleString("en")} visits); in scope: ${JSON.stringify(totals)}`);
    if (totals.office !== APPLICATIONS) throw new Error(`office sees ${totals.office}, expected ${APPLICATIONS}`);

    // 1. In process.
    const none: StatsFilters = { planId: null, titleSeriesId: null, level: null, unitId: null };
    const inproc: (string | number)[][] = [];
    const queue = (w: Person) => reviewQueue(db!, w, { view: "all", q: "", offset: 0, pageSize: 20 });
    const cases: [string, () => Promise<unknown>][] = [
      [`reviewQueue 全部申报, office (baseline)`, () => queue(who.office)],
      [`statsDashboard, unit 浙江工业大学 (${totals.unit.toLocaleString("en")})`, () => statsDashboard(db!, who.unit, none)],
      [`statsDashboard, 主管部门 (${totals.dept.toLocaleString("en")})`, () => statsDashboard(db!, who.dept, none)],
      [`statsDashboard, office, all (${totals.office.toLocaleString("en")})`, () => statsDashboard(db!, who.office, none)],
      [`statsDashboard, office, one plan`, () => statsDashboard(db!, who.office, { ...none, planId: planIds.at(-1)! })],
    ];
    let baseP50 = NaN;
    for (const [label, fn] of cases) {
      const { wall: s, cpu } = await timeCalls(fn);
      if (Number.isNaN(baseP50)) baseP50 = s.p50;
      inproc.push([label, ms(s.p50), ms(s.p95), ms(cpu.mean), ms(cpu.p95), (s.p50 / baseP50).toFixed(1), s.p95 <= TARGET_MS ? "met" : cpu.p95 <= TARGET_MS ? "CPU met, wall missed" : "**missed**"]);
    }

    if (process.env.BENCH_KEEP_DB) { console.error(`kept: ${target.sqlitePath ?? ""} ${target.databaseUrl ?? ""}`); target.drop = async () => {}; }
    if (process.env.BENCH_STATS_HTTP === "0") return;
    // 2. Over HTTP, open loop.
    const cookies: Record<string, Record<string, string>> = {};
    for (const [k, w] of Object.entries(who)) {
      const c = new Client(server.url);
      if ((await c.login(w.username, PASSWORD)).status !== 302) throw new Error(`login ${k}`);
      cookies[k] = { Cookie: [...c.cookies].map(([n, v]) => `${n}=${v}`).join("; ") };
    }
    const pid = server.appPid();
    const http: (string | number)[][] = [];
    const routes: [string, string, Record<string, string>][] = [
      ["GET /healthz (baseline)", "/healthz", {}],
      ["GET /staff/applications?view=all, office", "/staff/applications?view=all", cookies.office],
      ["GET /staff/stats, unit", "/staff/stats", cookies.unit],
      ["GET /staff/stats, 主管部门", "/staff/stats", cookies.dept],
      ["GET /staff/stats, office (all)", "/staff/stats", cookies.office],
      ["GET /staff/stats?_data (loader only), office", "/staff/stats?_data=routes%2Fstaff.stats._index", cookies.office],
    ];
    let baseCpu = NaN;
    for (const [label, path, headers] of routes) {
      const check = await fetch(server.url + path, { headers, redirect: "manual" });
      const body = await check.text();
      if (check.status !== 200 || (path.startsWith("/staff/stats") && !body.includes("统计") && !body.includes("totals"))) throw new Error(`${label}: ${check.status}`);
      for (let i = 0; i < 3; i++) await getter(server.url, path, headers)();
      const r = await openLoop({ label, rate: RATE, seconds, serverPid: pid, send: getter(server.url, path, headers) });
      if (r.non2xx || r.errors) throw new Error(`${label}: ${r.failures.join(", ")}`);
      if (Number.isNaN(baseCpu)) baseCpu = r.serverCpuMsPerReq;
      http.push([label, `${RATE}/s`, `${r.rps.toFixed(1)}/s`, ms(r.latency.p50), ms(r.latency.p95), ms(r.serverCpuMsPerReq), `${(r.bytesPerReq / 1024).toFixed(0)} KB`, `${r.loadAvg[0].toFixed(1)} → ${r.loadAvg[1].toFixed(1)}`]);
    }
    const sizes = kind === "sqlite" ? `, SQLite file ${(fs.statSync(target.sqlitePath).size / 1048576).toFixed(0)} MB` : "";
    console.log(`## ${kind === "sqlite" ? "SQLite" : "Postgres"}: ${APPLICATIONS.toLocaleString("en")} applications, ${loaded.visits.toLocaleString("en")} stage visits, ${PLANS} plans (loaded in ${loaded.seconds.toFixed(0)} s${sizes})\n`);
    console.log(`### In process, one call at a time (${CALLS} calls after 3 warm-up), ms — target ≤ ${TARGET_MS} ms of server time (CPU includes SQLite's, which runs in the process; Postgres's own CPU is not in it)\n`);
    console.log(table(["call", "wall p50", "wall p95", "CPU mean", "CPU p95", "wall p50 ÷ baseline", "target"], inproc));
    console.log(`\n### Over HTTP, open loop at ${RATE} req/s for ${seconds} s (server CPU includes SSR of the page)\n`);
    console.log(table(["route", "offered", "achieved", "p50 ms", "p95 ms", "server CPU ms/req", "response", "load avg"], http));
    console.log("");
  } finally {
    await db?.sequelize.close();
    await server?.stop();
    await target.drop();
  }
}

async function main() {
  const seconds = benchSeconds();
  ensureBuild();
  console.log(`# bench/stats — ${machine()}\n`);
  await run("sqlite", seconds);
  const pg = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (pg) {
    process.env.TEST_DATABASE_URL = pg;
    await run("postgres", seconds);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
