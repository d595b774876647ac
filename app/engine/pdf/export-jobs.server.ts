// Staff batch export (批量导出评审表): selected applications, or a whole filtered queue, become a
// background job that renders each review form and writes one ZIP of PDFs named by application
// number and name. On Postgres the job goes through pg-boss (survives a restart, shared by every
// server process); on SQLite (one machine by nature) an in-process queue runs it. Progress
// (done / failed of total, and each error) lives in export_jobs, so any process can answer a poll.
// One unfinished job per user (a partial unique index) and at most EXPORT_MAX applications a job.
// A running job writes a heartbeat; one whose runner went silent (server or worker killed) is
// restarted from scratch by whichever process notices first (MAX_ATTEMPTS runs, then failed), its
// partial ZIP removed. Every write of a run is conditional on its own `runner` token, so a run that
// was taken over stops instead of racing its successor.
import crypto from "node:crypto";
import type { Readable } from "node:stream";
import { col, fn, Op, type WhereOptions } from "sequelize";
import type PgBoss from "pg-boss";
import yazl from "yazl";
import type { ApplicationAttrs, ExportJobAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { may, type Person } from "~/engine/people/roles";
import { dbId, isDbId } from "~/utils/ints.server";
import { loadReviewerScope } from "~/engine/people/scope.server";
import { singleton } from "~/utils/singleton.server";
import { bossFor } from "~/utils/pg-boss.server";
import { getObjectStore } from "~/utils/object-store.server";
import { metrics } from "~/utils/metrics.server";
import { fileNamePart } from "../file-storage.server";
import { cnDate } from "../templates.server";
import { getForStaff, queueWhere, type QueueFilters } from "../workflow/review.server";
import { PdfRenderError, type PdfErrorCode } from "./renderer.server";
import { renderReviewForm } from "./review-form.server";

/** Applications one job may hold. */
export const EXPORT_MAX = 500;
/** How long a finished ZIP stays downloadable. */
export const EXPORT_KEEP_MS = 24 * 60 * 60 * 1000;
/** pg-boss's own expiry of a fetched job: only a backstop, the heartbeat decides (it is far shorter). */
const PG_BOSS_EXPIRE_S = 30 * 60;
/** Runs of one job (the first and automatic restarts) before it is failed for good. */
export const MAX_ATTEMPTS = 3;
/** Forms rendered at once by one job: two in this process's renderer (its page pool is shared with
 * single downloads); four queued for render workers, so two or more workers share one batch. */
const jobConcurrency = () => (getEnv().renderMode === "worker" ? 4 : 2);
const QUEUE = "review-form-export";
/** Who may export review forms: whoever decides applications (and so reads them). */
export const isExportRole = (role: string) => may(role, "applications");

export const STATUS_LABEL: Record<ExportJobAttrs["status"], string> = { queued: "排队中", running: "导出中", done: "已完成", failed: "导出失败" };

/** Where the ZIPs live in the object store. */
const EXPORTS_PREFIX = "exports/";

// ---- what to export ---------------------------------------------------------------------------

function idsFrom(raw: unknown): number[] {
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(",").filter(Boolean) : [];
  const ids = list.map(Number);
  if (ids.some((n) => !isDbId(n))) throw new UserError("提交的数据格式不正确");
  return [...new Set(ids)];
}

/** The staff queue's filters from its query string (the queue page's own parameter names). */
export function filtersFrom(raw: unknown): QueueFilters {
  const p = typeof raw === "string" ? new URLSearchParams(raw.replace(/^\?/, ""))
    : new URLSearchParams(Object.entries(raw && typeof raw === "object" ? raw as Record<string, unknown> : {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
  const num = (k: string) => dbId(p.get(k));
  const date = (k: string) => { const v = p.get(k); return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null; };
  const status = p.get("status");
  return {
    view: p.get("view") === "all" ? "all" : "todo",
    planId: num("plan") ?? num("planId"), titleSeriesId: num("series") ?? num("titleSeriesId"), unitId: num("unit") ?? num("unitId"),
    status: status && ["submitted", "returned", "approved", "rejected"].includes(status) ? status : null,
    from: date("from"), to: date("to"), q: (p.get("q") ?? "").trim().slice(0, 50), offset: 0, pageSize: 0,
  };
}

const tooMany = (n: number) => new UserError(`一次最多导出 ${EXPORT_MAX} 份评审表，当前为 ${n} 份，请缩小范围后分批导出`, 422);

/** The application ids of a request: {ids} (each must be visible to the viewer) or {filters}. */
async function resolveIds(db: Db, viewer: Person, input: { ids?: unknown; filters?: unknown }) {
  const scope = await loadReviewerScope(db, viewer);
  const order: [string, string][] = [["submittedAt", "ASC"], ["id", "ASC"]];
  if (input.ids !== undefined && input.ids !== null && input.ids !== "") {
    const ids = idsFrom(input.ids);
    if (!ids.length) throw new UserError("请先勾选要导出的申报", 422);
    if (ids.length > EXPORT_MAX) throw tooMany(ids.length);
    const visible = await queueWhere(db, scope, { view: "all", q: "", offset: 0, pageSize: 0 });
    const rows = await db.models.Application.findAll({ where: { [Op.and]: [visible, { id: { [Op.in]: ids } }] } as WhereOptions<ApplicationAttrs>, attributes: ["id"], order, raw: true });
    if (rows.length !== ids.length) throw new UserError(`所选申报中有 ${ids.length - rows.length} 份不存在或不在您的范围内，请刷新页面后重新选择`, 404);
    return rows.map((r) => r.id);
  }
  if (input.filters === undefined || input.filters === null) throw new UserError("请先勾选要导出的申报，或按筛选条件导出", 422);
  const where = await queueWhere(db, scope, filtersFrom(input.filters));
  const total = await db.models.Application.count({ where });
  if (!total) throw new UserError("没有符合筛选条件的申报", 422);
  if (total > EXPORT_MAX) throw tooMany(total);
  return (await db.models.Application.findAll({ where, attributes: ["id"], order, raw: true })).map((r) => r.id);
}

// ---- jobs -------------------------------------------------------------------------------------

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

// `runner`: "pg-boss" (queued in pg-boss), "local:<pid>:<boot>" (queued in that process's in-memory
// queue, SQLite) or "<kind>:<pid>:<boot>:<run>" while running. The boot id tells this process from
// an earlier one that had the same pid (a restarted container often gets the same pid back).
const BOOT = () => singleton("export-boot", () => crypto.randomBytes(6).toString("base64url"));
const localRunner = () => `local:${process.pid}:${BOOT()}`;
const RUNNER = /^(local|pg-boss):(\d+)(?::([\w-]+))?/;

const heartbeatTimeout = () => getEnv().exportHeartbeatTimeoutMs;
/** A few beats per timeout, so one slow write doesn't make a live job look dead. */
const heartbeatEvery = () => Math.max(200, Math.floor(heartbeatTimeout() / 4));

type JobRow = Pick<ExportJobAttrs, "id" | "status" | "runner" | "heartbeatAt" | "updatedAt" | "attempts">;

/** Whether an unfinished job's runner is gone. A job queued in pg-boss is pg-boss's to run. */
function isDead(r: JobRow, now: number) {
  const m = RUNNER.exec(r.runner ?? "");
  const silent = now - new Date(r.heartbeatAt ?? r.updatedAt).getTime() > heartbeatTimeout();
  if (r.status === "running" && silent) return true;
  if (!m || m[1] !== "local" || m[3] === BOOT()) return false;
  // In-process runners (SQLite) live on this machine: an earlier incarnation of this pid, or a pid
  // that is gone, means the job's process died; another live process must keep beating.
  const pid = Number(m[2]);
  return pid === process.pid || !pidAlive(pid) || silent;
}

/** Half-written ZIPs of dead runners (on the disk driver; an S3 multipart upload is never visible). */
async function removeParts() {
  await (await getObjectStore()).sweepPartials().catch((e: Error) => console.error("[export] sweep:", e.message));
}

/**
 * Restarts the unfinished jobs (of `where`) whose runner is gone, so neither the job nor its user's
 * one-job lock waits for pg-boss's 30-minute expiry; a job that already used MAX_ATTEMPTS runs fails.
 */
async function reapStale(db: Db, where: WhereOptions<ExportJobAttrs>) {
  const rows = await db.models.ExportJob.findAll({ where: { [Op.and]: [where, { status: { [Op.in]: ["queued", "running"] } }] }, attributes: ["id", "status", "runner", "heartbeatAt", "updatedAt", "attempts"], raw: true });
  const now = Date.now();
  for (const r of rows) {
    if (!isDead(r, now)) continue;
    // Conditional on the runner seen: of several processes noticing at once, one wins.
    const mine = { where: { id: r.id, status: r.status, runner: r.runner } };
    if (r.attempts >= MAX_ATTEMPTS) {
      const [n] = await db.models.ExportJob.update({ status: "failed", message: "导出任务多次因服务中断而未能完成，请重新导出", finishedAt: new Date(), heartbeatAt: null }, mine);
      if (n) await removeParts();
      continue;
    }
    const usePgBoss = db.sequelize.getDialect() === "postgres";
    const [n] = await db.models.ExportJob.update({ status: "queued", runner: usePgBoss ? "pg-boss" : localRunner(), heartbeatAt: new Date(), done: 0, failed: 0, errors: [], message: null }, mine);
    if (!n) continue;
    console.warn(`[export ${r.id}] runner ${r.runner} is gone: restarting the job (run ${r.attempts + 1} of ${MAX_ATTEMPTS})`);
    await removeParts();
    await enqueue(db, r.id);
  }
}

/** Deletes ZIPs past their keep time (the rows stay, as history). */
async function purgeExpired(db: Db) {
  const rows = await db.models.ExportJob.findAll({ where: { expiresAt: { [Op.lt]: new Date() }, fileName: { [Op.ne]: null } }, attributes: ["id", "fileName"], raw: true });
  for (const r of rows) {
    await (await getObjectStore()).remove(EXPORTS_PREFIX + r.fileName!).catch(() => {});
    await db.models.ExportJob.update({ fileName: null }, { where: { id: r.id } });
  }
}

const BUSY = "您已有一个导出任务正在进行，请等待其完成后再导出";

/**
 * 批量导出评审表: {ids} (selected rows) or {filters} (the whole filtered queue, its query string).
 * Refused: not staff (404), nothing / too many (422), an id out of scope (404), another
 * unfinished job of the same user (409). Returns the new job's id; the work runs in the background.
 */
export async function startExport(db: Db, viewer: Person, input: { ids?: unknown; filters?: unknown }) {
  if (!isExportRole(viewer.role)) throw new UserError("页面不存在或您无权查看", 404);
  const ids = await resolveIds(db, viewer, input);
  await reapStale(db, { userId: viewer.id });
  await purgeExpired(db).catch(() => {});
  const usePgBoss = db.sequelize.getDialect() === "postgres";
  let job: ExportJobAttrs;
  try {
    job = (await db.models.ExportJob.create({
      userId: viewer.id, status: "queued", applicationIds: ids, total: ids.length, errors: [],
      runner: usePgBoss ? "pg-boss" : localRunner(), heartbeatAt: new Date(),
    })).get({ plain: true });
  } catch (e) {
    if ((e as Error).name === "SequelizeUniqueConstraintError") {
      const active = await db.models.ExportJob.findOne({ where: { userId: viewer.id, status: { [Op.in]: ["queued", "running"] } }, attributes: ["done", "total"], raw: true });
      throw new UserError(active ? `${BUSY}（当前任务已处理 ${active.done} / ${active.total} 份）` : BUSY, 409);
    }
    throw e;
  }
  await enqueue(db, job.id, true);
  return { id: job.id, total: ids.length };
}

/** Hands a queued job to pg-boss (Postgres) or this process's queue (SQLite). */
async function enqueue(db: Db, jobId: number, rethrow = false) {
  try {
    if (db.sequelize.getDialect() === "postgres") await (await pgBoss(db)).send(QUEUE, { jobId }, { retryLimit: 1, expireInSeconds: PG_BOSS_EXPIRE_S });
    else enqueueLocal(db, jobId);
  } catch (e) {
    console.error(`[export ${jobId}] cannot enqueue:`, e);
    await db.models.ExportJob.update({ status: "failed", message: "导出任务无法加入队列，请稍后重试", finishedAt: new Date() }, { where: { id: jobId, status: "queued" } });
    if (rethrow) throw e;
  }
}

/** `Number_Name.pdf`, unique within the ZIP. Only the applicant's name is user text: it is cleaned
 * on its own (a `/` in it must not cut the number off), and the number always leads. */
export function entryName(app: Pick<ApplicationAttrs, "id" | "number" | "applicantName">, used: Set<string>) {
  const person = fileNamePart(app.applicantName, 60);
  const base = `${fileNamePart(app.number, 40) || `申报${app.id}`}${person ? `_${person}` : ""}`;
  let name = `${base}.pdf`;
  for (let i = 2; used.has(name); i++) name = `${base}(${i}).pdf`;
  used.add(name);
  return name;
}

/** Render failures worth a second try of the same application in a batch (the renderer has
 * replaced what broke; a timeout may be a page that hung as its renderer died). */
const TRANSIENT: PdfErrorCode[] = ["crashed", "failed", "launch", "timeout"];

/**
 * Runs one job: claims it (queued → running, with this run's runner token), then every application
 * re-checked against the owner's scope now, rendered, added to the ZIP; progress and a heartbeat
 * written as it goes. A run whose claim was taken over (its heartbeat went missing) stops and
 * removes its partial ZIP. Starting again (a restart or a pg-boss retry) starts over.
 */
export async function runExport(db: Db, jobId: number) {
  const job = (await db.models.ExportJob.findByPk(jobId))?.get({ plain: true });
  if (!job || job.status !== "queued") return;
  const kind = job.runner === "pg-boss" ? "pg-boss" : "local";
  const runner = `${kind}:${process.pid}:${BOOT()}:${crypto.randomBytes(4).toString("hex")}`;
  const [claimed] = await db.models.ExportJob.update(
    { status: "running", runner, attempts: job.attempts + 1, startedAt: new Date(), heartbeatAt: new Date(), done: 0, failed: 0, errors: [], message: null },
    { where: { id: jobId, status: "queued", runner: job.runner, attempts: job.attempts } },
  );
  if (!claimed) return;
  const own = { where: { id: jobId, runner } };
  /** Set once an update finds the job no longer ours (restarted elsewhere): stop, write nothing. */
  let lost = false;
  const write = async (values: Partial<ExportJobAttrs>) => {
    if (lost) return;
    const [n] = await db.models.ExportJob.update({ ...values, heartbeatAt: new Date() }, own);
    if (!n) lost = true;
  };

  const user = await db.models.User.findByPk(job.userId, { attributes: ["id", "role"], raw: true });
  const timer = metrics.jobDuration.startTimer({ queue: QUEUE });
  let outcome = "failed";
  const errors: ExportJobAttrs["errors"] = [];
  let done = 0;
  const store = await getObjectStore();
  const fileName = `export-${jobId}-${crypto.randomBytes(12).toString("base64url")}.zip`;
  const key = EXPORTS_PREFIX + fileName;
  const zip = new yazl.ZipFile();
  // The ZIP streams into the store as it is built; a failed run abandons the write (nothing stays).
  const written = store.put(key, zip.outputStream as AsyncIterable<Uint8Array>, { contentType: "application/zip" });
  written.catch(() => {});
  const used = new Set<string>();
  let last = 0;
  const progress = async (force = false) => {
    // Every form on small jobs; at most every 500 ms on big ones (each update is a write).
    if (!force && job.total > 50 && Date.now() - last < 500) return;
    last = Date.now();
    await write({ done, failed: errors.length, errors });
  };
  // From here on the run beats until it ends (if anything above threw, the job simply goes silent
  // and is restarted like one whose process died).
  const beat = setInterval(() => void write({}).catch((e) => console.error(`[export ${jobId}] heartbeat:`, e.message)), heartbeatEvery());
  beat.unref();
  try {
    const queue = [...job.applicationIds];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !lost; id = queue.shift()) {
        const src = user ? await getForStaff(db, { id: user.id, role: user.role }, id) : null;
        for (let attempt = 0; ; attempt++) {
          try {
            if (!src) throw new UserError("申报不存在或已不在您的范围内");
            const { pdf } = await renderReviewForm(db, src, { queueTimeoutMs: 10 * 60_000, priority: "batch" });
            zip.addBuffer(pdf, entryName(src.app, used), { compress: false, mtime: new Date() });
          } catch (e) {
            // A crashed page or browser, or a hang: the form gets one more try.
            if (attempt === 0 && e instanceof PdfRenderError && TRANSIENT.includes(e.code)) continue;
            const message = e instanceof UserError || e instanceof PdfRenderError ? e.message : "生成评审表时出错";
            if (!(e instanceof UserError)) console.error(`[export ${jobId}] application ${id}:`, e);
            errors.push({ id, number: src?.app.number ?? null, name: src?.app.applicantName ?? null, message });
          }
          break;
        }
        done++;
        await progress();
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobConcurrency(), queue.length) }, worker));
    zip.end();
    const { size } = await written;
    if (lost) {
      outcome = "lost";
      await store.remove(key);
      return;
    }
    const ok = done - errors.length;
    if (ok === 0) {
      await store.remove(key);
      await write({ status: "failed", done, failed: errors.length, errors, message: "没有成功生成任何评审表", finishedAt: new Date() });
      return;
    }
    outcome = lost ? "lost" : "done";
    await write({
      status: "done", done, failed: errors.length, errors, fileName, fileSize: size, finishedAt: new Date(), expiresAt: new Date(Date.now() + EXPORT_KEEP_MS),
      message: errors.length ? `已导出 ${ok} 份，${errors.length} 份失败` : `已导出 ${ok} 份`,
    });
    if (lost) await store.remove(key);
  } catch (e) {
    console.error(`[export ${jobId}] failed:`, e);
    // Breaking the ZIP stream abandons the write; remove it too in case it had already completed.
    (zip.outputStream as Readable).destroy(new Error("export failed"));
    await written.catch(() => {});
    await store.remove(key).catch(() => {});
    await write({ status: "failed", done, failed: errors.length, errors, message: "导出任务失败，请重新导出", finishedAt: new Date() }).catch(() => {});
  } finally {
    clearInterval(beat);
    timer({ outcome });
  }
}

