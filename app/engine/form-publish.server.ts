// Form designer engine: drafts, publishing new versions of admin-edited forms, the impact of a
// new version on records still open for editing, and the admin form list.
// A published (formId, version) never changes (form_versions rows are only ever inserted, by the
// definitions publisher); records keep the version they were saved with.
import { DataTypes, Op, UniqueConstraintError, type Model, type ModelStatic } from "sequelize";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { aggregateRows } from "~/utils/aggregate.server";
import { FormConfigError, getForm, type FormDefinition, type PublishedForm } from "./form-registry.server";
import { checkDraftSafety, toDraft07 } from "./schema-safety.server";
import { publishDefinition } from "./definitions/lifecycle.server";
import { formKind } from "./definitions/kinds/form.server";
import { createAjv, toFieldErrors } from "./validator";
import { checkRules, type FieldRule } from "./rules";
import { branchProperties } from "./format-value";
import { FORM_KINDS, KIND_LABELS } from "./form-kinds";

/** A definition from the designer or a bundle: checked by the publisher, so its kind is any text until then. */
export type FormInput = Omit<FormDefinition, "version" | "kind"> & { kind: string; version?: number };
export interface Actor { username: string }

const KINDS: readonly string[] = FORM_KINDS;
export { KIND_LABELS };

function normalise(def: FormInput): FormInput {
  return { ...def, schema: toDraft07(def.schema), meta: def.meta ?? {}, uiSchema: def.uiSchema ?? {} };
}

/**
 * Checks and publishes a definition as the next version of its form (max published + 1; numbers
 * are never reused) through the one publisher of definitions. Throws FormConfigError (nothing
 * stored) when the definition is refused.
 */
export async function publishFormVersion(db: Db, actor: Actor, input: FormInput): Promise<PublishedForm> {
  // The designer edits definitions as the engine reads them: in the current format.
  const { def, version } = await publishDefinition(db, formKind, input, { by: actor.username, untrusted: true, formatVersion: formKind.format.current });
  await draftModel(db).destroy({ where: { formId: def.id } });
  return (await getForm(db, def.id, version))!;
}

// ---- drafts -------------------------------------------------------------------------------------

export interface FormDraftAttrs {
  id: number;
  formId: string;
  kind: string;
  title: string;
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  meta: Record<string, any>;
  updatedBy: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
type DraftRow = Model<FormDraftAttrs, Partial<FormDraftAttrs>> & FormDraftAttrs;
type DraftModel = ModelStatic<DraftRow>;
const draftModels = new WeakMap<object, DraftModel>();

/** The form_drafts model (migration 0003), defined on first use per connection. */
export function draftModel(db: Db): DraftModel {
  const s = db.sequelize;
  let m = draftModels.get(s);
  if (!m) draftModels.set(s, (m = defineDraftModel(db)));
  return m;
}
function defineDraftModel(db: Db): DraftModel {
  const s = db.sequelize;
  const J = s.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  return s.define<DraftRow, Omit<FormDraftAttrs, "createdAt" | "updatedAt">>("FormDraft", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    formId: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    title: { type: DataTypes.STRING(128), allowNull: false },
    schema: { type: J, allowNull: false },
    uiSchema: { type: J, allowNull: false },
    meta: { type: J, allowNull: false },
    updatedBy: { type: DataTypes.STRING(64), allowNull: false },
    // Optimistic lock: a save names the version it edited; a stale one gets 409.
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "form_drafts" });
}

export async function getDraft(db: Db, formId: string): Promise<FormDraftAttrs | null> {
  const row = await draftModel(db).findOne({ where: { formId } });
  return row ? row.get({ plain: true }) : null;
}

const STALE_DRAFT = "草稿已被其他管理员修改，请刷新后重试";

/**
 * Saves the draft of a form. `expectedVersion` is the draft version the editor loaded (null: no
 * draft yet). Drafts may be incomplete, but not unsafe: size, depth, references and patterns are
 * checked (checkDraftSafety); the full check runs on publish.
 */
