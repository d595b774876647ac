// A Postgres primary and a streaming replica of it, each its own cluster in a temporary
// directory on a loopback port, started from Debian's server binaries (initdb, pg_basebackup
// -R, pg_ctl) as the postgres user. The shared test server cannot be used: its pg_hba.conf
// allows no replication connections, and the tests must not edit the machine's configuration.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./server";

/** Debian's newest server binaries directory, or null when the machine has none. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "pg_basebackup"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], "bin") : null;
}

/** Whether this machine can run the pair: the binaries, root (to run them as postgres) and runuser. */
export function canStreamLocally(): boolean {
  return !!postgresBin() && process.getuid?.() === 0 && fs.existsSync("/usr/sbin/runuser") && (() => {
    try {
      execFileSync("id", ["postgres"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
}

export interface StreamingPair {
  primaryUrl: (db?: string) => string;
  replicaUrl: (db?: string) => string;
  /** Stops (pg_wal_replay_pause) or resumes applying the primary's changes on the replica. */
  pauseReplay: () => Promise<void>;
  resumeReplay: () => Promise<void>;
  /** Waits until the replica has applied everything the primary has written so far. */
  caughtUp: (timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startStreamingPair(): Promise<StreamingPair> {
  const bin = postgresBin()!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-pg-"));
  fs.chmodSync(dir, 0o755);
  execFileSync("chown", ["postgres:postgres", dir]);
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync("/usr/sbin/runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = path.join(dir, "primary");
  const replicaDir = path.join(dir, "replica");
  const started: string[] = [];
  const stopCluster = (d: string) => {
    try {
      asPostgres("pg_ctl", ["-D", d, "-m", "immediate", "-w", "stop"]);
    } catch {
      /* already down */
    }
  };
  try {
    asPostgres("initdb", ["-D", primaryDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);
    const conf = (port: number) => [
      `port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`,
      "fsync = off", "synchronous_commit = off", "full_page_writes = off", "shared_buffers = 32MB",
      "wal_level = replica", "max_wal_senders = 4", "hot_standby = on", "max_connections = 60",
    ].join("\n");
    fs.appendFileSync(path.join(primaryDir, "postgresql.conf"), `\n${conf(primaryPort)}\n`);
    fs.writeFileSync(path.join(primaryDir, "pg_hba.conf"), [
      "local all all trust", "local replication all trust",
      "host all all 127.0.0.1/32 trust", "host replication all 127.0.0.1/32 trust",
    ].join("\n") + "\n");
    asPostgres("pg_ctl", ["-D", primaryDir, "-l", path.join(dir, "primary.log"), "-w", "start"]);
    started.push(primaryDir);
    // The replica: a base backup that writes its own standby.signal and primary_conninfo (-R).
    asPostgres("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", replicaDir, "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
    fs.appendFileSync(path.join(replicaDir, "postgresql.conf"), `\nport = ${replicaPort}\n`);
    asPostgres("pg_ctl", ["-D", replicaDir, "-l", path.join(dir, "replica.log"), "-w", "start"]);
    started.push(replicaDir);
  } catch (e) {
    started.reverse().forEach(stopCluster);
    const log = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8").slice(-2000) : "");
    fs.rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`streaming pair: ${err.message}\n${err.stderr?.toString() ?? ""}\n${log("primary.log")}\n${log("replica.log")}`);
  }
  const url = (port: number) => (db = "postgres") => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const one = async <T>(u: string, sql: string): Promise<T> => {
    const c = new pg.Client({ connectionString: u });
    await c.connect();
    try {
      return (await c.query(sql)).rows[0] as T;
    } finally {
      await c.end();
    }
  };
  return {
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    pauseReplay: async () => void (await one(url(replicaPort)(), "SELECT pg_wal_replay_pause()")),
    resumeReplay: async () => void (await one(url(replicaPort)(), "SELECT pg_wal_replay_resume()")),
    caughtUp: async (timeoutMs = 30_000) => {
      // The insert position, not the write position: with synchronous_commit = off a commit returns
      // before its record is written, and waiting for the write position could pass before it.
      const { lsn } = await one<{ lsn: string }>(url(primaryPort)(), "SELECT pg_current_wal_insert_lsn()::text AS lsn");
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { done } = await one<{ done: boolean }>(url(replicaPort)(), `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
        if (done) return;
        if (Date.now() > deadline) throw new Error(`replica did not replay up to ${lsn} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async () => {
      [...started].reverse().forEach(stopCluster);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
