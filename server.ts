// Production/dev HTTP server: Express serves static assets, refuses cross-origin writes, and
// hands every other request to the Remix build. The database is migrated on boot.
import cluster from "node:cluster";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import { getEnv } from "./app/utils/env.server";
import { getDb, openDb } from "./app/utils/db.server";
import { readFromReplicas } from "./db/connection";
import { originAllowed } from "./app/utils/csrf.server";
import { purgeExpiredSessions } from "./app/utils/session.server";
import { setupDatabase } from "./scripts/setup";
import { DEMO_PASSWORD } from "./scripts/seeders/demo";
import { FormConfigError } from "./app/engine/form-registry.server";
import { guardResourceRoutes, logUnexpected, newErrorRef, unexpectedText } from "./app/utils/errors.server";
import { getObjectStore } from "./app/utils/object-store.server";
import { markDraining } from "./app/utils/readiness.server";
import { installJsonConsole, jsonLogger, requestIdFrom, withRequestId } from "./app/utils/log.server";
import { metrics, registerGauges, startMetricsServer } from "./app/utils/metrics.server";
import { routeOf } from "./app/utils/route-label.server";
import { startFileCleanup } from "./app/engine/file-cleanup.server";
import { startNotifications } from "./app/engine/notifications/dispatch.server";
import { closeRenderer, sweepOrphanedBrowsers } from "./app/engine/pdf/renderer.server";
import { renderQueueDepth, stopRenderQueue } from "./app/engine/pdf/render.server";

type Setup = Awaited<ReturnType<typeof setupDatabase>>;

/** Cookie marking a browser that wrote within the read-your-writes window. */
const RECENT_WRITE = "zcps_rw";
const RECENT_WRITE_SENT = /(?:^|;\s*)zcps_rw=1(?:;|$)/;

/** How long in-flight requests may run after SIGTERM (a balancer's usual drain is 30 s). */
const SHUTDOWN_GRACE_MS = 25_000;

