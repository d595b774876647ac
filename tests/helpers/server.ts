// Starts the built app (server.ts + build/) as a child process on a free port against a test
// database, exactly as production runs it.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { openDb, type Db } from "../../app/utils/db.server";
import { createTestTarget, type TestTarget } from "./db";
import { children, cmdline } from "./processes";

const ROOT = path.resolve(__dirname, "../..");

/** A TCP port free on the loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface RunningServer {
  url: string;
  port: number;
  /** The spawned tsx process; server.ts runs in its one child. */
  pid: number;
  logs: () => string;
  stop(): Promise<void>;
  /** The Node process serving the app (tsx runs server.ts in a child process of its own): the one
   * a fault test kills, and the parent of the app's Chromium. */
  appPid(): number;
  /** Resolves once the spawned process has exited (after a kill). */
  exited(): Promise<void>;
}

/** startTimeoutMs: a cluster (WEB_CONCURRENCY > 1) loads the app once per process, slower on a busy machine. */
export async function startServer(target: TestTarget, env: Record<string, string> = {}, opts: { startTimeoutMs?: number } = {}): Promise<RunningServer> {
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const port = await freePort();
  let out = "";
  const child: ChildProcess = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["server.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      PORT: String(port),
      SESSION_SECRET: "test-secret",
      DEMO_MODE: "0",
      // Required in production: the address the tests (and browsers) use.
      PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
      DATA_DIR: target.dataDir,
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : { SQLITE_PATH: target.sqlitePath }),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server's output is kept for the tests to read (its last 16 MB: a benchmark's server logs
  // a line per request). The start-up check looks at each new chunk with the line before it, never
  // at the whole log again: scanning it per chunk cost a benchmark's client most of a core.
  const append = (d: Buffer) => {
    out += d.toString();
    if (out.length > 16 << 20) out = out.slice(-(8 << 20));
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      const from = Math.max(0, out.length - 16);
      append(d);
      if (out.includes("已启动", from)) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        child.stdout!.on("data", append);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", append);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  child.removeAllListeners("exit");
  const exit = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    logs: () => out,
    appPid: () => {
      const inner = children(child.pid!).find((p) => cmdline(p).includes("server.ts"));
      return inner ?? child.pid!;
    },
    exited: () => exit,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

export interface TestServer { target: TestTarget; server: RunningServer; db: Db; stop(): Promise<void> }

/** A fresh database, the built server on it, and a DB handle for assertions — one per test file. */
export async function startTestServer(env: Record<string, string> = {}, opts: { startTimeoutMs?: number } = {}): Promise<TestServer> {
  const target = await createTestTarget();
  const server = await startServer(target, env, opts);
  const db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  return {
    target, server, db,
    async stop() {
      await db.sequelize.close();
      await server.stop();
      await target.drop();
    },
  };
}