export async function saveDraft(db: Db, actor: Actor, input: FormInput, expectedVersion: number | null): Promise<FormDraftAttrs> {
  const def = normalise(input);
  if (typeof def.id !== "string" || !/^[a-z][a-z0-9-]*(\/[a-z0-9-]+)*$/.test(def.id) || def.id.length > 128) {
    throw new FormConfigError(["id 应为小写字母、数字、连字符，用 / 分隔，例如 achievement/tech-promotion"]);
  }
  if (!KINDS.includes(def.kind)) throw new FormConfigError([`kind 应为 ${KINDS.join("、")} 之一`]);
  const problems = checkDraftSafety(def);
  if (problems.length) throw new FormConfigError(problems);
  const Draft = draftModel(db);
  const values = {
    kind: def.kind, title: String(def.title ?? "").slice(0, 128) || def.id,
    schema: def.schema, uiSchema: def.uiSchema, meta: def.meta, updatedBy: actor.username,
  };
  if (expectedVersion === null) {
    try {
      await Draft.create({ formId: def.id, ...values, version: 1 });
    } catch (e) {
      if (e instanceof UniqueConstraintError) throw new UserError(STALE_DRAFT, 409);
      throw e;
    }
  } else {
    const [n] = await Draft.update({ ...values, version: expectedVersion + 1 }, { where: { formId: def.id, version: expectedVersion } });
    if (n !== 1) throw new UserError(STALE_DRAFT, 409);
  }
  return (await getDraft(db, def.id))!;
}

// ---- impact -------------------------------------------------------------------------------------

export interface Impact {
  /** Records checked (pending/returned entries, or profiles). */
  checked: number;
  /** Records that would fail validation under the new definition. */
  failing: number;
  /** True when more records exist than were checked: the counts are lower bounds (至少). */
  capped: boolean;
  /** Field path → records failing on it, most first. */
  fields: { path: string; count: number }[];
}

export const IMPACT_LIMIT = 20_000;
const BATCH = 500;

/**
 * How many records still open for editing would fail validation under `def`: pending/returned
 * entries of an achievement category, or profiles of a profile form. Like the edit page, fields
 * the new version no longer has are dropped before validating. Schema and declared rules only
 * (dictionary and file references are checked when a record is saved).
 */
export async function impactOf(db: Db, formId: string, def: Pick<FormInput, "kind" | "schema" | "meta">, limit = IMPACT_LIMIT): Promise<Impact> {
  const validate = createAjv().compile({ ...def.schema, $id: undefined });
  // Fields only a branch defines (oneOf/allOf …) are kept too.
  const props = { ...branchProperties(def.schema), ...(def.schema?.properties ?? {}) };
  const keep = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data ?? {}).filter(([k]) => Object.prototype.hasOwnProperty.call(props, k)));
  const out: Impact = { checked: 0, failing: 0, capped: false, fields: [] };
  const byField = new Map<string, number>();
  const model: any = def.kind === "profile" ? db.models.Profile : def.kind === "achievement" ? db.models.AchievementEntry : null;
  if (!model) return out;
  const where: Record<string, unknown> = def.kind === "profile" ? { formId } : { categoryId: formId, status: ["pending", "returned"] };
  let lastId = 0;
  while (out.checked < limit) {
    const rows = (await model.findAll({ where: { ...where, id: { [Op.gt]: lastId } }, attributes: ["id", "data"], order: [["id", "ASC"]], limit: Math.min(BATCH, limit - out.checked), raw: true })) as { id: number; data: any }[];
    if (!rows.length) break;
    for (const r of rows) {
      lastId = r.id;
      out.checked++;
      const data = keep(typeof r.data === "string" ? JSON.parse(r.data) : r.data);
      let errors = validate(data) ? {} : toFieldErrors(validate.errors);
      if (!Object.keys(errors).length) errors = checkRules(def.meta?.rules as FieldRule[] | undefined, data);
      const paths = Object.keys(errors);
      if (paths.length) {
        out.failing++;
        for (const p of paths) byField.set(p || "(整条记录)", (byField.get(p || "(整条记录)") ?? 0) + 1);
      }
    }
  }
  if (out.checked >= limit) out.capped = !!(await model.findOne({ where: { ...where, id: { [Op.gt]: lastId } }, attributes: ["id"] }));
  out.fields = [...byField].map(([path, count]) => ({ path, count })).sort((a, b) => b.count - a.count || a.path.localeCompare(b.path));
  return out;
}

