// Server-built HTML → A4 PDF in Debian's Chromium (puppeteer-core). One warm browser per process
// (kept in a process singleton so Remix dev rebuilds don't leak Chromiums), a bounded pool of
// reused pages, JavaScript off, and every request that is not a data: URL aborted: the HTML carries
// user data, so the document must never reach the network or the file system.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer, { type Browser, type HTTPRequest, type Page } from "puppeteer-core";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { footerTemplate, headerTemplate } from "./footer.server";

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

export type PdfErrorCode = "timeout" | "busy" | "launch" | "crashed" | "closed";

/** A render that failed for a reason the caller can show: the message is Chinese, the code stable. */
export class PdfRenderError extends Error {
  constructor(public code: PdfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdfRenderError";
  }
}

interface Slot {
  page: Page;
  /** The render currently using this page (request handler reports to it). */
  current: { blocked: number; onBlocked?: (url: string) => void } | null;
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
  stats: { launches: number; renders: number; failures: number; blockedRequests: number; crashes: number };
  /** Browsers still open (the current one and retired ones finishing their renders). */
  open: Set<BrowserEntry>;
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
    stats: { launches: 0, renders: 0, failures: 0, blockedRequests: 0, crashes: 0 },
    open: new Set(),
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

async function launch(): Promise<BrowserEntry> {
  const s = state();
  const { executablePath, launchTimeoutMs } = s.config;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-pdf-"));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir,
      args: CHROMIUM_ARGS,
      timeout: launchTimeoutMs,
      // The process's own shutdown (closeRenderer) closes it; Chromium dies with Node anyway.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    removeDir(userDataDir);
    throw new PdfRenderError("launch", `无法启动 PDF 渲染浏览器（${executablePath}）：${(e as Error).message}`, { cause: e });
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
  const slot: Slot = { page, current: null };
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
}

// --- rendering --------------------------------------------------------------------------------

/** Fallback margins for documents without an @page rule (the templates' print.css has one);
 * the bottom one leaves room for the footer. */
const MARGIN = { top: "18mm", right: "16mm", bottom: "20mm", left: "16mm" };

const timeoutError = (ms: number, cause?: unknown) =>
  new PdfRenderError("timeout", `生成 PDF 超时（超过 ${Math.round(ms / 1000)} 秒），请稍后重试`, { cause });

async function renderOn(entry: BrowserEntry, html: string, opts: RenderPdfOptions, timeoutMs: number): Promise<Buffer> {
  entry.renders++;
  entry.active++;
  // The page this render uses, once it has one; `abandoned` tells late work that the caller gave up.
  const job: { slot: Slot | null; abandoned: boolean } = { slot: null, abandoned: false };
  let healthy = false;
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    const slot = entry.idle.pop() ?? (await newSlot(entry));
    job.slot = slot;
    if (job.abandoned) throw timeoutError(timeoutMs);
    slot.current = { blocked: 0, onBlocked: opts.onBlocked };
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
    const pdf = await Promise.race([work, timeout]);
    healthy = true;
    return pdf;
  } catch (e) {
    if (e instanceof PdfRenderError) throw e;
    if ((e as Error)?.name === "TimeoutError") throw timeoutError(timeoutMs, e);
    if (entry.crashed || (!entry.closed && !entry.browser.connected)) {
      throw new PdfRenderError("crashed", "PDF 渲染浏览器意外退出，请重试", { cause: e });
    }
    if (entry.closed) throw new PdfRenderError("closed", "PDF 渲染服务已关闭", { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
    entry.active--;
    if (healthy && !entry.retired && !entry.closed) {
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
 * Renders server-built HTML to an A4 PDF. The HTML must be complete (CSS inline, images as data:
 * URLs): JavaScript does not run and every other request is refused. Throws PdfRenderError with a
 * Chinese message on timeout, a full queue, a browser that can't start or that crashed twice.
 */
export async function renderPdf(html: string, opts: RenderPdfOptions = {}): Promise<Buffer> {
  const s = state();
  const timeoutMs = opts.timeoutMs ?? s.config.timeoutMs;
  const epoch = s.epoch;
  await acquire(opts.queueTimeoutMs ?? s.config.queueTimeoutMs);
  try {
    for (let attempt = 0; ; attempt++) {
      if (s.epoch !== epoch) throw new PdfRenderError("closed", "PDF 渲染服务已关闭");
      const entry = await currentBrowser();
      try {
        const pdf = await renderOn(entry, html, opts, timeoutMs);
        s.stats.renders++;
        return pdf;
      } catch (e) {
        // A browser that died under us is replaced once; the document itself is not the cause.
        if (e instanceof PdfRenderError && e.code === "crashed" && attempt === 0) continue;
        s.stats.failures++;
        throw e;
      }
    }
  } finally {
    release();
  }
}

/** Closes every browser and refuses the queued calls (shutdown, tests). A later renderPdf relaunches. */
export async function closeRenderer(): Promise<void> {
  const s = state();
  s.epoch++;
  for (const w of s.waiters.splice(0)) {
    if (w.timer) clearTimeout(w.timer);
    w.reject(new PdfRenderError("closed", "PDF 渲染服务已关闭"));
  }
  const launching = s.launching;
  if (launching) await launching.catch(() => null);
  s.current = null;
  await Promise.all([...s.open].map((e) => closeEntry(e)));
}
