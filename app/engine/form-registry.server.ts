// Form registry: forms/**/*.json → published versions in the DB → compiled validators.
// A published (formId, version) never changes; records store the version they were saved with.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ValidateFunction } from "ajv";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { createAjv, toFieldErrors, type FieldErrors } from "./validator";
import { checkRules, type FieldRule } from "./rules";
import { checkDictionaryRefs, dictionaryFields, DICTIONARIES } from "./dictionaries.server";
import { checkFileRefs } from "./file-storage.server";
import { fileFieldProblems } from "./file-kinds";
import { draftErrors } from "./draft-check";

export interface FormDefinition {
  id: string;
  version: number;
  kind: string;
  title: string;
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  meta: Record<string, any>;
}
export interface PublishedForm extends FormDefinition {
  hash: string;
  createdBy: string;
  createdAt: Date;
}

export class FormConfigError extends Error {
  constructor(public problems: string[]) {
    super(`配置有误：\n${problems.join("\n")}`);
  }
}

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export function hashForm(f: Pick<FormDefinition, "kind" | "title" | "schema" | "uiSchema" | "meta">): string {
  return crypto.createHash("sha256").update(canonical({ kind: f.kind, title: f.title, schema: f.schema, uiSchema: f.uiSchema, meta: f.meta ?? {} })).digest("hex");
}

const strictAjv = () => singleton("ajv.strict", () => createAjv({ strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true }));
const runtimeAjv = () => singleton("ajv.runtime", () => createAjv());
const validatorCache = () => singleton("ajv.validators", () => new Map<string, ValidateFunction>());
const stats = singleton("ajv.stats", () => ({ hits: 0, misses: 0 }));

/** Problems with one form definition (meta-schema, strict schema compile, references). */
export function checkFormDefinition(def: unknown, source: string): string[] {
  const ajv = strictAjv();
  const metaSchema = readMetaSchema();
  const checkMeta = ajv.getSchema(metaSchema.$id) ?? ajv.compile(metaSchema);
  if (!checkMeta(def)) {
    return Object.entries(toFieldErrors(checkMeta.errors)).map(([p, m]) => `${source}: ${p || "(根)"} ${m.join("；")}`);
  }
  const form = def as FormDefinition;
  const problems: string[] = [];
  try {
    ajv.compile({ ...form.schema, $id: undefined });
  } catch (e) {
    problems.push(`${source}: schema 无法编译：${(e as Error).message}`);
  }
  for (const f of dictionaryFields(form.schema)) {
    if (!DICTIONARIES[f.dictionary]) problems.push(`${source}: 字段 ${f.path.join(".")} 引用了未知字典 "${f.dictionary}"`);
  }
  for (const p of fileFieldProblems(form.schema)) problems.push(`${source}: ${p}`);
  problems.push(...checkFieldReferences(form).map((p) => `${source}: ${p}`));
  return problems;
}

/**
 * Problems with a form definition draft (the designer's 【保存草稿】) against the meta-schema with
 * missing values allowed (draftErrors): unfinished, but no unknown keys, wrong types or over-long
 * values. The full check (checkFormDefinition) runs on publish.
 */
export function checkFormDraftShape(def: unknown, source: string): string[] {
  const ajv = strictAjv();
  const metaSchema = readMetaSchema();
  const checkMeta = ajv.getSchema(metaSchema.$id) ?? ajv.compile(metaSchema);
  if (checkMeta(def)) return [];
  return Object.entries(toFieldErrors(draftErrors(checkMeta.errors))).map(([p, m]) => `${source}: ${p || "(根)"} ${m.join("；")}`);
}

const NUMERIC = new Set(["number", "integer"]);
const DATE_FORMATS = new Set(["date", "year-month"]);

/** Which kind of value a declared rule can compare a field as: "number", "date" or null (not comparable). */
function comparableKind(s: any): "number" | "date" | null {
  if (!s || typeof s !== "object") return null;
  if (NUMERIC.has(s.type)) return "number";
  if (s.type === "string" && DATE_FORMATS.has(s.format)) return "date";
  return null;
}

/** The schema of a dotted field path ("a.b" walks nested object properties), or undefined. */
function fieldSchema(schema: Record<string, any>, dotted: string): any {
  let node: any = schema;
  for (const seg of dotted.split(".")) {
    const props = node?.properties;
    if (!props || typeof props !== "object" || !Object.prototype.hasOwnProperty.call(props, seg)) return undefined;
    node = props[seg];
  }
  return node;
}

