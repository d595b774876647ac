// Server-built HTML → A4 PDF in Debian's Chromium (puppeteer-core). One warm browser per process
// (kept in a process singleton so Remix dev rebuilds don't leak Chromiums), a bounded pool of
// reused pages, JavaScript off, and every request that is not a data: URL aborted: the HTML carries
// user data, so the document must never reach the network or the file system.
// The browser's life is tied to this process: it talks over a pipe (Chromium exits when the pipe
// closes, i.e. when Node dies, even by kill -9), is closed after an idle time, and its profile
// directory carries a marker with the owner's pid so that a start-up sweep can kill leftovers.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import puppeteer, { type Browser, type HTTPRequest, type Page } from "puppeteer-core";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { footerTemplate, headerTemplate } from "./footer.server";
import { metrics } from "~/utils/metrics.server";

export interface RendererConfig {
  /** Chromium binary (default getEnv().chromiumPath). */
  executablePath: string;
  /** Pages rendering at once; further renders wait in a queue (default: CPU count, 1–4). */
  maxConcurrentPages: number;
  /** Fresh browser after this many renders, so a slow leak in Chromium can't grow forever. */
  relaunchAfter: number;
  /** Render timeout (setContent + pdf), ms, unless a call passes its own. */
  timeoutMs: number;
  /** How long a call may wait for a free page before it is refused, ms. */
  queueTimeoutMs: number;
  /** Browser launch timeout, ms. */
  launchTimeoutMs: number;
  /** console.warn every blocked URL (truncated). The count is always kept. */
  logBlocked: boolean;
  /** Close the warm browser after this long without a render, ms (0 = keep it); the next render relaunches. */
  idleCloseMs: number;
}

export interface RenderPdfOptions {
  /** Shown at the left of every page footer, e.g. 申报编号 ZC2026-000123 (escaped here). */
  footerText?: string;
  /** Footer with 第 N 页 / 共 M 页 (default true). */
  pageNumbers?: boolean;
  /** Overrides the configured render timeout for this call, ms. */
  timeoutMs?: number;
  /** Overrides the configured queue wait for this call, ms (a batch job may wait longer). */
  queueTimeoutMs?: number;
  /** Called with every URL the document tried to load and was refused. */
  onBlocked?: (url: string) => void;
}

export type PdfErrorCode = "timeout" | "busy" | "launch" | "crashed" | "closed" | "failed";

/** A render that failed for a reason the caller can show: the message is Chinese, the code stable. */
const CLOSED = "PDF 渲染服务已关闭，请稍后重试";

export class PdfRenderError extends Error {
  constructor(public code: PdfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdfRenderError";
  }
}

interface Slot {
  page: Page;
  /** The render currently using this page (request handler reports to it; a crash fails it at once). */
  current: { blocked: number; onBlocked?: (url: string) => void; fail: (e: Error) => void } | null;
  /** The page's renderer process died ("Page crashed!") or the page closed: never reused. */
  dead: boolean;
}

interface BrowserEntry {
  browser: Browser;
  generation: number;
  pid: number | null;
  userDataDir: string;
  renders: number;
  active: number;
  idle: Slot[];
  retired: boolean;
  closed: boolean;
  /** Disconnected without closeEntry asking for it. */
  crashed: boolean;
}

interface State {
  config: RendererConfig;
  current: BrowserEntry | null;
  launching: Promise<BrowserEntry> | null;
  generation: number;
  /** Bumped by closeRenderer: calls from before it don't launch a browser again. */
  epoch: number;
  active: number;
  waiters: { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout | null }[];
  stats: { launches: number; renders: number; failures: number; blockedRequests: number; crashes: number; pageCrashes: number; retries: number; idleCloses: number };
  /** Browsers still open (the current one and retired ones finishing their renders). */
  open: Set<BrowserEntry>;
  /** Closes the warm browser once nothing has rendered for config.idleCloseMs. */
  idleTimer: NodeJS.Timeout | null;
}

function defaultConfig(): RendererConfig {
  const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return {
    executablePath: getEnv().chromiumPath,
    maxConcurrentPages: Math.max(1, Math.min(cpus, 4)),
    relaunchAfter: 200,
    timeoutMs: 30_000,
    queueTimeoutMs: 120_000,
    launchTimeoutMs: 30_000,
    logBlocked: false,
    idleCloseMs: getEnv().pdfBrowserIdleMs,
  };
}

