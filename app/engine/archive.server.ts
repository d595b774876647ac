// 业绩档案库: the generic archive engine. A category is any published form of kind
// "achievement" (forms/achievements/*.json or a version published later); nothing here names
// one. Entries store the form version they were validated against.
import { Op, type Transaction, type WhereOptions } from "sequelize";
import type { AchievementEntryAttrs, EntryStatus } from "../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { HttpError, notFound } from "~/utils/http.server";
import { aggregateRows } from "~/utils/aggregate.server";
import { dbVersion, isDbId } from "~/utils/ints.server";
import { createOnce } from "~/utils/idempotency.server";
import { applicantProfileWhere, type ReviewerScope } from "~/engine/people/scope.server";
import { ENTRY_TRANSITIONS, canDo, type EntryAction } from "./entry-status";
import type { ColumnFormat } from "./format-value";
import type { FormKind } from "./form-kinds";
import { compiledValidator, getForm, recordShape, validateRecord, type PublishedForm } from "./form-registry.server";
import { toFieldErrors, type FieldErrors } from "./validator";
import { checkRules, type FieldRule } from "./rules";

export const CATEGORY_KIND: FormKind = "achievement";
const ID_PREFIX = `${CATEGORY_KIND}/`;

export interface Category {
  id: string;
  slug: string;
  version: number;
  title: string;
  order: number;
  icon: string | null;
  form: PublishedForm;
}

/** A declared list column, with its fields' schema and uiSchema so every surface formats its cells alike. */
export interface ListColumn extends ColumnFormat { field: string; title: string; to?: string; sortable: boolean; width?: number; printWidth?: number }

export const slugOf = (categoryId: string) => categoryId.slice(ID_PREFIX.length);
export const categoryIdOf = (slug: string) => `${ID_PREFIX}${slug}`;

function toCategory(form: PublishedForm): Category {
  return {
    id: form.id, slug: slugOf(form.id), version: form.version, title: form.title,
    order: Number(form.meta.order ?? 999), icon: (form.meta.icon as string) ?? null, form,
  };
}

/** Every category (latest version), in the configured order. */
export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await aggregateRows<{ formId: string; latest: number }>(db.models.FormVersion.findAll({
    where: { kind: CATEGORY_KIND },
    attributes: ["formId", [db.sequelize.fn("MAX", db.sequelize.col("version")), "latest"]],
    group: ["formId"],
    raw: true,
  }));
  const forms = await Promise.all(rows.map((r) => getForm(db, r.formId, Number(r.latest))));
  return forms.filter((f): f is PublishedForm => !!f).map(toCategory).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

export async function getCategory(db: Db, slug: string, version?: number): Promise<Category | null> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) return null;
  const form = await getForm(db, categoryIdOf(slug), version);
  return form && form.kind === CATEGORY_KIND ? toCategory(form) : null;
}

/** A route's category by its slug; an unknown one is a 404. */
export async function requireCategory(db: Db, slug: string | undefined) {
  const category = slug ? await getCategory(db, slug) : null;
  if (!category) throw notFound("业绩类别不存在");
  return category;
}

/** Table columns declared by the category (titles default to the schema's field titles). */
export function listColumns(form: PublishedForm): ListColumn[] {
  // Also a field every oneOf/allOf branch defines (a category may keep its fields there).
  const props = recordShape(form.schema).fields;
  const ui = form.uiSchema ?? {};
  const uiOf = (k: string) => { const u = ui[k]; return u && typeof u === "object" ? u : undefined; };
  return (form.meta.listColumns ?? []).map((c) => ({
    field: c.field, to: c.to, width: c.width, printWidth: c.printWidth, sortable: c.sortable !== false,
    title: c.title ?? props[c.field]?.title ?? c.field,
    schema: props[c.field], ui: uiOf(c.field), ...(c.to ? { toSchema: props[c.to], toUi: uiOf(c.to) } : {}),
  }));
}

function entryTitle(form: PublishedForm, data: Record<string, unknown>) {
  const v = data[form.meta.titleField as string];
  return (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v)).slice(0, 255);
}

