// Clean-up of stored files no record uses: an upload never saved into a record, a replaced photo
// or signature, a removed attachment, the files of a deleted entry. Such a file is deleted (row
// and bytes) once it is UNREFERENCED_TTL_HOURS old; a file any record still names is never
// deleted. Runs hourly: a pg-boss schedule on Postgres (one run per hour across every process
// and server), an in-process timer on SQLite.
//
// "Referenced" is decided from the data, not from schemas (forms change, old versions stay): any
// stored-file key appearing anywhere in a JSON column that holds records (REFERENCE_SOURCES)
// keeps its file.
import { Op, type WhereOptions } from "sequelize";
import type { StoredFileAttrs } from "../../db/models";
import type { Db } from "~/utils/db.server";
import { singleton } from "~/utils/singleton.server";
import { bossFor } from "~/utils/pg-boss.server";
import { getObjectStore } from "~/utils/object-store.server";
import { isFileKey, objectKeyOf, UNREFERENCED_TTL_HOURS, UPLOADS_PREFIX } from "./file-storage.server";

const TTL_MS = UNREFERENCED_TTL_HOURS * 3600_000;
const BATCH = 500;
/** Rows changed this long before a run began are read again after its deletions (a save in flight). */
const RECHECK_MARGIN_MS = 10 * 60_000;
const HOURLY = 60 * 60_000;
const QUEUE = "file-cleanup";

/**
 * Every place a stored-file key can be referenced, with the column telling when a row last
 * changed: 档案库 entries (x-file fields), the snapshots extracted into applications, the
 * applications' step data (photo, pledge signature, attachments, form steps) and their profile
 * snapshot, and the profiles.
 */
export const REFERENCE_SOURCES = [
  { model: "AchievementEntry", columns: ["data"], changedAt: "updatedAt" },
  { model: "ApplicationAchievement", columns: ["data"], changedAt: "createdAt" },
  { model: "Application", columns: ["steps", "profileSnapshot"], changedAt: "updatedAt" },
  { model: "Profile", columns: ["data"], changedAt: "updatedAt" },
] as const;

/** A key standing alone in a JSON value (not part of a longer token). */
const KEY_IN_TEXT = /(?<![A-Za-z0-9_-])f_[A-Za-z0-9_-]{16,48}(?![A-Za-z0-9_-])/g;

/** Every stored-file key the records name (those changed since `since`, when given). */
export async function referencedKeys(db: Db, opts: { since?: Date } = {}): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const src of REFERENCE_SOURCES) {
    const model = db.models[src.model] as unknown as { findAll(o: object): Promise<Record<string, unknown>[]> };
    let last = 0;
    for (;;) {
      const where: WhereOptions = { id: { [Op.gt]: last }, ...(opts.since ? { [src.changedAt]: { [Op.gte]: opts.since } } : {}) };
      // raw: JSON comes back as text on SQLite (scanned as is), as objects on Postgres.
      const rows = await model.findAll({ where, attributes: ["id", ...src.columns], order: [["id", "ASC"]], limit: BATCH, raw: true });
      for (const row of rows) {
        for (const c of src.columns) {
          const v = row[c];
          if (v === null || v === undefined) continue;
          for (const m of (typeof v === "string" ? v : JSON.stringify(v)).matchAll(KEY_IN_TEXT)) keys.add(m[0]);
        }
      }
      if (rows.length < BATCH) break;
      last = Number(rows[rows.length - 1].id);
    }
  }
  return keys;
}

export interface CleanupResult {
  /** Stored files deleted (row and bytes). */
  removed: number;
  bytes: number;
  /** Rows put back because a record named the key while the run was deleting. */
  restored: number;
  /** Files on disk with no row (a crash between writing and recording), deleted. */
  orphans: number;
  /** Half-written uploads of dead processes, deleted. */
  partials: number;
}

/**
 * One clean-up run. `now` decides which files are old enough (tests pass a later one instead of
 * waiting); `settleMs` is how long to let saves in flight commit before the re-check;
 * `afterRowsDeleted` runs between deleting the rows and that re-check (a test's concurrent save).
 *
 * Order of work, so that a record can never end up naming a deleted file:
 * 1. read every referenced key, then the unreferenced rows older than the TTL;
 * 2. delete those rows — from here no save can accept their keys (checkFileRefs and the step
 *    checks read the row);
 * 3. read again the records changed since step 1 began (with a margin): a key a save validated
 *    just before its row went gets its row back;
 * 4. only then delete the bytes. Files on disk with no row and stale .part files go too.
 */