const state = () =>
  singleton<State>("pdf-renderer", () => ({
    config: defaultConfig(),
    current: null,
    launching: null,
    generation: 0,
    epoch: 0,
    active: 0,
    waiters: [],
    stats: { launches: 0, renders: 0, failures: 0, blockedRequests: 0, crashes: 0, pageCrashes: 0, retries: 0, idleCloses: 0 },
    open: new Set(),
    idleTimer: null,
  }));

/** The flags the repo's browser tests use; the profile is a fresh temp dir per launch. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-extensions",
  "--disable-quic",
  // Speculative connections (<link rel=preconnect>, DNS prefetch) bypass request interception.
  "--dns-prefetch-disable",
  // Requests the interception never sees (<link rel=prefetch>, preconnect) still need an address:
  // no host name or IP literal resolves, so they fail before any connection.
  "--host-resolver-rules=MAP * ~NOTFOUND",
  "--disable-features=NetworkPrediction,Translate,MediaRouter,OptimizationHints",
];

/** Changes the renderer's settings (takes effect for the next launch / acquire). */
export function configureRenderer(patch: Partial<RendererConfig>) {
  const s = state();
  s.config = { ...s.config, ...patch };
  pump();
  scheduleIdleClose();
}

export function rendererConfig(): Readonly<RendererConfig> {
  return { ...state().config };
}

/** Counters for health pages, logs and tests. */
export function rendererStats() {
  const s = state();
  return {
    ...s.stats,
    active: s.active,
    queued: s.waiters.length,
    generation: s.current?.generation ?? null,
    browserPid: s.current?.pid ?? null,
    rendersOnBrowser: s.current?.renders ?? 0,
    openBrowsers: s.open.size,
  };
}

// --- browser lifecycle ------------------------------------------------------------------------

/** The profile directory's name: `zcps-pdf-p<owner pid>-XXXXXX`. Every Chromium process (browser,
 * zygotes, renderers) carries it in --user-data-dir, which is how the sweep finds ours. */
const MARKER = /^zcps-pdf-p(\d+)-/;
const PROFILE_ARG = /--user-data-dir=\S*\/zcps-pdf-p(\d+)-/;

async function launch(): Promise<BrowserEntry> {
  const s = state();
  const { executablePath, launchTimeoutMs } = s.config;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `zcps-pdf-p${process.pid}-`));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir,
      args: CHROMIUM_ARGS,
      timeout: launchTimeoutMs,
      // DevTools over fds 3/4 instead of a WebSocket: when this process dies, even by SIGKILL, the
      // pipe closes and Chromium shuts down with all its children (a WebSocket browser lives on,
      // reparented to PID 1).
      pipe: true,
      // The process's own shutdown (closeRenderer) closes it.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    removeDir(userDataDir);
    // The cause (path, Chromium's output) is for the log; the user gets a Chinese retry hint.
    console.error(`[pdf] cannot launch ${executablePath}:`, e);
    throw new PdfRenderError("launch", "PDF 渲染服务暂时无法启动，请稍后重试", { cause: e });
  }
  const entry: BrowserEntry = {
    browser,
    generation: ++s.generation,
    pid: browser.process()?.pid ?? null,
    userDataDir,
    renders: 0,
    active: 0,
    idle: [],
    retired: false,
    closed: false,
    crashed: false,
  };
  s.stats.launches++;
  s.open.add(entry);
  browser.once("disconnected", () => {
    if (!entry.closed) {
      s.stats.crashes++;
      entry.crashed = true;
    }
    entry.closed = true;
    s.open.delete(entry);
    if (s.current === entry) s.current = null;
    removeDir(userDataDir);
  });
  return entry;
}

function removeDir(dir: string) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Chromium may still be writing its last files; the OS temp cleaner gets the rest.
  }
}

/** The warm browser, launching one when there is none (or it crashed, or it has done its N renders). */
async function currentBrowser(): Promise<BrowserEntry> {
  const s = state();
  const cur = s.current;
  if (cur && !cur.closed && cur.browser.connected && cur.renders < s.config.relaunchAfter) return cur;
  if (cur) retire(cur);
  if (!s.launching) {
    s.launching = launch().then(
      (entry) => {
        s.current = entry;
        s.launching = null;
        return entry;
      },
      (e) => {
        s.launching = null;
        throw e;
      },
    );
  }
  return s.launching;
}

function retire(entry: BrowserEntry) {
  const s = state();
  entry.retired = true;
  if (s.current === entry) s.current = null;
  if (entry.active === 0) void closeEntry(entry);
}

async function closeEntry(entry: BrowserEntry) {
  if (entry.closed) return;
  entry.closed = true;
  state().open.delete(entry);
  try {
    await entry.browser.close();
  } catch {
    entry.browser.process()?.kill("SIGKILL");
  }
  removeDir(entry.userDataDir);
}