function searchTextOf(form: PublishedForm, data: Record<string, unknown>) {
  const fields = (form.meta.searchFields as string[] | undefined) ?? [form.meta.titleField as string];
  return fields.map((f) => data[f]).filter((v) => typeof v === "string" || typeof v === "number").join(" ").toLowerCase().slice(0, 4000);
}

async function validateEntry(db: Db, form: PublishedForm, data: unknown, ownerId: number) {
  // ownerId: evidence files referenced by the entry must be the applicant's own uploads.
  const result = await validateRecord(db, form, data, { ownerId });
  if (!result.ok) throw new UserError("请按提示修改后再保存", 422, result.fieldErrors);
  return result.data;
}

function refuse(action: EntryAction): never {
  throw new UserError(ENTRY_TRANSITIONS[action].refusal, 409);
}

const CONFLICT = "该业绩已在其他页面被修改或已被审核，请刷新后重试";

export type EntryRow = AchievementEntryAttrs;

/** Counts per category and status for one applicant. */
export async function categoryCounts(db: Db, userId: number) {
  const rows = await aggregateRows<{ categoryId: string; status: EntryStatus; n: number }>(db.models.AchievementEntry.findAll({
    where: { userId },
    attributes: ["categoryId", "status", [db.sequelize.fn("COUNT", db.sequelize.col("id")), "n"]],
    group: ["categoryId", "status"],
    raw: true,
  }));
  const out: Record<string, Record<EntryStatus, number>> = {};
  for (const r of rows) {
    out[r.categoryId] ??= { pending: 0, returned: 0, approved: 0 };
    out[r.categoryId][r.status] = Number(r.n);
  }
  return out;
}

export interface ListOptions { q?: string; status?: string | null; sort?: string | null; order?: "asc" | "desc"; offset: number; pageSize: number }

/**
 * One applicant's entries of a category. An applicant has tens of entries per category, so
 * sorting by any declared column happens in memory (portable across SQLite and Postgres JSON).
 */
export async function listEntries(db: Db, userId: number, category: Category, opts: ListOptions) {
  const where: WhereOptions = { userId, categoryId: category.id };
  if (opts.status && ["pending", "returned", "approved"].includes(opts.status)) Object.assign(where, { status: opts.status });
  if (opts.q) Object.assign(where, { searchText: { [Op.like]: `%${opts.q.toLowerCase().replace(/[%_\\]/g, "")}%` } });
  const rows = (await db.models.AchievementEntry.findAll({ where, limit: 5000, order: [["id", "DESC"]] })).map((r) => r.get({ plain: true }));
  const columns = listColumns(category.form);
  const def = category.form.meta.defaultSort as { field: string; order?: "asc" | "desc" } | undefined;
  const sortField = columns.find((c) => c.field === opts.sort && c.sortable)?.field ?? (opts.sort === "submittedAt" ? "submittedAt" : def?.field);
  const order = opts.sort ? opts.order ?? "asc" : def?.order ?? "desc";
  if (sortField) {
    const key = (r: EntryRow): unknown => (sortField === "submittedAt" ? r.submittedAt.toISOString() : r.data[sortField]);
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === y) return 0;
      if (x === undefined || x === null) return 1;
      if (y === undefined || y === null) return -1;
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return order === "desc" ? -c : c;
    });
  }
  return { rows: rows.slice(opts.offset, opts.offset + opts.pageSize), total: rows.length };
}

export async function getOwnEntry(db: Db, userId: number, id: number): Promise<EntryRow | null> {
  if (!isDbId(id)) return null;
  const row = await db.models.AchievementEntry.findOne({ where: { id, userId } });
  return row ? row.get({ plain: true }) : null;
}

/**
 * The form an entry is edited with: pending/returned entries open in the category's newest
 * version with their data carried over (fields the new version dropped are removed and named;
 * fields the new version refuses are flagged); approved entries stay in their own version.
 */