export async function cleanUnreferencedFiles(
  db: Db,
  opts: { now?: Date; settleMs?: number; afterRowsDeleted?: () => Promise<void> } = {},
): Promise<CleanupResult> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - TTL_MS);
  const began = new Date();
  const referenced = await referencedKeys(db);

  const doomed: StoredFileAttrs[] = [];
  for (let last = 0; ;) {
    const rows = await db.models.StoredFile.findAll({ where: { id: { [Op.gt]: last }, createdAt: { [Op.lt]: cutoff } }, order: [["id", "ASC"]], limit: BATCH, raw: true });
    for (const r of rows) if (!referenced.has(r.key)) doomed.push(r);
    if (rows.length < BATCH) break;
    last = rows[rows.length - 1].id;
  }
  for (let i = 0; i < doomed.length; i += BATCH) {
    await db.models.StoredFile.destroy({ where: { id: { [Op.in]: doomed.slice(i, i + BATCH).map((r) => r.id) } } });
  }

  await opts.afterRowsDeleted?.();
  if (doomed.length && opts.settleMs) await new Promise((r) => setTimeout(r, opts.settleMs));
  const again = doomed.length ? await referencedKeys(db, { since: new Date(began.getTime() - RECHECK_MARGIN_MS) }) : new Set<string>();
  const back = doomed.filter((r) => again.has(r.key));
  if (back.length) await db.models.StoredFile.bulkCreate(back, { ignoreDuplicates: true });

  const store = await getObjectStore();
  let removed = 0;
  let bytes = 0;
  for (const r of doomed) {
    if (again.has(r.key)) continue;
    await store.remove(objectKeyOf(r.key));
    removed++;
    bytes += r.size;
  }
  const orphans = await removeOrphans(db, cutoff, new Set([...referenced, ...again]));
  const partials = await store.sweepPartials({ now });
  return { removed, bytes, restored: back.length, orphans, partials };
}

/** Stored files older than `cutoff` that have no row and no reference. */
async function removeOrphans(db: Db, cutoff: Date, referenced: Set<string>) {
  const store = await getObjectStore();
  let removed = 0;
  let batch: { key: string; objectKey: string }[] = [];
  const flush = async () => {
    const known = new Set((await db.models.StoredFile.findAll({ where: { key: { [Op.in]: batch.map((b) => b.key) } }, attributes: ["key"], raw: true })).map((r) => r.key));
    for (const b of batch) {
      if (known.has(b.key)) continue;
      await store.remove(b.objectKey);
      removed++;
    }
    batch = [];
  };
  for await (const o of store.list(UPLOADS_PREFIX)) {
    const key = o.key.slice(o.key.lastIndexOf("/") + 1);
    if (!isFileKey(key) || referenced.has(key) || o.modified >= cutoff) continue;
    batch.push({ key, objectKey: o.key });
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return removed;
}

async function runLogged(db: Db) {
  try {
    const r = await cleanUnreferencedFiles(db, { settleMs: 2000 });
    if (r.removed || r.orphans || r.partials || r.restored) {
      console.log(`[files] 清理未使用的文件：${r.removed} 个（${Math.round(r.bytes / 1024)} KB），无记录的文件 ${r.orphans} 个，未完成的上传 ${r.partials} 个，恢复 ${r.restored} 个`);
    }
  } catch (e) {
    console.error("[files] clean-up failed:", e);
  }
}

/**
 * Schedules the hourly clean-up: on Postgres a pg-boss cron schedule and worker (every server
 * process registers both; pg-boss runs each hourly job once), on SQLite a timer that also runs a
 * few minutes after start — server.ts calls this in one process only, so runs never overlap.
 */
export function startFileCleanup(db: Db) {
  if (db.sequelize.getDialect() === "postgres") {
    cleanupDb.db = db;
    cleanupBoss.keepStarting();
    return;
  }
  const s = singleton("file-cleanup-timer", () => ({ started: false }));
  if (s.started) return;
  s.started = true;
  setTimeout(() => void runLogged(db), 5 * 60_000).unref();
  setInterval(() => void runLogged(db), HOURLY).unref();
}

const cleanupDb = singleton("file-cleanup-db", () => ({ db: null as Db | null }));
// Every server process registers the schedule and a worker; pg-boss runs each hourly job once.
const cleanupBoss = bossFor("files", { max: 2 }, async (boss) => {
  // One run at a time, and a run that hangs is given up after an hour.
  await boss.createQueue(QUEUE, { name: QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 3600 });
  await boss.schedule(QUEUE, "17 * * * *");
  await boss.work(QUEUE, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => runLogged(cleanupDb.db!));
});

/** For tests and shutdown: stops this process's clean-up pg-boss, if started. */
export async function stopFileCleanup() {
  await cleanupBoss.stop();
}
