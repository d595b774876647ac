// Where a PDF is rendered. RENDER_MODE=inline (the default; one machine, SQLite): in this process,
// in its warm Chromium. RENDER_MODE=worker (Postgres): by render workers (`npm run worker`) — the
// web node puts the HTML in the object store, queues a render job (pg-boss) and waits for the PDF,
// so web nodes launch no Chromium and any number of workers share the renders, a batch export's
// items included (its runner queues them two at a time like any other caller). A single
// 【导出评审表】 is queued ahead of batch items. A worker killed mid-render loses nothing: its job
// expires and another worker renders it again. Decision 013.
import crypto from "node:crypto";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { bossFor } from "~/utils/pg-boss.server";
import { getObjectStore, readObject } from "~/utils/object-store.server";
import { PdfRenderError, renderPdfHere, type RenderPdfOptions } from "./renderer.server";

export const RENDER_QUEUE = "pdf-render";
/** Interactive renders first: a person waits on each, a batch can wait. */
const PRIORITY = { interactive: 10, batch: 0 } as const;
/** How often a waiting web node looks at its job (one indexed lookup). */
const POLL_MS = 100;
const RENDERS_PREFIX = "renders/";

export type RenderOptions = RenderPdfOptions & { priority?: keyof typeof PRIORITY };
type SentOptions = Pick<RenderPdfOptions, "footerText" | "pageNumbers" | "timeoutMs">;
interface RenderJobData { htmlKey: string; opts: SentOptions }
interface RenderJobOutput { pdfKey?: string; blocked?: string[]; error?: { code: PdfRenderError["code"]; message: string } }

const role = () => singleton("render-role", () => ({ worker: false }));

/** This process is a render worker: it renders here whatever the mode. */
export function becomeRenderWorker() {
  role().worker = true;
}

/** Renders complete HTML to a PDF, here or on a worker (see above). Errors as renderPdfHere's. */
export async function renderPdf(html: string, opts: RenderOptions = {}): Promise<Buffer> {
  if (getEnv().renderMode !== "worker" || role().worker) return renderPdfHere(html, opts);
  return renderOnWorker(html, opts);
}

// Maintenance every 10 s: an expired render (its worker was killed) is retried within seconds.
const renderBoss = bossFor("render", { max: 3, schedule: false, maintenanceIntervalSeconds: 10 }, async (b) => {
  await b.createQueue(RENDER_QUEUE, { name: RENDER_QUEUE, retryLimit: 2, retryDelay: 0, expireInSeconds: 60 });
});
const boss = renderBoss.get;

async function renderOnWorker(html: string, opts: RenderOptions): Promise<Buffer> {
  const { timeoutMs = 30_000, queueTimeoutMs = 60_000 } = opts;
  const store = await getObjectStore();
  const id = crypto.randomUUID();
  const htmlKey = `${RENDERS_PREFIX}${id}.html`;
  await store.put(htmlKey, (async function* () { yield Buffer.from(html, "utf8"); })(), { contentType: "text/html" });
  let pdfKey: string | undefined;
  try {
    const b = await boss();
    const data: RenderJobData = { htmlKey, opts: { footerText: opts.footerText, pageNumbers: opts.pageNumbers, timeoutMs } };
    const jobId = await b.send(RENDER_QUEUE, data, {
      priority: PRIORITY[opts.priority ?? "interactive"],
      // A render the worker died in comes back after this; it is also the render's own limit.
      expireInSeconds: Math.ceil(timeoutMs / 1000) + 15,
    });
    if (!jobId) throw new PdfRenderError("failed", "评审表生成任务未能加入队列，请稍后重试");
    // Waiting covers the queue, the render and one retry after a worker died.
    const deadline = Date.now() + queueTimeoutMs + 2 * (timeoutMs + 15_000);
    for (;;) {
      const job = await b.getJobById<RenderJobData>(RENDER_QUEUE, jobId, { includeArchive: true });
      const out = job?.output as RenderJobOutput | undefined;
      if (job?.state === "completed" && out) {
        for (const url of out.blocked ?? []) opts.onBlocked?.(url);
        if (out.error) throw new PdfRenderError(out.error.code, out.error.message);
        pdfKey = out.pdfKey;
        const pdf = pdfKey ? await readObject(store, pdfKey) : null;
        if (!pdf) throw new PdfRenderError("failed", "评审表生成失败，请稍后重试");
        return pdf;
      }
      if (job?.state === "failed" || job?.state === "cancelled") throw new PdfRenderError("failed", "评审表生成失败，请稍后重试");
      if (Date.now() > deadline) {
        await b.cancel(RENDER_QUEUE, jobId).catch(() => {});
        throw new PdfRenderError("busy", "评审表生成排队时间过长，请稍后重试");
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await store.remove(htmlKey).catch(() => {});
    if (pdfKey) await store.remove(pdfKey).catch(() => {});
  }
}

/** One render job, in a worker. A render error a person should see completes the job with it; a
 * crash or a hang throws, so pg-boss tries again (on this worker or another). */
async function runRenderJob(data: RenderJobData): Promise<RenderJobOutput> {
  const store = await getObjectStore();
  const html = await readObject(store, data.htmlKey);
  // The web node gave up and removed it: nothing to do.
  if (!html) return { error: { code: "closed", message: "评审表生成请求已取消" } };
  const blocked: string[] = [];
  try {
    const pdf = await renderPdfHere(html.toString("utf8"), { ...data.opts, onBlocked: (u) => blocked.push(u) });
    const pdfKey = `${RENDERS_PREFIX}${crypto.randomUUID()}.pdf`;
    await store.put(pdfKey, (async function* () { yield pdf; })(), { contentType: "application/pdf" });
    return { pdfKey, blocked };
  } catch (e) {
    if (e instanceof PdfRenderError && (e.code === "timeout" || e.code === "busy")) return { error: { code: e.code, message: e.message }, blocked };
    throw e;
  }
}

/** The worker's side: takes render jobs, `concurrency` at a time (the renderer's own page pool bounds Chromium). */
export async function workRenderQueue(concurrency: number) {
  becomeRenderWorker();
  const b = await boss();
  for (let i = 0; i < concurrency; i++) {
    await b.work<RenderJobData>(RENDER_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: false }, async ([job]) => runRenderJob(job.data));
  }
  return b;
}

/** Render jobs waiting (the metrics' queue depth); none in inline mode. */
export async function renderQueueDepth(): Promise<{ queue: string; state: string; count: number }[]> {
  if (getEnv().renderMode !== "worker") return [];
  return [{ queue: RENDER_QUEUE, state: "queued", count: await (await boss()).getQueueSize(RENDER_QUEUE) }];
}

/** Stops this process's render queue client (shutdown): workers finish the job in hand first. */
export async function stopRenderQueue() {
  await renderBoss.stop({ graceful: true, timeout: 30_000 });
}

/** Render leftovers (a web node that died while waiting) older than an hour. */
export async function sweepRenderLeftovers(now = Date.now()) {
  const store = await getObjectStore();
  let removed = 0;
  for await (const o of store.list(RENDERS_PREFIX)) {
    if (now - o.modified.getTime() < 3600_000) continue;
    await store.remove(o.key);
    removed++;
  }
  return removed;
}
