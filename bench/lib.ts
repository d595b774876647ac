// Shared helpers for the benchmark scripts. They print figures; nothing here asserts a time.
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

export const ROOT = path.resolve(__dirname, "..");

/** Load duration per autocannon run, seconds (BENCH_SECONDS, default 20). */
export function benchSeconds(): number {
  const s = Number(process.env.BENCH_SECONDS ?? 20);
  if (!Number.isFinite(s) || s <= 0) throw new Error(`BENCH_SECONDS must be a positive number, got ${process.env.BENCH_SECONDS}`);
  return s;
}

export const CONNECTIONS = 50;

/** The Remix server build the spawned server loads; built once when missing. */
export function ensureBuild() {
  if (fs.existsSync(path.join(ROOT, "build", "index.js"))) return;
  console.error("build/ missing: running `npx remix build` …");
  execSync("npx remix build", { cwd: ROOT, stdio: "inherit" });
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface Summary { n: number; p50: number; p95: number; p99: number; mean: number }

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean };
}

export interface LoadResult {
  label: string;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: Summary;
  /** Mean response size (headers + body), bytes. */
  bytesPerReq: number;
  /** Server process CPU (user + system) per completed request, ms — less sensitive to other load on the machine than latency. */
  serverCpuMsPerReq: number;
  /** 1-minute load average at the start and end of the run (machine-wide, includes this run). */
  loadAvg: [number, number];
  /** Latency per request path (only filled when several paths were cycled). */
  byPath: Map<string, number[]>;
  statusCodes: Record<string, number>;
}

/**
 * One autocannon run. autocannon 8 reports p50/p90/p97.5/p99 but no p95, so every response's
 * latency (ms, hrtime-based) is recorded from the 'response' event and the percentiles are
 * computed here. With several paths, each response is attributed to the path its connection
 * just sent (pipelining 1, so the connection's current request is the answered one).
 */
export async function load(opts: {
  label: string;
  url: string;
  paths: string[];
  headers?: Record<string, string>;
  seconds: number;
  connections?: number;
  /** Server process to charge CPU time to (see listenerPid); its child processes count too. */
  serverPid?: number | null;
}): Promise<LoadResult> {
  const load0 = os.loadavg()[0];
  const cpu0 = opts.serverPid ? cpuMs(opts.serverPid) : NaN;
  const samples: number[] = [];
  const byPath = new Map<string, number[]>();
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections ?? CONNECTIONS,
    pipelining: 1,
    duration: opts.seconds,
    // autocannon's default 10 s timeout drops the slowest responses from the figures (and
    // reconnects); with 60 s every response of a saturated SSR route is measured.
    timeout: 60,
    headers: opts.headers ?? {},
    requests: opts.paths.map((p) => ({ method: "GET", path: p })),
  });
  instance.on("response", (client: any, _status: number, _bytes: number, ms: number) => {
    samples.push(ms);
    if (opts.paths.length > 1) {
      const p: string = client?.requestIterator?.currentRequest?.path ?? "?";
      let a = byPath.get(p);
      if (!a) byPath.set(p, (a = []));
      a.push(ms);
    }
  });
  const r: any = await instance;
  const cpu1 = opts.serverPid ? cpuMs(opts.serverPid) : NaN;
  return {
    label: opts.label,
    rps: r.requests.total / r.duration,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    latency: summarize(samples),
    bytesPerReq: r.requests.total ? r.throughput.total / r.requests.total : 0,
    serverCpuMsPerReq: (cpu1 - cpu0) / r.requests.total,
    loadAvg: [load0, os.loadavg()[0]],
    byPath,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]: [string, any]) => [k, v.count])),
  };
}

/**
 * Open loop at a fixed offered rate: request i is sent at start + i/rate, evenly spaced, whatever
 * the answers before it, and its latency is counted from that scheduled moment (no coordinated
 * omission). autocannon's overallRate is not this: it lets each connection send its share at the
 * start of every second, so 50 req/s over 50 connections arrive as one burst of 50 each second.
 * `send(i)` makes request i and returns its status and response bytes.
 */