async function newSlot(entry: BrowserEntry): Promise<Slot> {
  const page = await entry.browser.newPage();
  const slot: Slot = { page, current: null, dead: false };
  // A crashed page never answers again (setContent hangs until the protocol timeout): mark it so
  // the pool drops it, and fail the render on it now so that it is retried on a fresh page.
  page.on("error", () => {
    if (!slot.dead) state().stats.pageCrashes++;
    slot.dead = true;
    slot.current?.fail(pageCrashed());
  });
  page.once("close", () => {
    slot.dead = true;
    slot.current?.fail(pageCrashed());
  });
  try {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
  } catch (e) {
    void page.close().catch(() => {});
    throw e;
  }
  page.on("request", (req: HTTPRequest) => {
    const url = req.url();
    if (url.startsWith("data:")) {
      void req.continue().catch(() => {});
      return;
    }
    // A refused navigation (<meta http-equiv=refresh>, a frame) would replace the document with
    // Chromium's error page; a 204 answer cancels it and keeps the document. Nothing leaves Chromium.
    if (req.isNavigationRequest()) void req.respond({ status: 204, body: "" }).catch(() => {});
    else void req.abort("blockedbyclient").catch(() => {});
    state().stats.blockedRequests++;
    const render = slot.current;
    if (render) {
      render.blocked++;
      try {
        render.onBlocked?.(url);
      } catch {
        // A caller's logging must not break the render.
      }
    }
    if (state().config.logBlocked) console.warn(`[pdf] blocked request: ${url.slice(0, 200)}`);
  });
  return slot;
}

// --- concurrency ------------------------------------------------------------------------------

function pump() {
  const s = state();
  while (s.waiters.length && s.active < s.config.maxConcurrentPages) {
    const w = s.waiters.shift()!;
    if (w.timer) clearTimeout(w.timer);
    s.active++;
    w.resolve();
  }
}

function acquire(queueTimeoutMs: number): Promise<void> {
  const s = state();
  cancelIdleClose();
  if (s.active < s.config.maxConcurrentPages && s.waiters.length === 0) {
    s.active++;
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const w = { resolve, reject, timer: null as NodeJS.Timeout | null };
    if (Number.isFinite(queueTimeoutMs)) {
      w.timer = setTimeout(() => {
        const i = s.waiters.indexOf(w);
        if (i >= 0) s.waiters.splice(i, 1);
        reject(new PdfRenderError("busy", `PDF 生成繁忙，排队超过 ${Math.round(queueTimeoutMs / 1000)} 秒，请稍后重试`));
      }, queueTimeoutMs);
    }
    s.waiters.push(w);
  });
}

function release() {
  state().active--;
  pump();
  scheduleIdleClose();
}

function cancelIdleClose() {
  const s = state();
  if (s.idleTimer) clearTimeout(s.idleTimer);
  s.idleTimer = null;
}

/** Nothing rendering or waiting: the warm browser (~1 GB) goes after idleCloseMs, relaunched on demand. */
function scheduleIdleClose() {
  const s = state();
  cancelIdleClose();
  if (!s.config.idleCloseMs || s.active > 0 || s.waiters.length || !s.current) return;
  s.idleTimer = setTimeout(() => {
    s.idleTimer = null;
    if (s.active > 0 || s.waiters.length || s.launching || !s.current) return;
    s.stats.idleCloses++;
    retire(s.current);
  }, s.config.idleCloseMs);
  s.idleTimer.unref();
}

// --- rendering --------------------------------------------------------------------------------

/** Fallback margins for documents without an @page rule (the templates' print.css has one);
 * the bottom one leaves room for the footer. */
const MARGIN = { top: "18mm", right: "16mm", bottom: "20mm", left: "16mm" };

const timeoutError = (ms: number, cause?: unknown) =>
  new PdfRenderError("timeout", `生成 PDF 超时（超过 ${Math.round(ms / 1000)} 秒），请稍后重试`, { cause });
const pageCrashed = () => new PdfRenderError("crashed", "PDF 渲染进程意外退出，请稍后重试");

/** A page's renderer dying while the page is being created (or a new page handed the pool's spare
 * renderer process just killed, before Chromium noticed) leaves newPage() waiting for answers that
 * never come, with no crash event (the page object doesn't exist yet): give up after this long and
 * open another. Opening a page normally takes well under a second. */
const PAGE_OPEN_MS = 5_000;

