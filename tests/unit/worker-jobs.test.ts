// runWorkerJob (app/utils/worker.server.ts): a job answers, or is terminated at its time limit;
// at most maxConcurrent run at once, the rest wait in a bounded queue, beyond it they are refused.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runWorkerJob, WorkerJobError, workerScript } from "~/utils/worker.server";

const ECHO = path.resolve(__dirname, "../fixtures/workers/echo-after.mjs");
const limits = { resourceLimits: { maxOldGenerationSizeMb: 32 } };
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the job to fail"); }, (e: WorkerJobError) => e);

describe("runWorkerJob", () => {
  it("resolves with the worker's answer", async () => {
    expect(await runWorkerJob(ECHO, { ms: 0, value: { a: [1, "二"] } }, { ...limits, timeoutMs: 10_000 })).toEqual({ a: [1, "二"] });
  });

  it("terminates a worker at its time limit", async () => {
    const e = await failure(runWorkerJob(ECHO, { ms: -1 }, { ...limits, timeoutMs: 200 }));
    expect(e).toBeInstanceOf(WorkerJobError);
    expect(e.kind).toBe("timeout");
  });

  it("runs maxConcurrent jobs at once, queues maxQueued, refuses the rest", async () => {
    const o = { ...limits, timeoutMs: 10_000, maxConcurrent: 1, maxQueued: 1 };
    const first = runWorkerJob(ECHO, { ms: 300, value: 1 }, o);
    const second = runWorkerJob(ECHO, { ms: 0, value: 2 }, o);
    const third = await failure(runWorkerJob(ECHO, { ms: 0, value: 3 }, o));
    expect(third).toBeInstanceOf(WorkerJobError);
    expect(third.kind).toBe("busy");
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    // The slots are free again.
    expect(await runWorkerJob(ECHO, { ms: 0, value: 4 }, o)).toBe(4);
  });

  it("gives up waiting for a slot after queueTimeoutMs", async () => {
    const o = { ...limits, timeoutMs: 10_000, maxConcurrent: 1, maxQueued: 4, queueTimeoutMs: 100 };
    const first = runWorkerJob(ECHO, { ms: 500, value: 1 }, o);
    const waited = await failure(runWorkerJob(ECHO, { ms: 0, value: 2 }, o));
    expect(waited.kind).toBe("busy");
    expect(await first).toBe(1);
  });

  it("finds the shipped worker scripts from the source tree", () => {
    expect(workerScript("citation-parse.mjs")).toBe(path.resolve(__dirname, "../../app/workers/citation-parse.mjs"));
  });
});