// ---- queues -----------------------------------------------------------------------------------

/** SQLite: jobs run one after another in this process; the waiting ones get heartbeats too, so
 * another process can tell this queue is alive. */
function enqueueLocal(db: Db, jobId: number) {
  const q = singleton("export-local-queue", () => ({ pending: [] as number[], running: false }));
  if (!q.pending.includes(jobId)) q.pending.push(jobId);
  if (q.running) return;
  q.running = true;
  const beat = setInterval(() => {
    if (q.pending.length) void db.models.ExportJob.update({ heartbeatAt: new Date() }, { where: { id: { [Op.in]: q.pending }, status: "queued", runner: localRunner() } }).catch(() => {});
  }, heartbeatEvery());
  beat.unref();
  void (async () => {
    try {
      for (let id = q.pending.shift(); id !== undefined; id = q.pending.shift()) {
        await runExport(db, id).catch((e) => console.error(`[export ${id}] run:`, e));
      }
    } finally {
      clearInterval(beat);
      q.running = false;
    }
  })();
}

/** Postgres: pg-boss in the application's database, its worker running exports in this process. */
const exportBoss = singleton("export-boss", () => ({ db: null as Db | null }));
const exportQueue = bossFor("export", { max: 3, schedule: false }, async (boss) => {
  await boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 1, expireInSeconds: PG_BOSS_EXPIRE_S });
  await boss.work<{ jobId: number }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => runExport(exportBoss.db!, Number(job.data.jobId)));
});
function pgBoss(db: Db): Promise<PgBoss> {
  exportBoss.db = db;
  return exportQueue.get();
}