async function openSlot(entry: BrowserEntry, timeoutMs: number): Promise<Slot> {
  // A render budget this short is the render timeout's to enforce.
  if (timeoutMs <= 2 * PAGE_OPEN_MS) return newSlot(entry);
  for (let tries = 1; ; tries++) {
    let timer: NodeJS.Timeout | undefined;
    const opening = newSlot(entry);
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), PAGE_OPEN_MS)));
    const slot = await Promise.race([opening, late]).finally(() => clearTimeout(timer));
    if (slot) return slot;
    // Closed if it does open after all.
    opening.then((opened) => void opened.page.close().catch(() => {}), () => {});
    if (tries === 2 || entry.closed) throw pageCrashed();
  }
}

/** An idle page of the pool, dropping (closing) any that crashed while idle. */
function takeIdle(entry: BrowserEntry): Slot | null {
  for (let slot = entry.idle.pop(); slot; slot = entry.idle.pop()) {
    if (!slot.dead && !slot.page.isClosed()) return slot;
    void slot.page.close().catch(() => {});
  }
  return null;
}

async function renderOn(entry: BrowserEntry, html: string, opts: RenderPdfOptions, timeoutMs: number, fresh: boolean): Promise<Buffer> {
  entry.renders++;
  entry.active++;
  // The page this render uses, once it has one; `abandoned` tells late work that the caller gave up.
  const job: { slot: Slot | null; abandoned: boolean } = { slot: null, abandoned: false };
  let healthy = false;
  let timer: NodeJS.Timeout | undefined;
  // Rejected by the page's crash handler: a crashed page would otherwise hang until the timeout.
  let fail!: (e: Error) => void;
  const crashed = new Promise<never>((_, reject) => (fail = reject));
  crashed.catch(() => {});
  const work = (async () => {
    // A retry takes a new page: the pool's others may share the renderer process that just died.
    const slot = (fresh ? null : takeIdle(entry)) ?? (await openSlot(entry, timeoutMs));
    job.slot = slot;
    if (job.abandoned) throw timeoutError(timeoutMs);
    slot.current = { blocked: 0, onBlocked: opts.onBlocked, fail };
    if (slot.dead) throw pageCrashed();
    await slot.page.setContent(html, { waitUntil: "load", timeout: timeoutMs });
    const pageNumbers = opts.pageNumbers !== false;
    const pdf = await slot.page.pdf({
      format: "A4",
      printBackground: true,
      preferCSSPageSize: true,
      margin: MARGIN,
      displayHeaderFooter: pageNumbers || !!opts.footerText,
      headerTemplate: headerTemplate(),
      footerTemplate: footerTemplate({ text: opts.footerText, pageNumbers }),
      timeout: timeoutMs,
    });
    return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  })();
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
    });
    const pdf = await Promise.race([work, timeout, crashed]);
    healthy = !job.slot?.dead;
    return pdf;
  } catch (e) {
    if (e instanceof PdfRenderError) throw e;
    if ((e as Error)?.name === "TimeoutError") throw timeoutError(timeoutMs, e);
    if (entry.crashed || (!entry.closed && !entry.browser.connected)) {
      throw new PdfRenderError("crashed", "PDF 渲染浏览器意外退出，请稍后重试", { cause: e });
    }
    if (entry.closed) throw new PdfRenderError("closed", CLOSED, { cause: e });
    if (job.slot?.dead) throw new PdfRenderError("crashed", pageCrashed().message, { cause: e });
    // Anything else Chromium threw (a protocol error, a detached frame): retried once on a fresh
    // page by renderPdf, then a Chinese 503 — the stack is for the log only.
    console.error("[pdf] render failed:", e);
    throw new PdfRenderError("failed", "生成 PDF 失败，请稍后重试", { cause: e });
  } finally {
    clearTimeout(timer);
    entry.active--;
    if (healthy && !entry.retired && !entry.closed && !job.slot!.dead) {
      job.slot!.current = null;
      entry.idle.push(job.slot!);
    } else {
      // A page that failed or timed out may be mid-navigation: close it (which also ends its
      // pending work) rather than reuse it; one still being created is closed when it arrives.
      job.abandoned = true;
      const drop = () => void job.slot?.page.close().catch(() => {});
      if (job.slot) drop();
      else work.then(drop, drop);
    }
    if (entry.renders >= state().config.relaunchAfter && !entry.retired) retire(entry);
    else if (entry.retired && entry.active === 0) void closeEntry(entry);
  }
}