/**
 * Every field a definition names outside its schema (uiSchema keys and ui:order, and the meta
 * entries: title field, list columns, search, sort, declared rules, citation import mapping)
 * must be a property of the schema, so a typo fails when the file is loaded, not on a page.
 */
export function checkFieldReferences(form: Pick<FormDefinition, "schema" | "uiSchema" | "meta">): string[] {
  const props: Record<string, any> = form.schema?.properties ?? {};
  const names = Object.keys(props);
  const isField = (name: unknown) => typeof name === "string" && Object.prototype.hasOwnProperty.call(props, name);
  const problems: string[] = [];
  const ref = (where: string, name: unknown) => {
    if (!isField(name)) problems.push(`${where} 引用的字段 "${String(name)}" 不在 schema.properties 中`);
  };

  // uiSchema may also name fields defined only in a conditional branch (allOf/if/then,
  // dependencies, oneOf/anyOf): RJSF shows them while the branch applies.
  const branch = branchFieldNames(form.schema);
  const uiRef = (where: string, name: unknown) => {
    if (!isField(name) && !(typeof name === "string" && branch.has(name))) ref(where, name);
  };
  const ui = form.uiSchema ?? {};
  for (const key of Object.keys(ui)) if (!key.startsWith("ui:")) uiRef(`uiSchema`, key);
  const order = ui["ui:order"];
  if (order !== undefined) {
    if (!Array.isArray(order) || order.some((k) => typeof k !== "string")) {
      problems.push(`uiSchema.ui:order 应为字段名列表`);
    } else {
      const seen = new Set<string>();
      for (const k of order as string[]) {
        if (seen.has(k)) problems.push(`uiSchema.ui:order 中 "${k}" 重复`);
        seen.add(k);
        if (k !== "*") uiRef("uiSchema.ui:order", k);
      }
      if (!seen.has("*")) {
        const missing = names.filter((n) => !seen.has(n));
        if (missing.length) problems.push(`uiSchema.ui:order 缺少字段 ${missing.map((m) => `"${m}"`).join("、")}（或加入 "*" 表示其余字段）`);
      }
    }
  }

  const meta = form.meta ?? {};
  for (const key of ["titleField", "unitField", "displayNameField"] as const) {
    if (meta[key] !== undefined) ref(`meta.${key}`, meta[key]);
  }
  // An entry is named by its title field in lists, reviews and PDFs: every entry must have one.
  if (isField(meta.titleField) && !(form.schema.required ?? []).includes(meta.titleField)) {
    problems.push(`meta.titleField "${meta.titleField}" 应为必填字段（加入 schema.required）`);
  }
  (meta.listColumns ?? []).forEach((c: any, i: number) => {
    ref(`meta.listColumns[${i}].field`, c.field);
    if (c.to !== undefined) ref(`meta.listColumns[${i}].to`, c.to);
  });
  (meta.searchFields ?? []).forEach((f: string, i: number) => ref(`meta.searchFields[${i}]`, f));
  if (meta.defaultSort) ref("meta.defaultSort.field", meta.defaultSort.field);
  (meta.rules ?? []).forEach((r: any, i: number) => {
    const a = fieldSchema(form.schema, r.field);
    const b = fieldSchema(form.schema, r.than);
    if (!a) problems.push(`meta.rules[${i}].field 引用的字段 "${r.field}" 不在 schema.properties 中`);
    if (!b) problems.push(`meta.rules[${i}].than 引用的字段 "${r.than}" 不在 schema.properties 中`);
    if (a && b) {
      const [ka, kb] = [comparableKind(a), comparableKind(b)];
      if (!ka || ka !== kb) {
        problems.push(`meta.rules[${i}] 比较的字段 "${r.field}" 与 "${r.than}" 无法比较（应同为数字，或同为日期/年月）`);
      }
    }
  });
  const ci = meta.citationImport;
  if (ci) {
    for (const key of Object.keys(ci.map ?? {})) ref("meta.citationImport.map", key);
    for (const [k, v] of Object.entries(ci.dedupe ?? {})) ref(`meta.citationImport.dedupe.${k}`, v);
  }
  return problems;
}

