// Runs a parser of uploaded files off the event loop: one worker_threads worker per job, with
// V8 heap limits (resourceLimits) and a time limit (the worker is terminated), and at most
// `maxConcurrent` jobs at a time (their heaps add up) with a bounded wait. Worker scripts are plain
// .mjs files under app/workers/: they need no loader, so the same file runs under vitest and tsx
// (source tree) and next to the compiled build/index.js, which does not contain them.
import fs from "node:fs";
import path from "node:path";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { singleton } from "./singleton.server";

export type WorkerFailure = "timeout" | "memory" | "crashed" | "busy";

/** A job that did not finish: too slow, out of its heap, crashed, or no slot free in time. */
export class WorkerJobError extends Error {
  constructor(public kind: WorkerFailure, message: string) {
    super(message);
  }
}

/**
 * Absolute path of app/workers/<name>. __dirname is app/<dir> in the source tree (vitest, tsx)
 * and build/ in the compiled server (one bundle, build/index.js), a sibling of app/.
 */
export function workerScript(name: string): string {
  const candidates = [path.resolve(__dirname, "../workers", name), path.resolve(__dirname, "../app/workers", name)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`worker script ${name} not found (looked in ${candidates.join(", ")})`);
  return found;
}

export interface WorkerJobOptions {
  timeoutMs: number;
  resourceLimits: ResourceLimits;
  /** Jobs running at once across the process (default 2); others wait up to queueTimeoutMs. */
  maxConcurrent?: number;
  queueTimeoutMs?: number;
  /** Jobs allowed to wait (default 16); beyond that a job is refused at once ("busy"). */
  maxQueued?: number;
}

interface Slots {
  active: number;
  waiting: { grant: () => void }[];
}
const slots = () => singleton<Slots>("worker.slots", () => ({ active: 0, waiting: [] }));

async function acquire(o: WorkerJobOptions): Promise<() => void> {
  const s = slots();
  const release = () => {
    const next = s.waiting.shift();
    if (next) next.grant();
    else s.active--;
  };
  if (s.active < (o.maxConcurrent ?? 2)) {
    s.active++;
    return release;
  }
  if (s.waiting.length >= (o.maxQueued ?? 16)) throw new WorkerJobError("busy", "queue full");
  return new Promise((resolve, reject) => {
    const waiter = {
      grant: () => {
        clearTimeout(timer);
        resolve(release); // the slot passes from the releasing job to this one
      },
    };
    const timer = setTimeout(() => {
      const k = s.waiting.indexOf(waiter);
      if (k >= 0) s.waiting.splice(k, 1);
      reject(new WorkerJobError("busy", "queue wait timed out"));
    }, o.queueTimeoutMs ?? 30_000);
    s.waiting.push(waiter);
  });
}

/** Runs `script` with `workerData`; resolves with the first message it posts. */
export async function runWorkerJob<T>(script: string, workerData: unknown, o: WorkerJobOptions): Promise<T> {
  const release = await acquire(o);
  try {
    return await new Promise<T>((resolve, reject) => {
      // execArgv: [] — the scripts are plain JavaScript; tsx's loader (inherited otherwise) only slows the start.
      const worker = new Worker(script, { workerData, resourceLimits: o.resourceLimits, execArgv: [] });
      let settled = false;
      // Settles once the worker is gone, so a released slot's heap is really free.
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.terminate().then(fn, fn);
      };
      const timer = setTimeout(() => finish(() => reject(new WorkerJobError("timeout", `worker timed out after ${o.timeoutMs} ms`))), o.timeoutMs);
      worker.once("message", (m: T) => finish(() => resolve(m)));
      worker.once("error", (e: Error & { code?: string }) =>
        finish(() => reject(new WorkerJobError(e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crashed", e.message))));
      worker.once("exit", (code) => finish(() => reject(new WorkerJobError("crashed", `worker exited with code ${code}`))));
    });
  } finally {
    release();
  }
}
