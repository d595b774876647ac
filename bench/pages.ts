// Page throughput and latency of the real server (server.ts + build/, NODE_ENV=production) on a
// fresh database: /healthz (in-run baseline), /login (anonymous SSR), /home (个人中心 SSR
// behind a session). Prints markdown tables; never asserts a time.
//
//   npx tsx bench/pages.ts                      # SQLite
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/pages.ts  # + Postgres
//   BENCH_SECONDS=10 npx tsx bench/pages.ts     # shorter runs
import { createTestTarget, type DbKind } from "../tests/helpers/db";
import { startServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { DEMO_PASSWORD } from "../scripts/seeders/demo";
import { benchSeconds, CONNECTIONS, ensureBuild, listenerPid, load, machine, ms, table, warm, type LoadResult } from "./lib";

interface Route { label: string; path: string; auth: boolean; expect: RegExp }
const ROUTES: Route[] = [
  { label: "GET /healthz (baseline)", path: "/healthz", auth: false, expect: /^ok$/ },
  { label: "GET /login (anonymous SSR)", path: "/login", auth: false, expect: /个人用户登录/ },
  { label: "GET /home (个人中心 SSR, session)", path: "/home", auth: true, expect: /个人中心/ },
];

async function benchKind(kind: DbKind, seconds: number) {
  const target = await createTestTarget(kind);
  const server = await startServer(target, { DEMO_MODE: "1" });
  try {
    // Session of the demo applicant (profile completed, so /home renders rather than redirects).
    const client = new Client(server.url);
    const login = await client.login("demo_applicant", DEMO_PASSWORD);
    if (login.status !== 302 || login.headers.get("location") !== "/home") {
      throw new Error(`login as demo_applicant failed: ${login.status} ${login.headers.get("location")} ${await login.text()}`);
    }
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

    // Each route must answer 200 with its page before it is measured.
    for (const r of ROUTES) {
      const res = await fetch(server.url + r.path, { headers: r.auth ? { Cookie: cookie } : {}, redirect: "manual" });
      const body = await res.text();
      if (res.status !== 200 || !r.expect.test(body)) throw new Error(`${r.path}: ${res.status}, body does not match ${r.expect}:\n${body.slice(0, 300)}`);
    }

    const serverPid = listenerPid(server.port);
    const results: LoadResult[] = [];
    for (const r of ROUTES) {
      const headers: Record<string, string> = r.auth ? { Cookie: cookie } : {};
      await warm(server.url, [r.path], headers);
      process.stderr.write(`[${kind}] ${r.label}: ${seconds} s × ${CONNECTIONS} connections …\n`);
      results.push(await load({ label: r.label, url: server.url, paths: [r.path], headers, seconds, serverPid }));
    }
    return results;
  } finally {
    await server.stop();
    await target.drop();
  }
}

function report(kind: DbKind, results: LoadResult[], seconds: number) {
  const base = results[0];
  console.log(`\n### ${kind} — ${CONNECTIONS} connections, ${seconds} s per route\n`);
  console.log(table(
    ["route", "req/s", "p50 ms", "p95 ms", "p99 ms", "req/s ÷ /healthz", "p95 ÷ /healthz", "server CPU ms/req", "bytes/resp", "requests", "non-2xx / errors / timeouts", "load avg start→end"],
    results.map((r) => [
      r.label, r.rps.toFixed(0), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99),
      r === base ? "1" : (r.rps / base.rps).toFixed(3), r === base ? "1" : (r.latency.p95 / base.latency.p95).toFixed(1),
      ms(r.serverCpuMsPerReq), r.bytesPerReq.toFixed(0), r.requests, `${r.non2xx} / ${r.errors - r.timeouts} / ${r.timeouts}`,
      `${r.loadAvg[0].toFixed(1)}→${r.loadAvg[1].toFixed(1)}`,
    ]),
  ));
}

async function main() {
  const seconds = benchSeconds();
  ensureBuild();
  const kinds: DbKind[] = ["sqlite"];
  if (process.env.BENCH_DATABASE_URL) {
    // tests/helpers/db.ts creates (and drops) a fresh database on the server named here.
    process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
    kinds.push("postgres");
  }
  console.log(`# bench/pages — ${machine()}`);
  for (const kind of kinds) report(kind, await benchKind(kind, seconds), seconds);
  console.log("\nLoad generator (autocannon) and server share the machine; latencies are per request, measured by the client.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
