// The whole configuration as one JSON bundle (forms, templates, plan types, application types,
// dictionaries, plans), for review and versioning in git and for moving configuration between installs.
//
// Export: the latest published version of every form, template (with the partials it was published
// with), the plan types and every application type (workflow); the definition of every dictionary an
// administrator declared in the browser (dictionaryDefinitions; file dictionaries travel as files);
// every dictionary row by its natural key, references by name; every plan by name + year, references
// by name. Keys are sorted so the JSON is stable.
//
// Import: ONE transaction. Definitions first, each through the definitions publisher as admin input
// (the same door and checks as the designers), in reference order: dictionary definitions (a new one
// creates its table in the transaction), forms, templates, plan types, application types — so an
// application type may name a form, template or plan type of the same bundle. Then dictionary rows
// (the dictionary engine's checks and upsert) and plans (normalisePlan), in dependency order so a
// reference may name a row created earlier in the same bundle. Any problem → every problem is reported with its path and the transaction is rolled
// back: nothing changes. A form whose content equals its latest published version is skipped; a
// changed one is published as the next version. Dictionary rows and plans missing from the bundle
// are left alone (an import never deletes). `dryRun` runs everything and always rolls back (preview).
import type { Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { bundleRows, dependencyOrder, fromBundleRow, upsertRow } from "./dictionary-admin.server";
import { declaredDictionaryIds, listDictionaries, refTables, type DictionaryDefinition, type RefTables } from "./dictionaries.server";
import type { FormDefinition } from "./form-registry.server";
import { normalisePlan } from "./plans.server";
import { DefinitionError } from "./definitions/errors";
import { getDefinition, publishDefinition, unpublished, type KindSpec, type Published } from "./definitions/lifecycle.server";
import { dictionaryKind } from "./definitions/kinds/dictionary.server";
import { formKind } from "./definitions/kinds/form.server";
import { templateKind } from "./definitions/kinds/template.server";
import { PLAN_TYPES_ID, planTypesKind } from "./definitions/kinds/plan-types.server";
import { workflowKind } from "./definitions/kinds/workflow.server";
import { UserError } from "~/engine/errors";

export const BUNDLE_FORMAT = "zcps-config";
export const BUNDLE_VERSION = 1;

type Obj = Record<string, any>;
export interface Actor { username: string }

/** Deterministic JSON: object keys sorted recursively, arrays kept in order. */
export function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Obj)[k])]));
  return v;
}
export function bundleJson(b: unknown) {
  return JSON.stringify(stable(b), null, 2) + "\n";
}