/** Called once per server process at start: on Postgres the pg-boss worker starts (jobs queued
 * before a restart run without waiting for someone to open their progress page); on both, jobs
 * whose runner died are restarted now and then whenever a heartbeat goes missing, and `.part`
 * files no live run is writing are removed. */
export function startExportWorkers(db: Db) {
  ensureWorker(db);
  const s = singleton("export-reaper", () => ({ timer: null as NodeJS.Timeout | null }));
  if (s.timer) return;
  const sweep = () => reapStale(db, {}).catch((e) => console.error("[export] reaper:", e.message));
  void sweep().then(removeParts).catch((e) => console.error("[export] start-up sweep:", e.message));
  s.timer = setInterval(sweep, Math.max(500, Math.floor(heartbeatTimeout() / 2)));
  s.timer.unref();
}

/** Starts the Postgres worker in this process (a poll after a restart picks up queued jobs). */
function ensureWorker(db: Db) {
  if (db.sequelize.getDialect() !== "postgres") return;
  exportBoss.db = db;
  exportQueue.keepStarting();
}

// ---- reading ----------------------------------------------------------------------------------

async function ownJob(db: Db, userId: number, id: number) {
  if (!isDbId(id)) return null;
  await reapStale(db, { id, userId });
  // Not raw: JSON columns come back as text from SQLite with raw.
  return (await db.models.ExportJob.findOne({ where: { id, userId } }))?.get({ plain: true }) ?? null;
}