export async function entryForEdit(db: Db, category: Category, entry: EntryRow) {
  const editable = canDo("save", entry.status, "owner");
  if (!editable || entry.formVersion === category.version) {
    const form = entry.formVersion === category.version ? category.form : (await getForm(db, category.id, entry.formVersion))!;
    return { form, data: entry.data, upgraded: false, dropped: [] as string[], flagged: {} as FieldErrors };
  }
  const form = category.form;
  const props = form.schema.properties ?? {};
  const closed = form.schema.additionalProperties === false;
  const data: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(entry.data)) {
    if (closed && !(k in props)) dropped.push(k);
    else data[k] = v;
  }
  const validate = compiledValidator(form);
  const flagged = validate(data) ? checkRules(form.meta.rules as FieldRule[] | undefined, data) : toFieldErrors(validate.errors);
  return { form, data, upgraded: true, dropped, flagged };
}

async function audit(db: Db, t: any, actor: { id: number; role: string }, entryId: number, action: string, from: string | null, to: string | null, comment: string | null = null) {
  await db.models.AuditLog.create({
    actorId: actor.id, actorRole: actor.role, entityType: "achievement-entry", entityId: String(entryId),
    action, fromState: from, toState: to, comment,
  }, { transaction: t });
}

/**
 * Orders entry inserts against a change of the applicant's unit (Postgres; SQLite runs one writer
 * at a time): inserts hold the applicant's lock shared, saveProfile exclusive while it moves the
 * entries, so an insert either lands before the move (and is moved) or reads the new unit. An
 * advisory lock, not FOR SHARE on the profile row: concurrent share-lockers of one row make
 * Postgres write a new MultiXact into it each time (bench/archive.ts: 20 concurrent saves of one
 * applicant fell from ~190 to ~50 saves/s with FOR SHARE).
 */
export async function lockApplicantUnit(db: Db, t: Transaction, userId: number, mode: "shared" | "exclusive") {
  if (db.sequelize.getDialect() !== "postgres") return;
  await db.sequelize.query(`SELECT ${mode === "shared" ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock"}(${UNIT_LOCK_SPACE}, :userId)`, { replacements: { userId }, transaction: t });
}
const UNIT_LOCK_SPACE = 7; // first key of the two-key advisory locks: migration 0007's unit copy

/**
 * New entries (one or many, e.g. an import) → 待审核, in one transaction. With the form's
 * idempotency key, a repeated save (a retry after a lost answer, a second concurrent click)
 * returns the entries the first one created instead of creating them again.
 */
export async function createEntries(db: Db, userId: number, category: Category, datas: unknown[], opts: { idempotencyKey?: string | null; scope?: string } = {}) {
  const form = category.form;
  const valid: Record<string, unknown>[] = [];
  for (const [i, d] of datas.entries()) {
    // A post with no data at all reads as an empty form: the user sees what is required.
    const r = await validateRecord(db, form, d ?? {}, { ownerId: userId });
    if (!r.ok) {
      throw new UserError(datas.length > 1 ? `第 ${i + 1} 条记录有误，请按提示修改` : "请按提示修改后再保存", 422, r.fieldErrors);
    }
    valid.push(r.data);
  }
  const now = new Date();
  const rows: EntryRow[] = [];
  const { ids, replayed } = await createOnce(db, userId, opts.idempotencyKey ?? null, opts.scope ?? `archive:${category.id}`, async (t) => {
    rows.length = 0;
    // The entry carries the applicant's unit (the reviewer queue's index); see lockApplicantUnit.
    await lockApplicantUnit(db, t, userId, "shared");
    const profile = await db.models.Profile.findOne({ where: { userId }, attributes: ["unitId"], transaction: t });
    const unitId = profile?.unitId ?? null;
    for (const data of valid) {
      const row = await db.models.AchievementEntry.create({
        userId, categoryId: category.id, formVersion: form.version, data, title: entryTitle(form, data),
        searchText: searchTextOf(form, data), status: "pending", submittedAt: now, unitId,
      }, { transaction: t });
      await audit(db, t, { id: userId, role: "applicant" }, row.id, "create", null, "pending");
      rows.push(row.get({ plain: true }));
    }
    return rows.map((r) => r.id);
  });
  if (!replayed) return rows;
  // The entries of the first save (those the applicant has not deleted since).
  return (await db.models.AchievementEntry.findAll({ where: { id: { [Op.in]: ids.length ? ids : [0] }, userId }, order: [["id", "ASC"]] })).map((r) => r.get({ plain: true }));
}

