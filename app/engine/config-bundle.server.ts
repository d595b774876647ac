// The whole configuration as one JSON bundle (forms, dictionaries, plans, workflows), for review
// and versioning in git and for moving configuration between installs.
//
// Export: the latest published version of every form; every dictionary row by its natural key,
// references by name; every plan by name + year, references by name; "workflows" is an empty
// list until the workflow engine exists (a later issue). Keys are sorted so the JSON is stable.
//
// Import: ONE transaction. Every item is validated with the same checks the editors use (forms:
// checkAdminSchema + kind/order checks; dictionaries: the dictionary engine's normalise; plans:
// normalisePlan), in dependency order so a reference may name a row created earlier in the same
// bundle. Any problem → every problem is reported with its path and the transaction is rolled
// back: nothing changes. A form whose content equals its latest published version is skipped; a
// changed one is published as the next version. Dictionary rows and plans missing from the bundle
// are left alone (an import never deletes). `dryRun` runs everything and always rolls back (preview).
import { Op, type Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { DICTS, normalise as normaliseDict, refTables, rowAttrs, type FieldDef } from "./dictionary-admin.server";
import { hashForm } from "./form-registry.server";
import { checkAdminSchema, toDraft07 } from "./schema-safety.server";
import { normalisePlan } from "./plans.server";
import { UserError } from "~/utils/http.server";

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

const parseJ = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ---- export ---------------------------------------------------------------------------------
export async function exportBundle(db: Db) {
  const { FormVersion, Plan } = db.models;
  const rows = (await FormVersion.findAll({ order: [["formId", "ASC"], ["version", "DESC"]], raw: true })) as any[];
  const seen = new Set<string>();
  const forms = [];
  for (const r of rows) {
    if (seen.has(r.formId)) continue;
    seen.add(r.formId);
    forms.push({ id: r.formId, version: r.version, kind: r.kind, title: r.title, schema: parseJ(r.schema), uiSchema: parseJ(r.uiSchema) ?? {}, meta: parseJ(r.meta) ?? {} });
  }
  const refs = await refTables(db);
  const label = (kind: keyof typeof refs, id: unknown) => refs[kind].find((x) => x.id === Number(id))?.label ?? null;
  const dictionaries: Obj = {};
  for (const d of DICTS) {
    const list = await (db.models as any)[d.model].findAll({ order: [["id", "ASC"]] });
    const specs = d.key === "title-series" ? await db.models.Specialty.findAll({ order: [["id", "ASC"]] }) : [];
    const out = list.map((r: any) => {
      const o: Obj = {};
      for (const f of d.fields) {
        const x = f.name === "specialties" ? specs.filter((s) => s.seriesId === r.id).map((s) => s.name) : r.get(f.name);
        if (f.type === "ref") o[f.name] = x == null ? null : label(f.ref!, x);
        else if (f.type === "refs") o[f.name] = ((x as number[]) ?? []).map((id) => label(f.ref!, id)).filter(Boolean);
        else if (f.type === "levels" || f.type === "names") o[f.name] = (x as string[]) ?? [];
        else o[f.name] = x ?? null;
      }
      return o;
    });
    out.sort((a: Obj, b: Obj) => byName(String(a[d.naturalKey]), String(b[d.naturalKey])));
    dictionaries[d.key] = out;
  }
  const { committeeName, deptName } = await namesOf(db);
  const plans = (await Plan.findAll({ order: [["year", "ASC"], ["name", "ASC"], ["id", "ASC"]] })).map((p) => ({
    name: p.name, year: p.year, planType: p.planType, recognitionType: p.recognitionType,
    titleSeries: label("series", p.titleSeriesId), titleLevel: p.titleLevel,
    affiliations: p.affiliationIds.map((id) => label("affiliations", id)).filter(Boolean),
    opensAt: new Date(p.opensAt).toISOString(), closesAt: new Date(p.closesAt).toISOString(),
    basicInfo: p.basicInfo, reviewNotes: p.reviewNotes, applicantNotice: p.applicantNotice,
    attachmentRequirements: p.attachmentRequirements, eligibilityText: p.eligibilityText, eligibilityRules: p.eligibilityRules,
    specialties: p.specialtyIds.map((id) => label("specialties", id)).filter(Boolean),
    committees: p.committeeIds.map((id) => committeeName.get(id)).filter(Boolean),
    acceptanceDepartments: p.acceptanceDepartmentIds.map((id) => deptName.get(id)).filter(Boolean),
    fee: p.fee,
  }));
  return stable({ format: BUNDLE_FORMAT, version: BUNDLE_VERSION, exportedAt: new Date().toISOString(), forms, dictionaries, plans, workflows: [] }) as Obj;
}

async function namesOf(db: Db, t?: Transaction) {
  const committees = await db.models.Committee.findAll({ transaction: t });
  const depts = await db.models.AcceptanceDepartment.findAll({ transaction: t });
  return { committeeName: new Map(committees.map((c) => [c.id, c.name])), deptName: new Map(depts.map((c) => [c.id, c.name])) };
}

// ---- import ---------------------------------------------------------------------------------
export interface ImportSummary {
  forms: { published: string[]; unchanged: number };
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

// Dependency order: a row may only reference dictionaries applied before it.
const DICT_ORDER = ["affiliations", "departments", "title-series", "units", "committees", "acceptance-departments"];

const same = (a: unknown, b: unknown) => JSON.stringify(stable(a)) === JSON.stringify(stable(b));

export async function importBundle(db: Db, actor: Actor, bundle: unknown, opts: { dryRun?: boolean } = {}): Promise<ImportSummary> {
  const problems: string[] = [];
  const b = bundle as Obj;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw new BundleError(["（根）：配置包应为 JSON 对象"]);
  if (b.format !== BUNDLE_FORMAT) problems.push(`format：应为 "${BUNDLE_FORMAT}"`);
  if (b.version !== BUNDLE_VERSION) problems.push(`version：不支持的版本 ${JSON.stringify(b.version)}（支持 ${BUNDLE_VERSION}）`);
  for (const k of ["forms", "plans", "workflows"]) if (b[k] !== undefined && !Array.isArray(b[k])) problems.push(`${k}：应为数组`);
  if (b.dictionaries !== undefined && (typeof b.dictionaries !== "object" || Array.isArray(b.dictionaries) || b.dictionaries === null)) problems.push("dictionaries：应为对象");
  if (Array.isArray(b.workflows) && b.workflows.length) problems.push("workflows：当前版本尚不支持流程配置，应为空数组");
  for (const k of Object.keys(b.dictionaries ?? {})) if (!DICT_ORDER.includes(k)) problems.push(`dictionaries.${k}：未知的字典`);
  if (problems.length) throw new BundleError(problems);

  const summary: ImportSummary = { forms: { published: [], unchanged: 0 }, dictionaries: {}, plans: { created: [], updated: [], unchanged: 0 } };
  try {
    await db.sequelize.transaction(async (t) => {
      await importForms(db, actor, (b.forms ?? []) as unknown[], t, problems, summary);
      for (const key of DICT_ORDER) {
        const rows = b.dictionaries?.[key];
        if (rows === undefined) continue;
        await importDict(db, key, rows, t, problems, summary);
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

async function importForms(db: Db, actor: Actor, forms: unknown[], t: Transaction, problems: string[], summary: ImportSummary) {
  const { FormVersion } = db.models;
  const ids = new Set<string>();
  const orders = new Map<number, string>();
  const latestOf = async (formId: string) => (await FormVersion.findOne({ where: { formId }, order: [["version", "DESC"]], transaction: t, raw: true })) as any;
  // achievement orders of forms not in the bundle
  const bundleIds = new Set(forms.map((f) => (f as Obj)?.id));
  const all = (await FormVersion.findAll({ where: { kind: "achievement" }, order: [["formId", "ASC"], ["version", "DESC"]], transaction: t, raw: true })) as any[];
  const seen = new Set<string>();
  for (const r of all) {
    if (seen.has(r.formId)) continue;
    seen.add(r.formId);
    const o = parseJ(r.meta)?.order;
    if (!bundleIds.has(r.formId) && typeof o === "number") orders.set(o, r.formId);
  }
  for (const [i, raw] of forms.entries()) {
    const path = `forms[${i}]`;
    const f = raw as Obj;
    if (!f || typeof f !== "object" || typeof f.id !== "string") { problems.push(`${path}：缺少表单 id`); continue; }
    const at = `${path}（${f.id}）`;
    if (ids.has(f.id)) { problems.push(`${at}：表单 id 重复`); continue; }
    ids.add(f.id);
    const latest = await latestOf(f.id);
    const def = { id: f.id, kind: f.kind, title: f.title, schema: toDraft07(f.schema), uiSchema: f.uiSchema ?? {}, meta: f.meta ?? {}, version: latest ? latest.version + 1 : 1 };
    const bad = checkAdminSchema(def);
    if (latest && latest.kind !== def.kind) bad.push(`kind 不能修改：${def.id} 已发布为 ${latest.kind}`);
    if (def.kind === "achievement" && !def.id.startsWith("achievement/")) bad.push(`业绩类别的 id 应以 "achievement/" 开头`);
    if (def.kind === "achievement" && typeof def.meta.order === "number") {
      const other = orders.get(def.meta.order);
      if (other) bad.push(`meta.order ${def.meta.order} 与业绩类别 ${other} 重复；业绩类别的顺序不能相同`);
      else orders.set(def.meta.order, def.id);
    }
    if (bad.length) { for (const p of bad) problems.push(`${at}：${p}`); continue; }
    const hash = hashForm(def);
    if (latest && latest.hash === hash) { summary.forms.unchanged++; continue; }
    summary.forms.published.push(`${def.id} v${def.version}`);
    if (problems.length) continue; // keep validating; no writes once something failed
    await FormVersion.create({ formId: def.id, version: def.version, kind: def.kind, title: def.title, schema: def.schema, uiSchema: def.uiSchema, meta: def.meta, hash, createdBy: actor.username }, { transaction: t });
  }
}

/** A bundle value in a message: text and numbers as they are; anything else is not converted (it may not convert). */
const shown = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : v == null ? "" : "（格式不正确）");

function toInput(fields: FieldDef[], row: Obj, refs: Awaited<ReturnType<typeof refTables>>, errs: string[]) {
  const input: Obj = {};
  for (const f of fields) {
    const x = row[f.name];
    if ((f.type === "ref" || f.type === "refs") && x != null) {
      const names = f.type === "ref" ? [x] : Array.isArray(x) ? x : null;
      if (!names) { errs.push(`${f.name}：应为名称数组`); continue; }
      const idsOut: number[] = [];
      for (const n of names) {
        const hit = refs[f.ref!].find((r) => r.label === n);
        if (hit) idsOut.push(hit.id);
        // A name is text; anything else is reported without converting it (it may not convert).
        else errs.push(`${f.name}：${f.label}「${shown(n)}」不存在`);
      }
      input[f.name] = f.type === "ref" ? idsOut[0] ?? null : idsOut;
    } else input[f.name] = x;
  }
  return input;
}

async function importDict(db: Db, key: string, rows: unknown, t: Transaction, problems: string[], summary: ImportSummary) {
  const d = DICTS.find((x) => x.key === key)!;
  const s = (summary.dictionaries[key] = { created: [] as string[], updated: [] as string[], unchanged: 0 });
  if (!Array.isArray(rows)) { problems.push(`dictionaries.${key}：应为数组`); return; }
  const model = (db.models as any)[d.model];
  const refs = await refTables(db, t);
  const seen = new Set<string>();
  for (const [i, raw] of rows.entries()) {
    const path = `dictionaries.${key}[${i}]`;
    const errs: string[] = [];
    const row = raw && typeof raw === "object" ? (raw as Obj) : {};
    const input = toInput(d.fields, row, refs, errs);
    const { values, errors } = normaliseDict(d, input, refs);
    const nk = String(values[d.naturalKey] ?? "");
    for (const e of errors) if (!errs.some((x) => x.includes(e.replace(/^所选|不存在$|不能为空$/g, "")))) errs.push(e);
    if (nk && seen.has(nk)) errs.push(`${d.naturalKey}「${nk}」重复`);
    seen.add(nk);
    const existing = nk ? await model.findOne({ where: { [d.naturalKey]: values[d.naturalKey] }, transaction: t }) : null;
    if (d.key === "title-series" && values.code) {
      const other = await model.findOne({ where: { code: values.code, id: { [Op.ne]: existing?.id ?? -1 } }, transaction: t });
      if (other) errs.push(`code：系列代码「${values.code}」已被「${other.name}」使用`);
    }
    if (errs.length) { for (const e of errs) problems.push(`${path}${nk ? `（${nk}）` : ""}：${e}`); continue; }
    const attrs = rowAttrs(d, values);
    let id: number;
    let changed = false;
    if (existing) {
      changed = Object.keys(attrs).some((k) => !same(existing.get(k), attrs[k]));
      id = existing.id;
      if (changed && !problems.length) {
        if (d.versioned) attrs.version = existing.version + 1;
        await existing.update(attrs, { transaction: t });
      }
    } else {
      changed = true;
      id = problems.length ? -1 : (await model.create(attrs, { transaction: t })).id;
    }
    if (d.key === "title-series" && id > 0) {
      const have = new Set((await db.models.Specialty.findAll({ where: { seriesId: id }, transaction: t })).map((x) => x.name));
      const add = (values.specialties as string[]).filter((n) => !have.has(n));
      if (add.length) {
        changed = true;
        if (!problems.length) await db.models.Specialty.bulkCreate(add.map((name) => ({ seriesId: id, name })), { transaction: t });
      }
    }
    if (!changed) s.unchanged++;
    else (existing ? s.updated : s.created).push(nk);
  }
}

async function importPlans(db: Db, plans: unknown[], t: Transaction, problems: string[], summary: ImportSummary) {
  const refs = await refTables(db, t);
  const { committeeName, deptName } = await namesOf(db, t);
  const committees = [...committeeName].map(([id, label]) => ({ id, label }));
  const depts = [...deptName].map(([id, label]) => ({ id, label }));
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
    const series = refs.series.find((x) => x.label === p.titleSeries);
    if (!series) errs.push(`${path}.titleSeries：职称系列「${shown(p.titleSeries)}」不存在`);
    const input = {
      ...p, titleSeriesId: series?.id ?? null,
      affiliationIds: resolve("affiliations", "隶属关系", refs.affiliations, p.affiliations),
      specialtyIds: resolve("specialties", "专业", refs.specialties, p.specialties),
      committeeIds: resolve("committees", "评审委员会", committees, p.committees),
      acceptanceDepartmentIds: resolve("acceptanceDepartments", "受理部门", depts, p.acceptanceDepartments),
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
      const changed = Object.keys(values).some((k) => !same((existing as any).get(k), (values as Obj)[k]));
      if (!changed) { summary.plans.unchanged++; continue; }
      summary.plans.updated.push(nk);
      if (!problems.length) await existing.update({ ...values, version: existing.version + 1 }, { transaction: t });
    } else {
      summary.plans.created.push(nk);
      if (!problems.length) await db.models.Plan.create(values, { transaction: t });
    }
  }
}
