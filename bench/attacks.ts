// Hostile input against the real server (issue 10): /healthz latency at a fixed, open-loop offered
// rate without any attack (the in-run baseline) and during each attack — a chunked oversize
// upload loop, a BibTeX @string macro bomb import, an 80 000-digit value against the worst
// pattern the form designer accepts, bursts of parallel wrong logins, a large chunked body to the
// payment callback, a deep JSON to the designer — with p95 during ÷ p95 baseline per attack
// (target ≤ 2), server CPU per attack request, server RSS, and whether the server was still up.
// Then the two parser figures: the time to refuse the bomb (HTTP, target < 100 ms) and the time
// to validate the 80 000-character value in process with app/engine/validator.ts (target < 5 ms).
// Prints figures; never asserts a time. Loopback only; every loop is bounded and stops by itself.
//
//   npm run bench:attacks                        # SQLite, 10 s per phase (about 2 minutes)
//   BENCH_ATTACK_SECONDS=5 npm run bench:attacks # quick
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:attacks   # + Postgres
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { createTestTarget, type DbKind, type TestTarget } from "../tests/helpers/db";
import { startServer, type RunningServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { uniqueName, unitId, validProfile } from "../tests/helpers/fixtures";
import { bibtexBomb, REDOS_VALUE } from "../tests/helpers/fuzz";
import { openDb, type Db } from "../app/utils/db.server";
import { createUser } from "../app/engine/people/users.server";
import { saveProfile } from "../app/engine/people/profile.server";
import { createAjv } from "../app/engine/validator";
import { cpuMs, ensureBuild, listenerPid, machine, ms, summarize, table, type Summary } from "./lib";

const num = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
};
const SECONDS = num("BENCH_ATTACK_SECONDS", 10);
const RATE = num("BENCH_ATTACK_RATE", 20);
const UPLOAD_MB = num("BENCH_ATTACK_UPLOAD_MB", 30);
const NOTIFY_MB = num("BENCH_ATTACK_NOTIFY_MB", 100);
const LOGIN_BURST = num("BENCH_ATTACK_LOGIN_BURST", 25);
const LOGIN_ACCOUNTS = num("BENCH_ATTACK_LOGIN_ACCOUNTS", 40);
const REDOS_RUNS = num("BENCH_REDOS_RUNS", 3);
/** An attack request or /healthz probe that gets no answer in this time counts as "no answer". */
const TIMEOUT_MS = 60_000;
const PASSWORD = "Bench2026pass";
const SANDBOX_SECRET = "bench-sandbox-secret-0123456789";
/** The worst pattern the designer accepts today (issue 10, item 3), on a maxLength 20 field. */
const REDOS_FIELD = { type: "string", title: "编号", maxLength: 20, pattern: "^\\d+\\.?\\d*$" };
const REDOS_SLUG = "bench-redos";
const DEEP = 200_000;

