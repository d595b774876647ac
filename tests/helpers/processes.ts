// Linux /proc helpers for fault tests: which processes exist, their parents and command lines, so
// a test can kill exactly the process it names (the server, one Chromium renderer) and count what
// is left — never by a broad name, since other Chromiums may be running on the machine.
import fs from "node:fs";

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The command line as one string (Chromium's children rewrite their argv into a single
 * space-separated one, so arguments are matched as words of this string). */
export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

export function ppid(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Every live process id (zombies included until reaped). */
export function allPids(): number[] {
  return fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
}

/** Whether a process is alive and not a zombie. */
export function running(pid: number) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export function descendsFrom(pid: number, ancestor: number) {
  for (let p: number | null = pid, i = 0; p && p > 1 && i < 64; p = ppid(p), i++) if (p === ancestor) return true;
  return false;
}

/** Direct children of a process. */
export function children(pid: number): number[] {
  return allPids().filter((p) => ppid(p) === pid);
}

/** Chromium processes (not zombies) whose profile dir carries the renderer's marker for `owner`
 * (the Node process that launched them): `zcps-pdf-p<owner>-…`. */
export function markedChromiums(owner: number): number[] {
  return allPids().filter((p) => running(p) && new RegExp(`--user-data-dir=\\S*/zcps-pdf-p${owner}-`).test(cmdline(p)));
}

/** The renderer processes (the pages' processes) under a Chromium browser process. */
export function rendererPids(browserPid: number): number[] {
  return allPids().filter((p) => running(p) && descendsFrom(p, browserPid) && / --type=renderer /.test(cmdline(p)) && !cmdline(p).includes("--top-chrome-webui"));
}

/** Polls `cond` until it holds or `ms` passes (then throws naming `what`). */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, ms = 30_000, every = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Chromium processes running under `pid` (its browser and their helpers). */
export function chromiumsUnder(pid: number): number[] {
  return allPids().filter((p) => p !== pid && running(p) && descendsFrom(p, pid) && /chromium/.test(cmdline(p)));
}
