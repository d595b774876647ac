// Form registry: the form kind of the definitions (files under forms/ and admin-published versions
// → app/engine/definitions, decision 009) and what the engine does with a published form: its
// content checks, compiled validators and record validation. A published (formId, version) never
// changes; records store the version they were saved with.
import type { ValidateFunction } from "ajv";
import type { Db } from "~/utils/db.server";
import { singleton } from "~/utils/singleton.server";
import { createAjv, toFieldErrors, type FieldErrors } from "./validator";
import { checkRules, type FieldRule } from "./rules";
import { checkDictionaryRefs, dictionaryFields } from "./dictionaries.server";
import { checkFileRefs } from "./file-storage.server";
import { fileFieldProblems } from "./file-kinds";
import { branchProperties } from "./format-value";
import { draftErrors } from "./draft-check";
import { contentHash } from "./definitions/hash";
import { DefinitionError } from "./definitions/errors";
import { getDefinition, loadDefinitionFiles, metaSchemaOf, metaSchemaProblems, syncDefinitionFiles } from "./definitions/lifecycle.server";
import { formKind } from "./definitions/kinds/form.server";

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

/** A refused definition (every kind; the name is older than the definitions module). */
export { DefinitionError as FormConfigError };

export function hashForm(f: Pick<FormDefinition, "kind" | "title" | "schema" | "uiSchema" | "meta">): string {
  return contentHash({ kind: f.kind, title: f.title, schema: f.schema, uiSchema: f.uiSchema, meta: f.meta ?? {} });
}

const strictAjv = () => singleton("ajv.strict", () => createAjv({ strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true }));
const runtimeAjv = () => singleton("ajv.runtime", () => createAjv());
const validatorCache = () => singleton("ajv.validators", () => new Map<string, ValidateFunction>());
const stats = singleton("ajv.stats", () => ({ hits: 0, misses: 0 }));

/** Problems with one form definition (meta-schema, strict schema compile, references). */
export function checkFormDefinition(def: unknown, source: string, o: { dictionaries?: Set<string> } = {}): string[] {
  const meta = metaSchemaProblems(formKind, def, source);
  return meta.length ? meta : checkFormContent(def as FormDefinition, source, o);
}

/**
 * The checks after the meta-schema: strict compile, dictionaries, file fields, field references.
 * `dictionaries`: the ids an x-dictionary may name (a form file: the dictionary files); without it
 * the publisher checks them against the published dictionaries (admin input may name one an
 * administrator declared).
 */
export function checkFormContent(form: FormDefinition, source: string, o: { dictionaries?: Set<string> } = {}): string[] {
  const problems: string[] = [];
  try {
    strictAjv().compile({ ...form.schema, $id: undefined });
  } catch (e) {
    problems.push(`${source}: schema 无法编译：${(e as Error).message}`);
  }
  const dictionaries = o.dictionaries;
  for (const f of dictionaries ? dictionaryFields(form.schema) : []) {
    if (!dictionaries!.has(f.dictionary)) problems.push(`${source}: 字段 ${f.path.join(".")} 引用了未知字典 "${f.dictionary}"`);
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
  const checkMeta = metaSchemaOf(formKind).validate;
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
  const branch = new Set(Object.keys(branchProperties(form.schema)));
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

/** Every form file under forms/ (not _meta), checked. Throws FormConfigError listing all problems. */
export function readFormFiles(dir?: string): { file: string; def: FormDefinition }[] {
  return loadDefinitionFiles(formKind, dir).map(({ file, def }) => ({ file, def }));
}

/** Publishes the form files into the DB (decision 001): see syncDefinitionFiles. */
export function syncFormFiles(db: Db, dir?: string) {
  return syncDefinitionFiles(db, formKind, dir);
}

/** A published form: the given version, or the latest. Published versions are cached forever. */
export function getForm(db: Db, formId: string, version?: number): Promise<PublishedForm | null> {
  return getDefinition(db, formKind, formId, version);
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