function log(msg: string) {
  process.stderr.write(`[attacks] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// /healthz at a fixed offered rate (open loop: each probe is sent at its scheduled time whether
// or not the previous ones were answered; its latency counts from that time). It runs in a worker
// thread so the attack loops in this thread cannot delay it.

const PROBER = `
const { parentPort, workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const http = require("node:http");
const { url, rate, seconds, timeoutMs } = workerData;
// A new connection per probe, as a new visitor makes: a kept-alive one that the server closes
// when its event loop wakes up from a block would be counted as a failure of the probe itself.
const once = (at) => new Promise((resolve) => {
  const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
    let body = "";
    res.on("data", (d) => (body += d));
    res.on("end", () => resolve({ ms: performance.now() - at, ok: res.statusCode === 200 && body === "ok" }));
    res.on("error", (e) => resolve({ ms: performance.now() - at, ok: false, error: e.code || e.message }));
  });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", (e) => resolve({ ms: performance.now() - at, ok: false, error: e.code || e.message }));
});
(async () => {
  const n = Math.max(1, Math.round(rate * seconds));
  const start = performance.now() + 20;
  const pending = [];
  for (let i = 0; i < n; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(once(at));
  }
  parentPort.postMessage(await Promise.all(pending));
})();
`;

interface Probe { ms: number; ok: boolean; error?: string }

function probeHealth(url: string, seconds: number): Promise<Probe[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(PROBER, { eval: true, workerData: { url: `${url}/healthz`, rate: RATE, seconds, timeoutMs: TIMEOUT_MS } });
    w.once("message", (m) => {
      resolve(m as Probe[]);
      void w.terminate();
    });
    w.once("error", reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The server under test and the accounts the attacks use

interface Ctx {
  kind: DbKind;
  target: TestTarget;
  server: RunningServer;
  db: Db;
  pid: number | null;
  applicant: Client;
  admin: Client;
  /** Fresh accounts for the wrong-login bursts, and how many were used. */
  victims: string[];
  victimsUsed: number;
}

const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

async function login(url: string, username: string) {
  const c = new Client(url);
  const res = await c.login(username, PASSWORD);
  if (res.status !== 302) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return c;
}

async function start(kind: DbKind): Promise<Ctx> {
  const target = await createTestTarget(kind);
  const server = await startServer(target, { PAYMENT_SANDBOX_SECRET: SANDBOX_SECRET });
  const db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  const appName = uniqueName("atk");
  const a = await createUser(db, { username: appName, password: PASSWORD, role: "applicant" });
  await saveProfile(db, a.id, validProfile(await unitId(db)), null);
  const adminName = uniqueName("atkadmin");
  await createUser(db, { username: adminName, password: PASSWORD, role: "admin" });
  const victims: string[] = [];
  for (let i = 0; i < LOGIN_ACCOUNTS; i++) {
    victims.push(uniqueName("atkvictim"));
    await createUser(db, { username: victims[i], password: PASSWORD, role: "applicant" });
  }
  const ctx: Ctx = { kind, target, server, db, pid: listenerPid(server.port), applicant: await login(server.url, appName), admin: await login(server.url, adminName), victims, victimsUsed: 0 };
  // A category with the designer-accepted ReDoS field, published through the designer's API.
  const res = await ctx.admin.post("/admin/forms/new", {
    slug: REDOS_SLUG, title: "压测类别", order: "99", listColumns: "a",
    fields: JSON.stringify({ schema: { type: "object", required: ["a"], properties: { a: REDOS_FIELD } }, uiSchema: {} }),
  });
  if (res.status !== 302) log(`publishing the ${REDOS_SLUG} category answered ${res.status}: ${(await res.text()).slice(0, 300)} (the ReDoS attack then measures the refusal)`);
  return ctx;
}

async function stop(ctx: Ctx) {
  await ctx.db.sequelize.close().catch(() => {});
  await ctx.server.stop();
  await ctx.target.drop();
}

async function alive(ctx: Ctx) {
  try {
    return (await fetch(`${ctx.server.url}/healthz`, { signal: AbortSignal.timeout(15_000) })).status === 200;
  } catch {
    return false;
  }
}

function rssMb(pid: number | null) {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// Attacks: each op is one hostile request; the loop runs ops (`parallel` at once) until the phase
// ends, then waits for those in flight.

interface Op { ms: number; status: number | string; note?: string }
interface Attack {
  label: string;
  parallel: number;
  op(ctx: Ctx): Promise<Op>;
  /** What the attack left behind, read from the DB afterwards. */
  after?(ctx: Ctx): Promise<string>;
}

/** A body of `mb` MB sent chunked (no Content-Length), made as it is read. */
function streamOf(head: Buffer, mb: number, tail: Buffer) {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let left = Math.round(mb * 1024 * 1024);
  let sentHead = false;
  let sentTail = false;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sentHead) { sentHead = true; return c.enqueue(head); }
      if (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        return c.enqueue(chunk.subarray(0, n));
      }
      if (!sentTail) { sentTail = true; c.enqueue(tail); }
      c.close();
    },
  });
}

async function timed(fn: () => Promise<Response>): Promise<Op> {
  const t0 = performance.now();
  try {
    const res = await fn();
    const text = await res.text();
    const msg = /"(?:error|problems)":\s*(?:\[\s*)?"([^"]{0,80})/.exec(text)?.[1] ?? text.replace(/<[^>]*>/g, "").slice(0, 60);
    return { ms: performance.now() - t0, status: res.status, note: msg };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { ms: performance.now() - t0, status: err.cause?.code ?? err.name };
  }
}

const multipartHead = (boundary: string, name: string, type: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
const multipartTail = (boundary: string) => Buffer.from(`\r\n--${boundary}--\r\n`);

const ATTACKS: Attack[] = [
  {
    label: `chunked ${UPLOAD_MB} MB upload to /files (limit 10 MB), 2 at a time`,
    parallel: 2,
    op: (ctx) => {
      const b = `----atk${Math.random().toString(36).slice(2)}`;
      return timed(() => fetch(`${ctx.server.url}/files?form=${encodeURIComponent("achievement/education")}&field=attachments`, {
        method: "POST", redirect: "manual", duplex: "half", signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { Cookie: cookieOf(ctx.applicant), Origin: ctx.server.url, Accept: "application/json", "Content-Type": `multipart/form-data; boundary=${b}` },
        body: streamOf(Buffer.concat([multipartHead(b, "扫描件.pdf", "application/pdf"), Buffer.from("%PDF-1.4\n")]), UPLOAD_MB, multipartTail(b)),
      } as RequestInit));
    },
  },
  {
    label: `BibTeX @string bomb (s0…s22, ${Buffer.byteLength(bibtexBomb(22))} bytes) to 【导入】`,
    parallel: 1,
    op: (ctx) => {
      const fd = new FormData();
      fd.append("file", new Blob([bibtexBomb(22)], { type: "text/plain" }), "bomb.bib");
      return timed(() => fetch(`${ctx.server.url}/archive/paper/import?_data=${encodeURIComponent("routes/archive.$slug.import")}`, {
        method: "POST", redirect: "manual", body: fd, signal: AbortSignal.timeout(TIMEOUT_MS), headers: { Cookie: cookieOf(ctx.applicant), Origin: ctx.server.url },
      }));
    },
  },
  {
    label: "80 000 digits + 'x' against ^\\d+\\.?\\d*$ (maxLength 20), new entry",
    parallel: 1,
    op: (ctx) => timed(() => fetch(`${ctx.server.url}/archive/${REDOS_SLUG}/new?_data=${encodeURIComponent("routes/archive.$slug.new")}`, {
      method: "POST", redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { Cookie: cookieOf(ctx.applicant), Origin: ctx.server.url, "Content-Type": "application/json" },
      body: JSON.stringify({ data: { a: REDOS_VALUE } }),
    })),
  },
  {
    label: `bursts of ${LOGIN_BURST} parallel wrong logins, each burst on a fresh account`,
    parallel: 1,
    op: async (ctx) => {
      // Accounts made before the phase (hashing here would load the machine being measured).
      const victim = ctx.victims[ctx.victimsUsed++ % ctx.victims.length];
      const t0 = performance.now();
      const all = await Promise.all(Array.from({ length: LOGIN_BURST }, () => timed(() => fetch(`${ctx.server.url}/login`, {
        method: "POST", redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { Origin: ctx.server.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: victim, password: "wrong-password-1" }).toString(),
      }))));
      const statuses = [...new Set(all.map((o) => o.status))].join("/");
      return { ms: performance.now() - t0, status: statuses, note: all[0].note };
    },
    after: async (ctx) => {
      const used = ctx.victims.slice(0, Math.min(ctx.victimsUsed, ctx.victims.length));
      const rows = await ctx.db.models.User.findAll({ where: { username: used }, attributes: ["failedLoginCount", "lockedUntil"], raw: true });
      const locked = rows.filter((r) => r.lockedUntil && new Date(r.lockedUntil) > new Date()).length;
      const counts = new Map<number, number>();
      for (const r of rows) counts.set(r.failedLoginCount, (counts.get(r.failedLoginCount) ?? 0) + 1);
      const spread = [...counts].sort((a, b) => a[0] - b[0]).map(([n, k]) => `${n} (×${k})`).join(", ");
      return `${locked}/${rows.length} attacked accounts locked; failedLoginCount after a burst of ${LOGIN_BURST}: ${spread}${ctx.victimsUsed > ctx.victims.length ? "; accounts were reused (raise BENCH_ATTACK_LOGIN_ACCOUNTS)" : ""}`;
    },
  },
  {
    label: `chunked ${NOTIFY_MB} MB body to /payments/notify/sandbox`,
    parallel: 1,
    op: (ctx) => timed(() => fetch(`${ctx.server.url}/payments/notify/sandbox`, {
      method: "POST", redirect: "manual", duplex: "half", signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: streamOf(Buffer.from("orderNo="), NOTIFY_MB, Buffer.from("&x=1")),
    } as RequestInit)),
  },
  {
    label: `${DEEP.toLocaleString("en")}-deep JSON schema to the designer (草稿)`,
    parallel: 1,
    op: (ctx) => timed(() => fetch(`${ctx.server.url}/admin/forms/achievement/paper?_data=${encodeURIComponent("routes/admin.forms.$")}`, {
      method: "POST", redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { Cookie: cookieOf(ctx.admin), Origin: ctx.server.url, "Content-Type": "application/json" },
      body: JSON.stringify({ intent: "draft", draftVersion: null, text: `{"title":"论文","schema":${"[".repeat(DEEP)}${"]".repeat(DEEP)},"uiSchema":{},"meta":{}}` }),
    })),
  },
];

// ---------------------------------------------------------------------------------------------
// One phase: the prober for SECONDS, the attack (if any) looping alongside, CPU and RSS sampled.

interface Phase {
  label: string;
  health: Summary;
  healthMaxMs: number;
  answered: number;
  sent: number;
  ops: Op[];
  after: string;
  cpuMs: number;
  rssMaxMb: number;
  aliveAfter: boolean;
}

async function phase(ctx: Ctx, attack: Attack | null): Promise<Phase> {
  const cpu0 = ctx.pid ? cpuMs(ctx.pid) : NaN;
  let rssMax = rssMb(ctx.pid);
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(ctx.pid))), 250);
  const ops: Op[] = [];
  const end = Date.now() + SECONDS * 1000;
  let down = false;
  const loops = attack
    ? Array.from({ length: attack.parallel }, async () => {
      while (Date.now() < end && !down) {
        const o = await attack.op(ctx);
        ops.push(o);
        // No answer (reset, refused): if the server is gone, stop rather than spin on a dead port.
        if (typeof o.status === "string" && !(await alive(ctx))) down = true;
      }
    })
    : [];
  const probes = await probeHealth(ctx.server.url, SECONDS);
  await Promise.all(loops);
  clearInterval(sampler);
  const cpu1 = ctx.pid ? cpuMs(ctx.pid) : NaN;
  const answered = probes.filter((p) => p.ok);
  return {
    label: attack?.label ?? "no attack (baseline)",
    health: summarize(answered.map((p) => p.ms)),
    healthMaxMs: Math.max(...probes.map((p) => p.ms)),
    answered: answered.length,
    sent: probes.length,
    ops,
    after: attack?.after ? await attack.after(ctx).catch((e) => `(not read: ${(e as Error).message})`) : "",
    cpuMs: cpu1 - cpu0,
    rssMaxMb: rssMax,
    aliveAfter: await alive(ctx),
  };
}

/** The in-process figure: Ajv from app/engine/validator.ts on the 80 000-character value. */
function validateFigure() {
  const validate = createAjv().compile({ type: "object", properties: { a: REDOS_FIELD } });
  validate({ a: "12.5" });
  const times: number[] = [];
  const budget = performance.now() + 60_000;
  for (let i = 0; i < REDOS_RUNS && performance.now() < budget; i++) {
    const t0 = performance.now();
    const ok = validate({ a: REDOS_VALUE });
    times.push(performance.now() - t0);
    if (ok) throw new Error("the 80 000-character value was accepted");
  }
  return summarize(times);
}

function opsSummary(ops: Op[]) {
  if (!ops.length) return { n: 0, statuses: "—", p50: NaN, max: NaN, note: "" };
  const counts = new Map<string, number>();
  for (const o of ops) counts.set(String(o.status), (counts.get(String(o.status)) ?? 0) + 1);
  const s = summarize(ops.map((o) => o.ms));
  return { n: ops.length, statuses: [...counts].map(([k, v]) => `${k}×${v}`).join(" "), p50: s.p50, max: Math.max(...ops.map((o) => o.ms)), note: ops.find((o) => o.note)?.note ?? "" };
}

async function benchKind(kind: DbKind) {
  let ctx = await start(kind);
  log(`[${kind}] server on ${ctx.server.url}, pid ${ctx.pid}`);
  const results: Phase[] = [];
  try {
    log(`[${kind}] warm-up and baseline: /healthz at ${RATE} req/s for ${SECONDS} s`);
    await probeHealth(ctx.server.url, 2);
    results.push(await phase(ctx, null));
    for (const a of ATTACKS) {
      log(`[${kind}] ${a.label} for ${SECONDS} s`);
      const r = await phase(ctx, a);
      results.push(r);
      if (!r.aliveAfter) {
        // The attack took the server down: the next attack gets a fresh server (and database).
        log(`[${kind}] the server stopped answering: restarting it for the next attack\n${ctx.server.logs().slice(-1500)}`);
        await stop(ctx).catch(() => {});
        ctx = await start(kind);
        await probeHealth(ctx.server.url, 2);
      }
    }
    // The baseline again: how much the machine drifted over the run.
    log(`[${kind}] baseline again`);
    results.push({ ...(await phase(ctx, null)), label: "no attack (baseline, again at the end)" });
  } finally {
    await stop(ctx);
  }
  return results;
}

function report(kind: DbKind, results: Phase[]) {
  const base = results[0];
  const baseCpuPerSec = base.cpuMs / SECONDS;
  console.log(`\n### ${kind} — /healthz offered at ${RATE} req/s (open loop) for ${SECONDS} s per phase\n`);
  console.log(table(
    ["phase", "/healthz answered", "p50 ms", "p95 ms", "p99 ms", "max ms", "p95 ÷ baseline (target ≤ 2)", "attack requests", "attack statuses", "attack p50 / max ms", "server CPU ms per attack request (net of baseline)", "server RSS max MB", "server up after"],
    results.map((r) => {
      const o = opsSummary(r.ops);
      const ratio = r.health.p95 / base.health.p95;
      const net = o.n ? (r.cpuMs - baseCpuPerSec * SECONDS) / o.n : NaN;
      return [
        r.label, `${r.answered}/${r.sent}`, ms(r.health.p50), ms(r.health.p95), ms(r.health.p99), ms(r.healthMaxMs),
        r === base ? "1" : `${Number.isFinite(ratio) ? ratio.toFixed(1) : "—"}${r.answered < r.sent ? ` (${r.sent - r.answered} unanswered)` : ""}${r.label.startsWith("no attack") ? "" : Number.isFinite(ratio) && ratio <= 2 && r.answered === r.sent ? " ✓" : " ✗"}`,
        o.n || "—", o.statuses, `${ms(o.p50)} / ${ms(o.max)}`, ms(net), ms(r.rssMaxMb), r.aliveAfter ? "yes" : "**no**",
      ];
    }),
  ));
  const notes = results.slice(1).map((r) => [r.label, [opsSummary(r.ops).note, r.after].filter(Boolean).join(" — ")]).filter(([, n]) => n);
  if (notes.length) console.log(`\nFirst answer per attack (and what it left):\n${notes.map(([l, n]) => `- ${l}: ${n}`).join("\n")}`);
  const bomb = opsSummary(results.find((r) => r.label.startsWith("BibTeX"))?.ops ?? []);
  return { bomb };
}

