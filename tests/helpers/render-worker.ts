// `npm run worker` as a child process (render workers, decision 013), for the tests that need one.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface RenderWorker { child: ChildProcess; pid: () => number; logs: () => string; exited: Promise<void>; stop: () => Promise<void> }

/** `npm run worker` as a child process, once it says it started. */
export async function startWorker(env: Record<string, string>): Promise<RenderWorker> {
  let out = "";
  // Node with tsx's loader in the same process (the tsx CLI would run the script in a child of
  // its own, which a SIGKILL of the CLI leaves running): the child is the worker.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/render-worker.ts"], {
    cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 600 && !out.includes("渲染工作进程已启动"); i++) {
    if (child.exitCode !== null) throw new Error(`worker exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!out.includes("渲染工作进程已启动")) throw new Error(`worker did not start:\n${out}`);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  return { child, pid: () => child.pid!, logs: () => out, exited, stop };
}