async function main() {
  const env = getEnv();
  if (env.logFormat === "json") installJsonConsole();
  // WEB_CONCURRENCY > 1: the primary migrates once, then forks that many workers sharing the
  // port (docs/decisions/006-server-cpu-per-page.md). Workers skip straight to serving.
  if (cluster.isWorker) return serve(null);
  const db = getDb();
  let setup: Setup;
  try {
    setup = await setupDatabase(db, { demo: env.demoMode });
  } catch (e) {
    if (e instanceof FormConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  // Half-written uploads of a process that died mid-upload (before any worker serves).
  const swept = await (await getObjectStore()).sweepPartials({ atStart: true });
  if (swept) console.log(`已清理 ${swept} 个未完成的上传文件`);
  if (env.webConcurrency > 1) {
    await db.sequelize.close();
    return startWorkers(env.webConcurrency, setup);
  }
  return serve(setup);
}

function announce(port: number, workers: number, setup: Setup, dialect: string) {
  console.log(`职称申报评审平台已启动：http://localhost:${port}  （数据库：${dialect}${workers > 1 ? `，${workers} 个工作进程` : ""}）`);
  if (setup.demo) {
    console.log(`演示模式：以下演示账户的密码均为 ${DEMO_PASSWORD}`);
    for (const a of setup.demo) console.log(`  ${a.username.padEnd(16)} ${a.label}`);
  }
}

function startWorkers(n: number, setup: Setup) {
  const env = getEnv();
  let stopping = false;
  let listening = 0;
  const fork = () => cluster.fork().on("listening", (addr) => {
    if (++listening === n) announce(addr.port, n, setup, env.databaseUrl ? "postgres" : "sqlite");
  });
  for (let i = 0; i < n; i++) fork();
  // The workers' metrics, summed, from the primary (the workers serve none of their own).
  if (env.metricsPort !== null) startMetricsServer(env.metricsPort, env.metricsHost);
  // SQLite: the hourly file clean-up runs here, once, not in every worker (Postgres: pg-boss in the workers).
  if (!env.databaseUrl) startFileCleanup(openDb({ databaseUrl: null, sqlitePath: env.sqlitePath, logSql: env.logSql }));
  cluster.on("exit", (w, code, signal) => {
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
      return;
    }
    console.error(`工作进程 ${w.process.pid} 退出（${signal ?? code}），重新启动`);
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** One serving process: the whole app when WEB_CONCURRENCY is 1, else a worker (setup null). */
async function serve(setup: Setup | null) {
  const env = getEnv();
  const db = getDb();
  const buildPath = path.join(env.projectRoot, "build", "index.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build: ServerBuild = guardResourceRoutes(require(buildPath));

  const app = express();
  app.disable("x-powered-by");
  // Behind a reverse proxy, X-Forwarded-Proto decides the Secure cookie flag.
  app.set("trust proxy", "loopback");
  // A client that goes away mid-body makes its request emit 'error'. Whoever reads the body
  // hears it; this keeps one nobody reads (a refused upload) from ending the process.
  app.use((req, _res, next) => {
    req.on("error", () => {});
    next();
  });
  // Every request gets an id (the balancer's X-Request-Id when it sent a plain one): answered in
  // X-Request-Id, on each log line written meanwhile, and on the request's own JSON log line;
  // its duration goes to the metrics under its Remix route id (never the raw path: ids in paths
  // would make a series per application).
  const routeLabel = routeOf(build);
  app.use((req, res, next) => {
    const reqId = requestIdFrom(req.get("x-request-id"), () => crypto.randomUUID());
    res.setHeader("X-Request-Id", reqId);
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req.path);
      metrics.httpDuration.observe({ route, method: req.method, status: String(res.statusCode) }, seconds);
      jsonLogger()?.info({ reqId, method: req.method, route, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, "request");
    });
    withRequestId(reqId, next);
  });
  // Read replicas serve page views; a write request reads the primary, and so do the same
  // browser's pages for the replication-lag window after it (a cookie says when), so nobody
  // misses what they just saved. Background work never reads a replica (db/connection.ts).
  if (env.databaseReadUrls.length) {
    const maxAge = Math.ceil(env.readYourWritesMs / 1000);
    app.use((req, res, next) => {
      const write = !["GET", "HEAD", "OPTIONS"].includes(req.method);
      if (write) res.append("Set-Cookie", `${RECENT_WRITE}=1; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax`);
      if (write || RECENT_WRITE_SENT.test(req.headers.cookie ?? "")) return next();
      readFromReplicas(next);
    });
  }
  app.use(compression());
  app.use("/build", express.static(path.join(env.projectRoot, "public/build"), { immutable: true, maxAge: "1y" }));
  // public/'s other files (the favicon) by name: a static handler in front of every request
  // would stat the disk for each page and API call.
  const publicDir = path.join(env.projectRoot, "public");
  const publicFiles = new Set(fs.readdirSync(publicDir, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => `/${d.name}`));
  const servePublic = express.static(publicDir, { maxAge: "1h" });
  app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));
  const publicHost = new URL(env.publicOrigin).host;
  app.use((req, res, next) => {
    const ok = originAllowed({
      method: req.method,
      path: req.path,
      origin: req.get("origin"),
      referer: req.get("referer"),
      // Configured, never taken from the request: a forged Host must not make itself "same origin".
      selfOrigin: env.publicOrigin,
      trusted: env.trustedOrigins,
    });
    if (ok) {
      // Downstream the request's host is PUBLIC_ORIGIN's: Remix builds request.url from Host (or
      // X-Forwarded-Host), so a client-chosen host never reaches a URL. Remix's own Origin-vs-Host
      // comparison is the check above, stricter (scheme, host and port against the configured
      // origins); with Origin gone it does not run, so a mismatch is not an English 500.
      req.headers.host = publicHost;
      delete req.headers["x-forwarded-host"];
      delete req.headers.origin;
      return next();
    }
    res.status(403).type("text/plain; charset=utf-8").send("请求来源校验失败：请从本站页面提交（跨站请求已被拒绝）");
  });
  // The client address reaches loaders/actions as context.ip (kept with a signed pledge);
  // errorRef is the number an unexpected error of this request is logged and shown with.
  app.all("*", createRequestHandler({ build, mode: env.nodeEnv, getLoadContext: (req) => ({ ip: req.ip ?? null, errorRef: newErrorRef() }) }));
  // Whatever escapes Remix still answers in Chinese with a reference number, never Express's page.
  app.use((err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    // Express's own refusals (a path it cannot decode, e.g. %ED%A0%80) are the client's error.
    if (err instanceof URIError || (err as { status?: number })?.status === 400) {
      res.status(400).type("text/plain; charset=utf-8").set("Cache-Control", "no-store").send("请求地址格式不正确");
      return;
    }
    const ref = newErrorRef();
    logUnexpected(err, ref, { method: req.method, url: req.originalUrl });
    const answer = unexpectedText(ref);
    res.status(answer.status).type("text/plain; charset=utf-8").set("Cache-Control", "no-store");
    answer.text().then((t) => res.send(t), () => res.end());
  });

  const server = app.listen(env.port, () => {
    if (setup) announce((server.address() as { port: number }).port, 1, setup, db.sequelize.getDialect());
    if (env.nodeEnv === "development") broadcastDevReady(build);
  });
  setInterval(() => purgeExpiredSessions().catch(() => {}), 60 * 60 * 1000).unref();
  // Unreferenced uploads: a pg-boss schedule on Postgres; on SQLite a timer in the one process
  // (the primary runs it when there are workers).
  if (db.sequelize.getDialect() === "postgres" || !cluster.isWorker) startFileCleanup(db);
  // Notifications (站内信, SMS): every server looks for new changes; rows are claimed, never sent twice.
  startNotifications(db);
  // Chromium left running by a killed predecessor (found by its profile-dir marker) is killed.
  sweepOrphanedBrowsers().catch((e) => console.error("[pdf] sweep:", e));
  // Batch exports: queued ones resume (pg-boss on Postgres), ones whose runner died are restarted.
  const exportJobs = import("./app/engine/pdf/export-jobs.server");
  exportJobs.then((m) => m.startExportWorkers(db)).catch((e) => console.error("[export] worker:", e));
  registerGauges({
    pool: () => {
      // Postgres only (sequelize-pool); SQLite has one connection and no pool to watch.
      type Pool = { size: number; available: number; using: number; waiting: number };
      const all = (db.sequelize.connectionManager as unknown as { pool?: Pool & { write?: Pool } }).pool;
      const pool = all?.write ?? all; // with replicas: the primary's pool
      return pool && typeof pool.size === "number" ? { size: pool.size, available: pool.available, using: pool.using, waiting: pool.waiting } : null;
    },
    queues: async () => [...await exportJobs.then((m) => m.exportQueueDepth(db)), ...await renderQueueDepth()],
  });
  if (env.metricsPort !== null && !cluster.isWorker) startMetricsServer(env.metricsPort, env.metricsHost);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Draining: /readyz answers 503 so a balancer sends nothing new; the listener stops accepting,
    // idle keep-alive connections close, requests in flight finish, then the DB closes and we exit.
    markDraining();
    server.close(() => db.sequelize.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    // A request that never ends (a stalled upload) does not hold the shutdown past the grace time.
    setTimeout(() => {
      console.error(`[shutdown] ${SHUTDOWN_GRACE_MS / 1000} 秒后仍有请求未完成，强制退出`);
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
    // The warm browser and the export worker go first; the DB closes once requests have finished.
    void Promise.allSettled([closeRenderer(), stopRenderQueue(), exportJobs.then((m) => m.stopExportWorkers())]);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