/** Names of the properties a schema defines in its conditional branches (one level: the root object's). */
function branchFieldNames(schema: Record<string, any> | undefined): Set<string> {
  const out = new Set<string>();
  const obj = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);
  const add = (s: unknown) => {
    if (!obj(s)) return;
    if (obj(s.properties)) for (const k of Object.keys(s.properties)) out.add(k);
    for (const key of ["then", "else"]) add(s[key]);
    for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[key])) s[key].forEach(add);
  };
  if (!obj(schema)) return out;
  for (const key of ["then", "else"]) add(schema[key]);
  for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(schema[key])) schema[key].forEach(add);
  if (obj(schema.dependencies)) for (const d of Object.values(schema.dependencies)) add(d);
  return out;
}

let metaCache: any;
function readMetaSchema() {
  metaCache ??= JSON.parse(fs.readFileSync(path.join(formsDir(), "_meta", "form.schema.json"), "utf8"));
  return metaCache;
}

export function formsDir() {
  return getEnv().formsDir;
}

/** Every form file under forms/ (not _meta), checked. Throws FormConfigError listing all problems. */
export function readFormFiles(dir = formsDir()): { file: string; def: FormDefinition }[] {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json") && !f.split(path.sep).includes("_meta"))
    .sort();
  const out: { file: string; def: FormDefinition }[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  // Achievement categories are listed by meta.order: two categories may not share a position
  // (versions of the same category may).
  const orders = new Map<number, { id: string; source: string }>();
  for (const rel of files) {
    const source = `forms/${rel}`;
    let def: unknown;
    try {
      def = JSON.parse(fs.readFileSync(path.join(dir, rel), "utf8"));
    } catch (e) {
      problems.push(`${source}: 不是合法的 JSON：${(e as Error).message}`);
      continue;
    }
    const p = checkFormDefinition(def, source);
    if (p.length) { problems.push(...p); continue; }
    const form = def as FormDefinition;
    const key = `${form.id}@${form.version}`;
    if (seen.has(key)) problems.push(`${source}: ${key} 与 ${seen.get(key)} 重复`);
    seen.set(key, source);
    if (form.kind === "achievement" && typeof form.meta?.order === "number") {
      const other = orders.get(form.meta.order);
      if (other && other.id !== form.id) {
        problems.push(`${source}: meta.order ${form.meta.order} 与 ${other.source}（${other.id}）重复；业绩类别的顺序不能相同`);
      } else if (!other) {
        orders.set(form.meta.order, { id: form.id, source });
      }
    }
    out.push({ file: source, def: { ...form, meta: form.meta ?? {} } });
  }
  if (problems.length) throw new FormConfigError(problems);
  return out;
}

/**
 * Publishes the form files into the DB. A file version already published with the same content
 * is skipped; one published with different content is an error (published versions are immutable).
 */
export async function syncFormFiles(db: Db, dir = formsDir()) {
  const { FormVersion } = db.models;
  const problems: string[] = [];
  let published = 0;
  for (const { file, def } of readFormFiles(dir)) {
    const hash = hashForm(def);
    const existing = await FormVersion.findOne({ where: { formId: def.id, version: def.version } });
    if (existing) {
      if (existing.hash !== hash) {
        problems.push(`${file}: ${def.id} 的第 ${def.version} 版已发布且内容不同；已发布的版本不可修改，请把 version 加 1`);
      }
      continue;
    }
    await FormVersion.create({
      formId: def.id, version: def.version, kind: def.kind, title: def.title,
      schema: def.schema, uiSchema: def.uiSchema, meta: def.meta, hash, createdBy: `seed:${file}`,
    });
    published++;
  }
  if (problems.length) throw new FormConfigError(problems);
  return { published };
}

// Published versions never change, so they are cached for the life of the process, per database.
const publishedCaches = () => singleton("forms.published", () => new WeakMap<object, Map<string, PublishedForm>>());
function publishedCache(db: Db) {
  const all = publishedCaches();
  let cache = all.get(db.sequelize);
  if (!cache) all.set(db.sequelize, (cache = new Map()));
  return cache;
}

function toPublished(row: any): PublishedForm {
  return {
    id: row.formId, version: row.version, kind: row.kind, title: row.title,
    schema: row.schema, uiSchema: row.uiSchema, meta: row.meta ?? {},
    hash: row.hash, createdBy: row.createdBy, createdAt: row.createdAt,
  };
}

/** A published form: the given version, or the latest. Published versions are cached forever. */
export async function getForm(db: Db, formId: string, version?: number): Promise<PublishedForm | null> {
  const { FormVersion } = db.models;
  if (version === undefined) {
    const latest = await FormVersion.max("version", { where: { formId } });
    if (latest === null || latest === undefined) return null;
    version = Number(latest);
  }
  const key = `${formId}@${version}`;
  const cache = publishedCache(db);
  const hit = cache.get(key);
  if (hit) return hit;
  const row = await FormVersion.findOne({ where: { formId, version } });
  if (!row) return null;
  const form = toPublished(row.get({ plain: true }));
  cache.set(key, form);
  return form;
}

export function compiledValidator(form: Pick<PublishedForm, "hash" | "schema">): ValidateFunction {
  const cache = validatorCache();
  let fn = cache.get(form.hash);
  if (fn) {
    stats.hits++;
    return fn;
  }
  stats.misses++;
  fn = runtimeAjv().compile({ ...form.schema, $id: undefined });
  cache.set(form.hash, fn);
  return fn;
}

export function validatorStats() {
  return { ...stats, size: validatorCache().size };
}

export type ValidationResult = { ok: true; data: Record<string, unknown> } | { ok: false; fieldErrors: FieldErrors };

/**
 * Validates a record against a published form: schema (Ajv), declared rules, then references
 * (DB): dictionary values, and, when `ownerId` is given, file keys (each must be a file of that
 * owner, of a type the field accepts).
 */
export async function validateRecord(db: Db, form: PublishedForm, data: unknown, opts: { ownerId?: number } = {}): Promise<ValidationResult> {
  const validate = compiledValidator(form);
  if (!validate(data)) return { ok: false, fieldErrors: toFieldErrors(validate.errors) };
  const ruleErrors = checkRules(form.meta.rules as FieldRule[] | undefined, data);
  if (Object.keys(ruleErrors).length) return { ok: false, fieldErrors: ruleErrors };
  const refErrors = await checkDictionaryRefs(db, form.schema, data);
  if (opts.ownerId !== undefined) {
    for (const [path, msgs] of Object.entries(await checkFileRefs(db, form.schema, data, opts.ownerId))) (refErrors[path] ??= []).push(...msgs);
  }
  if (Object.keys(refErrors).length) return { ok: false, fieldErrors: refErrors };
  return { ok: true, data: data as Record<string, unknown> };
}

/**
 * A draft of a record (a wizard step left with 【上一步】): the form's schema with missing values
 * allowed (draftErrors), so a draft may be incomplete but never larger than the schema allows nor
 * of a shape it does not declare. Declared rules and references are checked when it is completed.
 */
export function validateDraft(form: Pick<PublishedForm, "hash" | "schema">, data: unknown): ValidationResult {
  if (!data || typeof data !== "object" || Array.isArray(data)) return { ok: false, fieldErrors: { "": ["提交的数据格式不正确"] } };
  const validate = compiledValidator(form);
  if (validate(data)) return { ok: true, data: data as Record<string, unknown> };
  const errors = draftErrors(validate.errors);
  return errors.length ? { ok: false, fieldErrors: toFieldErrors(errors) } : { ok: true, data: data as Record<string, unknown> };
}

/**
 * The top-level fields of a stored record that pass the form's schema (missing values allowed):
 * a field that fails it — stored before drafts were checked, or written by hand — is left out
 * rather than shown raw. Errors that name no field (e.g. an unknown key) drop nothing declared.
 */
export function validFields(form: Pick<PublishedForm, "hash" | "schema">, data: unknown): Record<string, unknown> {
  if (!data || typeof data !== "object" || Array.isArray(data)) return {};
  const record = data as Record<string, unknown>;
  const validate = compiledValidator(form);
  if (validate(record)) return record;
  const bad = new Set(draftErrors(validate.errors).map((e) => e.instancePath.split("/")[1]).filter((k): k is string => !!k));
  if (!bad.size) return record;
  return Object.fromEntries(Object.entries(record).filter(([k]) => !bad.has(k.replace(/~/g, "~0").replace(/\//g, "~1"))));
}
