// `npm run worker` as a child process (render workers, decision 013), for the tests that need one.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { children, cmdline } from "./processes";

const ROOT = path.resolve(__dirname, "../..");

export interface RenderWorker { child: ChildProcess; pid: () => number; logs: () => string; exited: Promise<void> }

/** `npm run worker` as a child process, once it says it started. */
export async function startWorker(env: Record<string, string>): Promise<RenderWorker> {
  let out = "";
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/render-worker.ts"], {
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
  // tsx runs the script in a child process of its own: that one owns the Chromium.
  const pid = () => children(child.pid!).find((p) => cmdline(p).includes("render-worker")) ?? child.pid!;
  return { child, pid, logs: () => out, exited };
}