// ---- export ---------------------------------------------------------------------------------
export async function exportBundle(db: Db) {
  const { FormVersion, Plan } = db.models;
  const ids = (await FormVersion.findAll({ attributes: ["formId"], group: ["formId"], order: [["formId", "ASC"]], raw: true })).map((r) => r.formId);
  const forms = [];
  for (const id of ids) {
    const f = (await getDefinition(db, formKind, id))!;
    // The format travels with the bundle, so a later engine can upgrade what it imports.
    forms.push({ id: f.id, version: f.version, formatVersion: formKind.format.current, kind: f.kind, title: f.title, schema: f.schema, uiSchema: f.uiSchema, meta: f.meta });
  }
  const refs = await refTables(db);
  const label = (ref: string, id: unknown) => refs[ref]?.find((x) => x.id === Number(id))?.label ?? null;
  const dictionaries: Obj = {};
  const files = declaredDictionaryIds();
  const dictionaryDefinitions: Obj[] = [];
  for (const d of await listDictionaries(db)) {
    dictionaries[d.id] = await bundleRows(db, d, refs);
    if (!files.has(d.id)) dictionaryDefinitions.push({ ...unpublished(d as Published<DictionaryDefinition>), formatVersion: dictionaryKind.format.current });
  }
  const templates = [];
  for (const r of await db.models.TemplateVersion.findAll({ attributes: ["templateId"], group: ["templateId"], order: [["templateId", "ASC"]], raw: true })) {
    const t = (await getDefinition(db, templateKind, r.templateId))!;
    templates.push({ id: t.id, version: t.version, formatVersion: templateKind.format.current, source: t.source, partials: t.partials });
  }
  const pt = await getDefinition(db, planTypesKind, PLAN_TYPES_ID);
  const planTypes = pt ? { version: pt.version, formatVersion: planTypesKind.format.current, planTypes: pt.planTypes } : null;
  const workflows = [];
  for (const r of await db.models.WorkflowVersion.findAll({ attributes: ["workflowId"], group: ["workflowId"], order: [["workflowId", "ASC"]], raw: true })) {
    const w = (await getDefinition(db, workflowKind, r.workflowId))!;
    workflows.push({ ...unpublished(w), formatVersion: workflowKind.format.current });
  }
  const plans = (await Plan.findAll({ order: [["year", "ASC"], ["name", "ASC"], ["id", "ASC"]] })).map((p) => ({
    name: p.name, year: p.year, planType: p.planType, recognitionType: p.recognitionType,
    titleSeries: label(PLAN_REFS.series, p.titleSeriesId), titleLevel: p.titleLevel,
    affiliations: p.affiliationIds.map((id) => label(PLAN_REFS.affiliations, id)).filter(Boolean),
    opensAt: new Date(p.opensAt).toISOString(), closesAt: new Date(p.closesAt).toISOString(),
    basicInfo: p.basicInfo, reviewNotes: p.reviewNotes, applicantNotice: p.applicantNotice,
    attachmentRequirements: p.attachmentRequirements, eligibilityText: p.eligibilityText, eligibilityRules: p.eligibilityRules,
    specialties: p.specialtyIds.map((id) => label(PLAN_REFS.specialties, id)).filter(Boolean),
    committees: p.committeeIds.map((id) => label(PLAN_REFS.committees, id)).filter(Boolean),
    acceptanceDepartments: p.acceptanceDepartmentIds.map((id) => label(PLAN_REFS.acceptanceDepartments, id)).filter(Boolean),
    fee: p.fee,
  }));
  return stable({ format: BUNDLE_FORMAT, version: BUNDLE_VERSION, exportedAt: new Date().toISOString(), forms, dictionaryDefinitions, dictionaries, plans, templates, planTypes, workflows }) as Obj;
}

/** The dictionaries a plan's columns point at (a plan is a model of its own, not a dictionary). */
const PLAN_REFS = {
  series: "title-series", affiliations: "affiliations", specialties: "title-series/specialties",
  committees: "committees", acceptanceDepartments: "acceptance-departments",
} as const;

// ---- import ---------------------------------------------------------------------------------
export interface ImportSummary {
  dictionaryDefinitions: { published: string[]; unchanged: number };
  forms: { published: string[]; unchanged: number };
  templates: { published: string[]; unchanged: number };
  planTypes: { published: string[]; unchanged: number };
  workflows: { published: string[]; unchanged: number };
  dictionaries: Record<string, { created: string[]; updated: string[]; unchanged: number }>;
  plans: { created: string[]; updated: string[]; unchanged: number };
}

/** Thrown (after rollback) when the bundle has problems; `problems` are "path：message". */
export class BundleError extends UserError {
  constructor(public problems: string[]) {
    super(`配置包有 ${problems.length} 处问题，未导入任何内容：\n${problems.slice(0, 50).join("\n")}${problems.length > 50 ? `\n……另有 ${problems.length - 50} 处` : ""}`, 400);
  }
}

class Rollback extends Error {}

const same = (a: unknown, b: unknown) => JSON.stringify(stable(a)) === JSON.stringify(stable(b));