export async function createEntry(db: Db, userId: number, category: Category, data: unknown, opts: { idempotencyKey?: string | null } = {}) {
  return (await createEntries(db, userId, category, [data], opts))[0];
}

/** 保存 = resubmit: validates with the newest version, back to 待审核. */
export async function updateEntry(db: Db, userId: number, category: Category, id: number, data: unknown, version: unknown) {
  const expectedVersion = dbVersion(version);
  const entry = await getOwnEntry(db, userId, id);
  if (!entry || entry.categoryId !== category.id) throw new UserError("业绩不存在", 404);
  if (!canDo("save", entry.status, "owner")) refuse("save");
  const form = category.form;
  const clean = await validateEntry(db, form, data ?? {}, userId);
  return db.sequelize.transaction(async (t) => {
    const [n] = await db.models.AchievementEntry.update({
      data: clean, formVersion: form.version, title: entryTitle(form, clean), searchText: searchTextOf(form, clean),
      status: "pending", returnReason: null, submittedAt: new Date(), version: expectedVersion + 1,
    }, { where: { id, userId, version: expectedVersion, status: { [Op.in]: ENTRY_TRANSITIONS.save.from as string[] } }, transaction: t });
    if (n !== 1) throw new UserError(CONFLICT, 409);
    await audit(db, t, { id: userId, role: "applicant" }, id, "resubmit", entry.status, "pending");
  });
}

export async function deleteEntry(db: Db, userId: number, id: number, version: unknown) {
  const expectedVersion = dbVersion(version);
  const entry = await getOwnEntry(db, userId, id);
  if (!entry) throw new UserError("业绩不存在", 404);
  if (!canDo("delete", entry.status, "owner")) refuse("delete");
  await db.sequelize.transaction(async (t) => {
    const n = await db.models.AchievementEntry.destroy({
      where: { id, userId, version: expectedVersion, status: { [Op.in]: ENTRY_TRANSITIONS.delete.from as string[] } }, transaction: t,
    });
    if (n !== 1) throw new UserError(CONFLICT, 409);
    await audit(db, t, { id: userId, role: "applicant" }, id, "delete", entry.status, null);
  });
}

// ───────────────────────── reviewer side ─────────────────────────

export interface QueueFilters { categoryId?: string | null; applicant?: string; from?: string | null; to?: string | null; offset: number; pageSize: number }

/** 待审核 entries of applicants in the reviewer's units, oldest first. */
export async function reviewQueue(db: Db, scope: ReviewerScope, f: QueueFilters) {
  // Entries carry their applicant's profile unitId (migration 0007), so the scope's unit filter
  // applies to the entry itself.
  const where: WhereOptions & Record<string, unknown> = { status: "pending", ...applicantProfileWhere(scope) };
  if (f.categoryId) where.categoryId = f.categoryId;
  const range: Record<symbol, Date> = {};
  if (f.from && /^\d{4}-\d{2}-\d{2}$/.test(f.from)) range[Op.gte] = new Date(`${f.from}T00:00:00+08:00`);
  if (f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to)) range[Op.lt] = new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000);
  if (Object.getOwnPropertySymbols(range).length) where.submittedAt = range;
  const ownerWhere = f.applicant ? { [Op.or]: [{ displayName: { [Op.like]: `%${f.applicant.replace(/[%_\\]/g, "")}%` } }, { username: f.applicant }] } : undefined;
  // Two steps: the page's ids straight off the (unitId, submittedAt, id) pending index, then the
  // rows to show. Joining profiles to find the unit sorted every pending row of the scope on each
  // request (see bench/archive.ts).
  const scopeJoin = ownerWhere ? [{ association: "owner", attributes: [], where: ownerWhere, required: true }] : [];
  const [count, page] = await Promise.all([
    db.models.AchievementEntry.count({ where, include: scopeJoin }),
    db.models.AchievementEntry.findAll({
      where, include: scopeJoin, attributes: ["id"], order: [["submittedAt", "ASC"], ["id", "ASC"]],
      offset: f.offset, limit: f.pageSize, subQuery: false, raw: true,
    }),
  ]);
  const ids = page.map((r) => r.id);
  const rows = ids.length
    ? await db.models.AchievementEntry.findAll({
      where: { id: { [Op.in]: ids } },
      attributes: ["id", "version", "categoryId", "title", "status", "submittedAt"],
      include: [
        { association: "ownerProfile", attributes: ["unitId"], include: [{ association: "unit", attributes: ["name"] }] },
        { association: "owner", attributes: ["id", "username", "displayName"] },
      ],
      order: [["submittedAt", "ASC"], ["id", "ASC"]],
    })
    : [];
  return {
    total: count,
    rows: rows.map((r: any) => ({
      id: r.id, version: r.version, categoryId: r.categoryId, title: r.title, status: r.status, submittedAt: r.submittedAt,
      applicant: r.owner.displayName ?? r.owner.username, unit: r.ownerProfile?.unit?.name ?? "",
    })),
  };
}