/** The progress page's data: the owner's job, or null (anyone else's reads as missing). */
export async function exportJobView(db: Db, userId: number, id: number) {
  const job = await ownJob(db, userId, id);
  if (!job) return null;
  if (job.status === "queued" || job.status === "running") ensureWorker(db);
  const expired = job.status === "done" && !job.fileName;
  return {
    id: job.id, status: job.status, statusLabel: STATUS_LABEL[job.status], total: job.total, done: job.done, failed: job.failed,
    percent: job.total ? Math.floor((job.done / job.total) * 100) : 0,
    errors: (job.errors ?? []).slice(0, 200), message: job.message,
    createdAt: cnDate(job.createdAt, true), finishedAt: job.finishedAt ? cnDate(job.finishedAt, true) : null,
    expiresAt: job.expiresAt ? cnDate(job.expiresAt, true) : null, fileSize: job.fileSize, downloadable: job.status === "done" && !!job.fileName, expired,
  };
}

/** The user's recent jobs (newest first). */
export async function listOwnExports(db: Db, userId: number, limit = 20) {
  await reapStale(db, { userId });
  const rows = await db.models.ExportJob.findAll({ where: { userId }, order: [["createdAt", "DESC"], ["id", "DESC"]], limit, attributes: ["id", "status", "total", "done", "failed", "createdAt", "fileName"], raw: true });
  return rows.map((r) => ({ id: r.id, status: r.status, statusLabel: STATUS_LABEL[r.status], total: r.total, done: r.done, failed: r.failed, createdAt: cnDate(r.createdAt, true), downloadable: r.status === "done" && !!r.fileName }));
}