// ---- admin list ---------------------------------------------------------------------------------

export interface VersionInfo { version: number; title: string; createdBy: string; createdAt: Date; records: number }
export interface FormSummary { id: string; kind: string; title: string; latest: number; versions: VersionInfo[]; hasDraft: boolean }

/** Records per (formId, version): achievement entries by category, profiles by form. */
async function usage(db: Db): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const { fn, col } = db.sequelize;
  const entries = await aggregateRows<{ categoryId: string; formVersion: number; n: number }>(db.models.AchievementEntry.findAll({ attributes: ["categoryId", "formVersion", [fn("COUNT", col("id")), "n"]], group: ["categoryId", "formVersion"], raw: true }));
  for (const r of entries) out.set(`${r.categoryId}@${r.formVersion}`, Number(r.n));
  const profiles = await aggregateRows<{ formId: string; formVersion: number; n: number }>(db.models.Profile.findAll({ attributes: ["formId", "formVersion", [fn("COUNT", col("id")), "n"]], group: ["formId", "formVersion"], raw: true }));
  for (const r of profiles) out.set(`${r.formId}@${r.formVersion}`, (out.get(`${r.formId}@${r.formVersion}`) ?? 0) + Number(r.n));
  return out;
}

/** Every form (all kinds) with its versions, newest first; filtered by id/title and paginated. */
export async function listForms(db: Db, opts: { q?: string; kind?: string | null; offset: number; pageSize: number }) {
  const rows = await db.models.FormVersion.findAll({ attributes: ["formId", "version", "kind", "title", "createdBy", "createdAt"], order: [["formId", "ASC"], ["version", "DESC"]], raw: true });
  const counts = await usage(db);
  const drafts = new Set((await draftModel(db).findAll({ attributes: ["formId"], raw: true })).map((d: any) => d.formId as string));
  const forms = new Map<string, FormSummary>();
  for (const r of rows) {
    let f = forms.get(r.formId);
    if (!f) forms.set(r.formId, (f = { id: r.formId, kind: r.kind, title: r.title, latest: r.version, versions: [], hasDraft: drafts.has(r.formId) }));
    f.versions.push({ version: r.version, title: r.title, createdBy: r.createdBy, createdAt: new Date(r.createdAt), records: counts.get(`${r.formId}@${r.version}`) ?? 0 });
  }
  const order = (k: string) => KINDS.indexOf(k);
  let list = [...forms.values()].sort((a, b) => order(a.kind) - order(b.kind) || a.id.localeCompare(b.id));
  const q = opts.q?.trim().toLowerCase();
  if (q) list = list.filter((f) => f.id.toLowerCase().includes(q) || f.title.toLowerCase().includes(q));
  if (opts.kind) list = list.filter((f) => f.kind === opts.kind);
  return { rows: list.slice(opts.offset, opts.offset + opts.pageSize), total: list.length };
}

/** One form's versions (newest first) with usage counts, or null when never published. */
export async function formVersions(db: Db, formId: string): Promise<FormSummary | null> {
  const { rows } = await listForms(db, { offset: 0, pageSize: 1_000_000 });
  return rows.find((f) => f.id === formId) ?? null;
}