/** An entry the reviewer may see, or null (→ 404) when it is outside the scope. */
export async function getEntryForReviewer(db: Db, scope: ReviewerScope, id: number) {
  if (!isDbId(id)) return null;
  const row: any = await db.models.AchievementEntry.findOne({
    where: { id },
    include: [
      { association: "ownerProfile", attributes: ["unitId"], where: applicantProfileWhere(scope), required: true, include: [{ association: "unit", attributes: ["name"] }] },
      { association: "owner", attributes: ["id", "username", "displayName"] },
    ],
  });
  if (!row) return null;
  return {
    entry: row.get({ plain: true }) as EntryRow,
    applicant: row.owner.displayName ?? row.owner.username,
    applicantId: row.owner.id as number,
    unit: row.ownerProfile?.unit?.name ?? "",
  };
}

export async function entryHistory(db: Db, id: number) {
  const rows = await db.models.AuditLog.findAll({ where: { entityType: "achievement-entry", entityId: String(id) }, order: [["id", "ASC"]], raw: true });
  return rows;
}

/** 通过 / 退回 one entry; the version guards against deciding on data the applicant just changed. */
export async function decide(db: Db, reviewer: { id: number; role: string }, scope: ReviewerScope, id: number, action: "approve" | "return", reason: string | null, version: unknown) {
  const expectedVersion = dbVersion(version);
  const found = await getEntryForReviewer(db, scope, id);
  if (!found) throw new UserError("业绩不存在或不在您的审核范围内", 404);
  const text = (reason ?? "").trim();
  if (action === "return" && !text) throw new UserError("请填写退回原因", 400, { reason: ["请填写退回原因"] });
  if (text.length > 500) throw new UserError("退回原因不能超过 500 个字符", 400, { reason: ["不能超过 500 个字符"] });
  if (!canDo(action, found.entry.status, "reviewer")) refuse(action);
  const to = ENTRY_TRANSITIONS[action].to as EntryStatus;
  await db.sequelize.transaction(async (t) => {
    const [n] = await db.models.AchievementEntry.update(
      { status: to, returnReason: action === "return" ? text : null, reviewedAt: new Date(), reviewerId: reviewer.id, version: expectedVersion + 1 },
      { where: { id, status: "pending", version: expectedVersion }, transaction: t },
    );
    if (n !== 1) throw new UserError("该业绩已被申请人修改或已被他人审核，请刷新后重试", 409);
    await audit(db, t, reviewer, id, action, "pending", to, text || null);
  });
}

/** Batch 通过: each row decided on its own; conflicts and out-of-scope rows are reported, not fatal. */
export async function batchApprove(db: Db, reviewer: { id: number; role: string }, scope: ReviewerScope, items: { id: number; version: unknown }[]) {
  const done: number[] = [];
  const failed: { id: number; reason: string }[] = [];
  for (const it of items.slice(0, 200)) {
    try {
      await decide(db, reviewer, scope, it.id, "approve", null, it.version);
      done.push(it.id);
    } catch (e) {
      if (e instanceof HttpError) failed.push({ id: it.id, reason: e.message });
      else throw e;
    }
  }
  return { done, failed };
}

