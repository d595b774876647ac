// Scaling out (issue 13), on Postgres: does a second web node or a render worker cost CPU?
//  1. Pages: server CPU per page of one node, against two nodes behind nginx (the same offered
//     rate, open loop), charged to both nodes; nginx's own CPU apart.
//  2. PDFs: CPU per 评审表 rendered in the web process (RENDER_MODE=inline, Chromium included)
//     against a render worker (RENDER_MODE=worker: the web node's share + the worker's, Chromium
//     included), the same forms one after another.
// Prints markdown tables with the offered and achieved rate and the load average; asserts nothing
// about time, only that every answer is right.
//
//   npm run bench:scale
//   BENCH_SECONDS=5 BENCH_SCALE_PDFS=10 npm run bench:scale   # quick
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createTestTarget, type TestTarget } from "../tests/helpers/db";
import { freePort, startServer, type RunningServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { unitId } from "../tests/helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../tests/helpers/review-fixtures";
import { submitInProcess } from "../tests/helpers/apply-inprocess";
import { startWorker, type RenderWorker } from "../tests/helpers/render-worker";
import { openDb, type Db } from "../app/utils/db.server";
import { localStore, setObjectStore } from "../app/utils/object-store.server";
import { benchSeconds, cpuMs, ensureBuild, getter, machine, ms, openLoop, table, warm } from "./lib";

const RATE = Number(process.env.BENCH_SCALE_RATE ?? 40);
const PDFS = Number(process.env.BENCH_SCALE_PDFS ?? 30);


async function nginx(dir: string, port: number, upstreams: number[]) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "nginx.conf"), `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream app { ${upstreams.map((p) => `server 127.0.0.1:${p};`).join(" ")} keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host; }
  }
}`);
  const child = spawn("/usr/sbin/nginx", ["-p", dir, "-e", path.join(dir, "error.log"), "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => { const s = net.connect(port, "127.0.0.1"); s.once("connect", () => { s.destroy(); r(true); }); s.once("error", () => r(false)); });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("nginx did not start");
}

async function main() {
  const seconds = benchSeconds();
  process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  ensureBuild();
  console.log(`# bench/scale — ${machine()}\n`);
  const target: TestTarget = await createTestTarget("postgres");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-scale-"));
  const lbPort = await freePort();
  const lbUrl = `http://127.0.0.1:${lbPort}`;
  const env = { DATA_DIR: dataDir, PUBLIC_ORIGIN: lbUrl, LOG_FORMAT: "text" };
  const servers: RunningServer[] = [];
  let worker: RenderWorker | null = null;
  let lb: ReturnType<typeof spawn> | null = null;
  let db: Db | null = null;
  try {
    servers.push(await startServer(target, env));
    servers.push(await startServer(target, env));
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    setObjectStore(localStore(dataDir));
    lb = await nginx(path.join(dataDir, "nginx"), lbPort, servers.map((s) => s.port));

    // ---- pages ----
    const unit = await unitId(db);
    const plans = await makePlans(db);
    const staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
    const applicant = await makeApplicant(db, unit, { categories: ["paper"] });
    const c = new Client(lbUrl);
    if ((await c.login(applicant.username, PASSWORD)).status !== 302) throw new Error("login");
    const headers = { Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    const pages = ["/home", "/archive"];
    const rows: (string | number)[][] = [];
    const pageRun = async (label: string, url: string, charged: RunningServer[]) => {
      await warm(url, pages, headers);
      const cpu0 = charged.map((s) => cpuMs(s.appPid()));
      const lb0 = lb ? cpuMs(lb.pid!) : NaN;
      const r = await openLoop({ label, rate: RATE, seconds, send: (i) => getter(url, pages[i % pages.length], headers)() });
      const cpu = charged.reduce((sum, s, i) => sum + cpuMs(s.appPid()) - cpu0[i], 0) / r.requests;
      const lbCpu = (cpuMs(lb!.pid!) - lb0) / r.requests;
      if (r.non2xx || r.errors) throw new Error(`${label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      rows.push([label, `${RATE}/s`, `${r.rps.toFixed(1)}/s`, ms(r.latency.p50), ms(r.latency.p95), ms(cpu), charged.length > 1 ? ms(lbCpu) : "—", `${r.loadAvg[0].toFixed(1)} → ${r.loadAvg[1].toFixed(1)}`]);
      return cpu;
    };
    const one = await pageRun("one node, direct", servers[0].url, [servers[0]]);
    const two = await pageRun("two nodes behind nginx", lbUrl, servers);
    console.log(`## Pages (/home, /archive signed in), open loop at ${RATE} req/s, ${seconds} s\n`);
    console.log(table(["run", "offered", "achieved", "p50 ms", "p95 ms", "server CPU ms/page", "nginx CPU ms/page", "load avg"], rows));
    console.log(`\nTwo nodes / one node, server CPU per page: **${(two / one).toFixed(2)}×**\n`);

    // ---- PDFs ----
    const ids: number[] = [];
    for (let i = 0; i < PDFS; i++) {
      const p = await makeApplicant(db, unit, { name: `压测${i + 1}`, categories: ["paper"] });
      ids.push((await submitInProcess(db, p.id, plans.review)).id);
    }
    const pdfRun = async (server: RunningServer, w: RenderWorker | null) => {
      const reviewer = new Client(server.url);
      if ((await reviewer.login(staff.unit.username, PASSWORD)).status !== 302) throw new Error("reviewer login");
      const get = async (id: number) => {
        const res = await reviewer.get(`/staff/applications/${id}/review-form.pdf`);
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200 || body.subarray(0, 5).toString("latin1") !== "%PDF-") throw new Error(`PDF ${id}: ${res.status}`);
      };
      await get(ids[0]); // warm: Chromium started
      const web0 = cpuMs(server.appPid());
      const w0 = w ? cpuMs(w.pid()) : 0;
      const t0 = Date.now();
      for (const id of ids) await get(id);
      const wall = Date.now() - t0;
      const web = (cpuMs(server.appPid()) - web0) / ids.length;
      const wk = w ? (cpuMs(w.pid()) - w0) / ids.length : 0;
      return { web, worker: wk, total: web + wk, wallPerPdf: wall / ids.length };
    };
    for (const s of servers.splice(0)) await s.stop();
    // Signed in directly (not through nginx): each node is its own public origin here.
    const pdfEnv = { DATA_DIR: dataDir, LOG_FORMAT: "text" };
    const inlineServer = await startServer(target, { ...pdfEnv, RENDER_MODE: "inline" });
    servers.push(inlineServer);
    const inline = await pdfRun(inlineServer, null);
    await inlineServer.stop();
    servers.length = 0;
    const workerServer = await startServer(target, { ...pdfEnv, RENDER_MODE: "worker" });
    servers.push(workerServer);
    worker = await startWorker({ ...pdfEnv, PUBLIC_ORIGIN: workerServer.url, RENDER_MODE: "worker", DATABASE_URL: target.databaseUrl!, SESSION_SECRET: "test-secret" });
    const remote = await pdfRun(workerServer, worker);
    console.log(`## 评审表 PDFs, ${PDFS} forms one after another (CPU includes Chromium)\n`);
    console.log(table(["mode", "web node CPU ms/PDF", "worker CPU ms/PDF", "total CPU ms/PDF", "wall ms/PDF"], [
      ["inline (in the web process)", ms(inline.web), "—", ms(inline.total), ms(inline.wallPerPdf)],
      ["worker (RENDER_MODE=worker)", ms(remote.web), ms(remote.worker), ms(remote.total), ms(remote.wallPerPdf)],
    ]));
    console.log(`\nWorker / inline, total CPU per PDF: **${(remote.total / inline.total).toFixed(2)}×**; worker process alone: ${(remote.worker / inline.total).toFixed(2)}×`);
  } finally {
    lb?.kill("SIGQUIT");
    await worker?.stop();
    for (const s of servers) await s.stop();
    await db?.sequelize.close();
    await target.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