async function main() {
  ensureBuild();
  const kinds: DbKind[] = ["sqlite"];
  if (process.env.BENCH_DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
    kinds.push("postgres");
  }
  console.log(`# bench/attacks — ${machine()}`);
  const figures: (string | number)[][] = [];
  for (const kind of kinds) {
    const { bomb } = report(kind, await benchKind(kind));
    figures.push([`BibTeX bomb refused, HTTP request to answer (${kind}, p50 / max of ${bomb.n})`, `${ms(bomb.p50)} / ${ms(bomb.max)} ms`, "< 100 ms", bomb.n && bomb.max < 100 ? "met" : "**missed**"]);
  }
  log(`in process: validating the 80 000-character value (${REDOS_RUNS} runs, at most 60 s)`);
  const v = validateFigure();
  figures.push([`80 000-character value validated in process (app/engine/validator.ts, p50 / max of ${v.n})`, `${ms(v.p50)} / ${ms(Math.max(v.p99, v.p50))} ms`, "< 5 ms", v.p99 < 5 ? "met" : "**missed**"]);
  console.log("\n### Parser figures\n");
  console.log(table(["figure", "value", "target", ""], figures));
  console.log("\nLoad generator, prober (a worker thread) and server share the machine; the ratios compare phases of the same run.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