/**
 * Renders server-built HTML to an A4 PDF in this process (render.server.ts decides where to render). The HTML must be complete (CSS inline, images as data:
 * URLs): JavaScript does not run and every other request is refused. Throws PdfRenderError with a
 * Chinese message on timeout, a full queue, a browser that can't start or that crashed twice.
 */
export async function renderPdfHere(html: string, opts: RenderPdfOptions = {}): Promise<Buffer> {
  const end = metrics.renderDuration.startTimer();
  try {
    const pdf = await renderQueued(html, opts);
    end({ outcome: "ok" });
    return pdf;
  } catch (e) {
    end({ outcome: e instanceof PdfRenderError ? e.code : "error" });
    throw e;
  }
}

async function renderQueued(html: string, opts: RenderPdfOptions): Promise<Buffer> {
  const s = state();
  const timeoutMs = opts.timeoutMs ?? s.config.timeoutMs;
  const epoch = s.epoch;
  await acquire(opts.queueTimeoutMs ?? s.config.queueTimeoutMs);
  try {
    for (let attempt = 0; ; attempt++) {
      if (s.epoch !== epoch) throw new PdfRenderError("closed", CLOSED);
      const entry = await currentBrowser();
      try {
        const pdf = await renderOn(entry, html, opts, timeoutMs, attempt > 0);
        s.stats.renders++;
        return pdf;
      } catch (e) {
        // A page or browser that died under us is replaced once (on a fresh page; currentBrowser
        // relaunches a dead browser); a timeout or a full queue is not retried.
        if (e instanceof PdfRenderError && (e.code === "crashed" || e.code === "failed") && attempt === 0) {
          s.stats.retries++;
          continue;
        }
        s.stats.failures++;
        throw e;
      }
    }
  } finally {
    release();
  }
}

/** Closes every browser and refuses the queued calls (shutdown, tests). A later render relaunches. */
export async function closeRenderer(): Promise<void> {
  const s = state();
  s.epoch++;
  cancelIdleClose();
  for (const w of s.waiters.splice(0)) {
    if (w.timer) clearTimeout(w.timer);
    w.reject(new PdfRenderError("closed", CLOSED));
  }
  const launching = s.launching;
  if (launching) await launching.catch(() => null);
  s.current = null;
  await Promise.all([...s.open].map((e) => closeEntry(e)));
}

// --- leftovers of a killed process ---------------------------------------------------------------

function ppidOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …" — comm may hold spaces and parentheses.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

function descendsFrom(pid: number, ancestor: number) {
  for (let p: number | null = pid, i = 0; p && p > 1 && i < 64; p = ppidOf(p), i++) if (p === ancestor) return true;
  return false;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Kills Chromium processes of this app (profile dir `zcps-pdf-p<pid>-…`) that are no longer
 * descendants of the Node process that launched them (it was killed and they were reparented; a
 * reused pid does not save them), and removes profile dirs whose owner is gone. Browsers of live
 * processes (cluster siblings, other servers, tests) are left alone. Linux (/proc) only.
 */
export async function sweepOrphanedBrowsers(): Promise<{ killed: number[]; removedDirs: string[] }> {
  const killed: number[] = [];
  const removedDirs: string[] = [];
  if (process.platform !== "linux") return { killed, removedDirs };
  for (const name of await fsp.readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    // Chromium's child processes rewrite their argv into one space-separated string.
    const args = await fsp.readFile(`/proc/${pid}/cmdline`, "utf8").then((c) => c.replace(/\0/g, " "), () => "");
    const owner = PROFILE_ARG.exec(args);
    if (!owner || descendsFrom(pid, Number(owner[1]))) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // Gone already, or not ours to kill.
    }
  }
  // A killed browser's processes take a moment to go; removing its profile while they still
  // write to it fails (ENOTEMPTY). Bounded: a zombie nobody reaps must not hold the sweep.
  for (let waited = 0; waited < 3000 && killed.some((pid) => alive(pid)); waited += 50) await new Promise((r) => setTimeout(r, 50));
  const tmp = os.tmpdir();
  for (const name of await fsp.readdir(tmp).catch(() => [] as string[])) {
    const owner = MARKER.exec(name);
    if (!owner || alive(Number(owner[1]))) continue;
    const dir = path.join(tmp, name);
    // Another server starting at the same moment may be removing it too: gone is removed.
    await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 }).then(
      () => removedDirs.push(name),
      () => fsp.access(dir).then(() => {}, () => removedDirs.push(name)),
    );
  }
  if (killed.length) console.warn(`[pdf] killed ${killed.length} leftover Chromium process(es) of a previous server`);
  return { killed, removedDirs };
}