export async function openLoop(opts: {
  label: string;
  rate: number;
  seconds: number;
  send: (i: number) => Promise<{ status: number; bytes: number }>;
  serverPid?: number | null;
  /** Status counted as success (default: 2xx). */
  ok?: (status: number) => boolean;
}): Promise<LoadResult & { failures: string[] }> {
  const n = Math.max(1, Math.round(opts.rate * opts.seconds));
  const ok = opts.ok ?? ((st: number) => st >= 200 && st < 300);
  const load0 = os.loadavg()[0];
  const cpu0 = opts.serverPid ? cpuMs(opts.serverPid) : NaN;
  const samples: number[] = [];
  const failures: string[] = [];
  const statusCodes: Record<string, number> = {};
  let bytes = 0;
  let non2xx = 0;
  let errors = 0;
  const start = performance.now() + 20;
  const sent: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const at = start + (i * 1000) / opts.rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(opts.send(i).then(
      (r) => {
        samples.push(performance.now() - at);
        bytes += r.bytes;
        statusCodes[r.status] = (statusCodes[r.status] ?? 0) + 1;
        if (!ok(r.status)) {
          non2xx++;
          if (failures.length < 20) failures.push(`#${i}: ${r.status}`);
        }
      },
      (e: Error) => {
        errors++;
        if (failures.length < 20) failures.push(`#${i}: ${e.message}`);
      },
    ));
  }
  await Promise.all(sent);
  const elapsed = (performance.now() - start) / 1000;
  const cpu1 = opts.serverPid ? cpuMs(opts.serverPid) : NaN;
  return {
    label: opts.label, rps: samples.length / elapsed, requests: samples.length, non2xx, errors, timeouts: 0,
    latency: summarize(samples), bytesPerReq: samples.length ? bytes / samples.length : 0,
    serverCpuMsPerReq: (cpu1 - cpu0) / n, loadAvg: [load0, os.loadavg()[0]], byPath: new Map(), statusCodes, failures,
  };
}

/** `send` for openLoop: GET `path` with `headers`, body read whole. */
export function getter(url: string, path: string, headers: Record<string, string> = {}) {
  return async () => {
    const res = await fetch(url + path, { headers, redirect: "manual" });
    const body = await res.arrayBuffer();
    return { status: res.status, bytes: body.byteLength };
  };
}

/** A short unmeasured run (3 s, 10 connections) so JIT, caches and the connection pool are warm. */
export async function warm(url: string, paths: string[], headers: Record<string, string> = {}) {
  await autocannon({ url, connections: 10, duration: 3, headers, requests: paths.map((p) => ({ method: "GET", path: p })) });
}

/** Pid of the process listening on a local TCP port (Linux, via ss), or null. */
export function listenerPid(port: number): number | null {
  try {
    const out = execSync(`ss -ltnpH 'sport = :${port}'`, { encoding: "utf8" });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

let clkTck: number | undefined;
/**
 * utime + stime of a process and its live descendants (cluster workers) from /proc, ms (NaN when
 * unavailable). Workers must outlive the measurement: an exited child's time is not counted.
 */
export function cpuMs(pid: number): number {
  try {
    clkTck ??= Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let total = ((Number(f[11]) + Number(f[12])) * 1000) / clkTck;
    for (const child of childPids(pid)) {
      const c = cpuMs(child);
      if (Number.isFinite(c)) total += c;
    }
    return total;
  } catch {
    return NaN;
  }
}

function childPids(pid: number): number[] {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? "unknown CPU";
  let rev = "";
  try {
    rev = execSync("git describe --always --dirty", { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    rev = "no git";
  }
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  return `${os.cpus().length}-core ${os.arch()} (${cpu}), Node ${process.versions.node}, tree ${rev}, load avg ${load} at start`;
}

export const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : "—");

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