/** The ZIP of a finished job, for its owner only (null otherwise); 410 once it has expired. */
export async function exportDownload(db: Db, userId: number, id: number) {
  const job = await ownJob(db, userId, id);
  if (!job || job.status !== "done") return null;
  if (!job.fileName || (job.expiresAt && new Date(job.expiresAt) < new Date())) throw new UserError("导出文件已过期，请重新导出", 410);
  const store = await getObjectStore();
  const key = EXPORTS_PREFIX + job.fileName;
  const stat = await store.stat(key);
  const body = stat ? await store.open(key) : null;
  if (!stat || !body) throw new UserError("导出文件已过期，请重新导出", 410);
  const day = cnDate(job.createdAt).replace(/[年月]/g, "-").replace("日", "");
  return { body, size: stat.size, name: `评审表导出_${day}_${job.total - job.failed}份.zip` };
}

/** Export jobs waiting and running (the metrics' queue depth; the same on both databases). */
export async function exportQueueDepth(db: Db) {
  const rows = await db.models.ExportJob.findAll({
    where: { status: { [Op.in]: ["queued", "running"] } }, attributes: ["status", [fn("COUNT", col("id")), "count"]], group: ["status"], raw: true,
  }) as unknown as { status: string; count: number | string }[];
  return ["queued", "running"].map((state) => ({ queue: QUEUE, state, count: Number(rows.find((r) => r.status === state)?.count ?? 0) }));
}

/** For tests and shutdown: the pg-boss instance of this process, stopped if it was started. */
export async function stopExportWorkers() {
  const r = singleton("export-reaper", () => ({ timer: null as NodeJS.Timeout | null }));
  if (r.timer) clearInterval(r.timer);
  r.timer = null;
  await exportQueue.stop();
}