export async function importBundle(db: Db, actor: Actor, bundle: unknown, opts: { dryRun?: boolean } = {}): Promise<ImportSummary> {
  const problems: string[] = [];
  const b = bundle as Obj;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw new BundleError(["（根）：配置包应为 JSON 对象"]);
  if (b.format !== BUNDLE_FORMAT) problems.push(`format：应为 "${BUNDLE_FORMAT}"`);
  if (b.version !== BUNDLE_VERSION) problems.push(`version：不支持的版本 ${JSON.stringify(b.version)}（支持 ${BUNDLE_VERSION}）`);
  for (const k of ["dictionaryDefinitions", "forms", "templates", "plans", "workflows"]) if (b[k] !== undefined && !Array.isArray(b[k])) problems.push(`${k}：应为数组`);
  if (b.planTypes != null && (typeof b.planTypes !== "object" || Array.isArray(b.planTypes))) problems.push("planTypes：应为对象");
  if (b.dictionaries !== undefined && (typeof b.dictionaries !== "object" || Array.isArray(b.dictionaries) || b.dictionaries === null)) problems.push("dictionaries：应为对象");
  if (problems.length) throw new BundleError(problems);

  const none = () => ({ published: [] as string[], unchanged: 0 });
  const summary: ImportSummary = { dictionaryDefinitions: none(), forms: none(), templates: none(), planTypes: none(), workflows: none(), dictionaries: {}, plans: { created: [], updated: [], unchanged: 0 } };
  try {
    await db.sequelize.transaction(async (t) => {
      const failed = await importDictionaryDefinitions(db, actor, (b.dictionaryDefinitions ?? []) as unknown[], t, problems, summary);
      await importForms(db, actor, (b.forms ?? []) as unknown[], t, problems, summary);
      await importDefinitions(db, actor, templateKind, "templates", (b.templates ?? []) as unknown[], t, problems, summary.templates);
      if (b.planTypes != null) await importDefinitions(db, actor, planTypesKind, "planTypes", [b.planTypes], t, problems, summary.planTypes);
      await importDefinitions(db, actor, workflowKind, "workflows", (b.workflows ?? []) as unknown[], t, problems, summary.workflows);
      // Dependency order: a row may only reference dictionaries applied before it. Rows of a
      // definition that was refused (already reported) are not looked at.
      const dicts = dependencyOrder(await listDictionaries(db, t));
      for (const k of Object.keys(b.dictionaries ?? {})) if (!dicts.some((d) => d.id === k) && !failed.has(k)) problems.push(`dictionaries.${k}：未知的字典`);
      for (const d of dicts) {
        if (failed.has(d.id)) continue;
        const rows = b.dictionaries?.[d.id];
        if (rows === undefined) continue;
        await importDict(db, d, rows, t, problems, summary);
      }
      await importPlans(db, (b.plans ?? []) as unknown[], t, problems, summary);
      if (problems.length || opts.dryRun) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    if (problems.length) throw new BundleError(problems);
  }
  return summary;
}

/**
 * The bundle's dictionary definitions (declared in the browser) through the one publisher, as
 * admin input: a changed one becomes the next version, a new one creates its table. A dictionary
 * a file declares is not the bundle's to change. Returns the ids refused or only checked (their
 * tables may not exist).
 */
async function importDictionaryDefinitions(db: Db, actor: Actor, defs: unknown[], t: Transaction, problems: string[], summary: ImportSummary) {
  const files = declaredDictionaryIds();
  const others = new Map<string, DictionaryDefinition>();
  for (const d of defs as Obj[]) if (d && typeof d === "object" && typeof d.id === "string") others.set(d.id, d as DictionaryDefinition);
  const failed = new Set<string>();
  const ids = new Set<string>();
  for (const [i, raw] of defs.entries()) {
    const path = `dictionaryDefinitions[${i}]`;
    const d = raw as Obj;
    if (!d || typeof d !== "object" || Array.isArray(d) || typeof d.id !== "string") { problems.push(`${path}：缺少字典 id`); continue; }
    const at = `${path}（${d.id}）`;
    if (ids.has(d.id)) { problems.push(`${at}：字典 id 重复`); continue; }
    ids.add(d.id);
    if (files.has(d.id)) { problems.push(`${at}：该字典由配置文件声明，不能通过配置包修改`); failed.add(d.id); continue; }
    const { version: _v, ...input } = d;
    try {
      const r = await publishDefinition(db, dictionaryKind, input, { by: actor.username, untrusted: true, skipUnchanged: true, transaction: t, others, dryRun: problems.length > 0 });
      if (r.status === "unchanged") summary.dictionaryDefinitions.unchanged++;
      else if (r.status === "published") summary.dictionaryDefinitions.published.push(`${r.def.id} v${r.version}`);
      else failed.add(d.id);
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      failed.add(d.id);
      for (const p of e.problems) problems.push(`${at}：${p}`);
    }
  }
  return failed;
}

async function importForms(db: Db, actor: Actor, forms: unknown[], t: Transaction, problems: string[], summary: ImportSummary) {
  // The bundle's forms are checked as they will be together (a swap of two categories' positions is fine).
  const others = new Map<string, FormDefinition>();
  for (const f of forms as Obj[]) if (f && typeof f === "object" && typeof f.id === "string") others.set(f.id, { ...f, meta: f.meta ?? {} } as FormDefinition);
  const ids = new Set<string>();
  for (const [i, raw] of forms.entries()) {
    const path = `forms[${i}]`;
    const f = raw as Obj;
    if (!f || typeof f !== "object" || typeof f.id !== "string") { problems.push(`${path}：缺少表单 id`); continue; }
    const at = `${path}（${f.id}）`;
    if (ids.has(f.id)) { problems.push(`${at}：表单 id 重复`); continue; }
    ids.add(f.id);
    const input = { id: f.id, kind: f.kind, title: f.title, schema: f.schema, uiSchema: f.uiSchema, meta: f.meta, formatVersion: f.formatVersion };
    try {
      // Keep validating after a problem, but write nothing more.
      const r = await publishDefinition(db, formKind, input, { by: actor.username, untrusted: true, skipUnchanged: true, transaction: t, others, dryRun: problems.length > 0 });
      if (r.status === "unchanged") summary.forms.unchanged++;
      else summary.forms.published.push(`${r.def.id} v${r.version}`);
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      for (const p of e.problems) problems.push(`${at}：${p}`);
    }
  }
}

/**
 * Definitions of one kind through the publisher as admin input: a changed one becomes the next
 * version (the number the bundle carries is the exporting install's, not ours), an equal one is
 * skipped. After the first problem everything is still checked but nothing more is written.
 */
async function importDefinitions<D extends { id: string; version: number }>(db: Db, actor: Actor, spec: KindSpec<D, unknown>, key: string, defs: unknown[], t: Transaction, problems: string[], summary: { published: string[]; unchanged: number }) {
  const ids = new Set<string>();
  for (const [i, raw] of defs.entries()) {
    const path = key === "planTypes" ? key : `${key}[${i}]`;
    const d = raw as Obj;
    const id = d && typeof d === "object" && !Array.isArray(d) ? spec.idOf(d) : null;
    if (id === null) { problems.push(`${path}：缺少${spec.label} id`); continue; }
    const at = key === "planTypes" ? path : `${path}（${id}）`;
    if (ids.has(id)) { problems.push(`${at}：${spec.label} id 重复`); continue; }
    ids.add(id);
    const { version: _v, ...input } = d;
    try {
      const r = await publishDefinition(db, spec, input, { by: actor.username, untrusted: true, skipUnchanged: true, transaction: t, dryRun: problems.length > 0 });
      if (r.status === "unchanged") summary.unchanged++;
      else if (r.status === "published") summary.published.push(`${r.def.id} v${r.version}`);
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      for (const p of e.problems) problems.push(`${at}：${p}`);
    }
  }
}

/** A bundle value in a message: text and numbers as they are; anything else is not converted (it may not convert). */
const shown = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : v == null ? "" : "（格式不正确）");

async function importDict(db: Db, d: DictionaryDefinition, rows: unknown, t: Transaction, problems: string[], summary: ImportSummary) {
  const s = (summary.dictionaries[d.id] = { created: [] as string[], updated: [] as string[], unchanged: 0 });
  if (!Array.isArray(rows)) { problems.push(`dictionaries.${d.id}：应为数组`); return; }
  const refs = await refTables(db, t);
  const seen = new Set<string>();
  for (const [i, raw] of rows.entries()) {
    const path = `dictionaries.${d.id}[${i}]`;
    const { values, errors: errs } = fromBundleRow(d, raw && typeof raw === "object" ? (raw as Obj) : {}, refs);
    const nk = String(values[d.key] ?? "");
    if (nk && seen.has(nk)) errs.push(`${d.key}「${nk}」重复`);
    seen.add(nk);
    if (!errs.length) {
      try {
        // Keep validating after a problem, but write nothing more.
        const r = await upsertRow(db, d, values, t, { write: !problems.length });
        if (r.status === "unchanged") s.unchanged++;
        else s[r.status].push(nk);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        errs.push(e.message);
      }
    }
    for (const e of errs) problems.push(`${path}${nk ? `（${nk}）` : ""}：${e}`);
  }
}

async function importPlans(db: Db, plans: unknown[], t: Transaction, problems: string[], summary: ImportSummary) {
  const refs: RefTables = await refTables(db, t);
  const seen = new Set<string>();
  for (const [i, raw] of plans.entries()) {
    const p = raw && typeof raw === "object" ? (raw as Obj) : {};
    const nk = `${shown(p.name)}（${shown(p.year)}）`;
    const path = `plans[${i}]`;
    const errs: string[] = [];
    const resolve = (field: string, label: string, list: { id: number; label: string }[], names: unknown): number[] => {
      if (names == null) return [];
      if (!Array.isArray(names)) { errs.push(`${path}.${field}：应为名称数组`); return []; }
      return names.flatMap((n) => {
        const hit = list.find((x) => x.label === n);
        if (!hit) errs.push(`${path}.${field}：${label}「${shown(n)}」不存在`);
        return hit ? [hit.id] : [];
      });
    };
    const series = refs[PLAN_REFS.series].find((x) => x.label === p.titleSeries);
    if (!series) errs.push(`${path}.titleSeries：职称系列「${shown(p.titleSeries)}」不存在`);
    const input = {
      ...p, titleSeriesId: series?.id ?? null,
      affiliationIds: resolve("affiliations", "隶属关系", refs[PLAN_REFS.affiliations], p.affiliations),
      specialtyIds: resolve("specialties", "专业", refs[PLAN_REFS.specialties], p.specialties),
      committeeIds: resolve("committees", "评审委员会", refs[PLAN_REFS.committees], p.committees),
      acceptanceDepartmentIds: resolve("acceptanceDepartments", "受理部门", refs[PLAN_REFS.acceptanceDepartments], p.acceptanceDepartments),
    };
    if (seen.has(nk)) errs.push(`${path}：计划「${nk}」重复`);
    seen.add(nk);
    if (errs.length) { problems.push(...errs); continue; }
    let values;
    try {
      values = await normalisePlan(db, input, t);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(`${path}（${nk}）：${e.message}`);
      continue;
    }
    const existing = await db.models.Plan.findOne({ where: { name: values.name, year: values.year }, transaction: t });
    if (existing) {
      const changed = Object.keys(values).some((k) => !same(Reflect.get(existing.get({ plain: true }), k), (values as Obj)[k]));
      if (!changed) { summary.plans.unchanged++; continue; }
      summary.plans.updated.push(nk);
      if (!problems.length) await existing.update({ ...values, version: existing.version + 1 }, { transaction: t });
    } else {
      summary.plans.created.push(nk);
      if (!problems.length) await db.models.Plan.create(values, { transaction: t });
    }
  }
}
