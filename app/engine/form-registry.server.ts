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
import { checkedContent, getDefinition, loadDefinitionFiles, metaSchemaOf, syncDefinitionFiles, type Published } from "./definitions/lifecycle.server";
import { formKind } from "./definitions/kinds/form.server";
import { compileProblems, sameValueBranches, schemaPath, subschemas } from "./schema-compile";
import { uiProblems } from "./ui-registry";
import type { FormDefinition as FormFile, FormMeta } from "./definitions/types.generated";

/** A form as the engine holds it: the meta-schema's shape (generated), meta always present (loading defaults it). */
export type FormDefinition = Omit<FormFile, "$schema" | "formatVersion" | "meta"> & { meta: FormMeta };
export type PublishedForm = Published<FormDefinition>;

/** A refused definition (every kind; the name is older than the definitions module). */
export { DefinitionError as FormConfigError };

export function hashForm(f: Pick<FormDefinition, "kind" | "title" | "schema" | "uiSchema" | "meta">): string {
  return contentHash({ kind: f.kind, title: f.title, schema: f.schema, uiSchema: f.uiSchema, meta: f.meta ?? {} });
}

const runtimeAjv = () => singleton("ajv.runtime", () => createAjv());
const validatorCache = () => singleton("ajv.validators", () => new Map<string, ValidateFunction>());
const stats = singleton("ajv.stats", () => ({ hits: 0, misses: 0 }));

export interface ContentCheckOptions { compile?: boolean; dictionaries?: Set<string> }

/** Problems with one form definition (meta-schema, strict schema compile, references). */
export function checkFormDefinition(def: unknown, source: string, o: ContentCheckOptions = {}): string[] {
  const checked = checkedContent(formKind, def, source);
  return "problems" in checked ? checked.problems : checkFormContent(formKind.toDef(checked.content), source, o);
}

/**
 * The checks after the meta-schema: strict compile (compileProblems), the uiSchema's widget, field and
 * template names (uiProblems), dictionaries, file fields, field references. Every problem at once.
 * `compile: false` skips the compile (the caller found the schema unsafe to compile).
 * `dictionaries`: the ids an x-dictionary may name (a form file: the dictionary files); without it
 * the publisher checks them against the published dictionaries (admin input may name one an
 * administrator declared).
 */
export function checkFormContent(form: FormDefinition, source: string, o: ContentCheckOptions = {}): string[] {
  const problems: string[] = [];
  const at = source ? `${source}: ` : "";
  if (o.compile !== false) problems.push(...compileProblems(form.schema).map((p) => `${at}${p}`));
  problems.push(...uiProblems(form.schema, form.uiSchema).map((p) => `${at}${p.message}`));
  const dictionaries = o.dictionaries;
  for (const f of dictionaries ? dictionaryFields(form.schema) : []) {
    if (!dictionaries!.has(f.dictionary)) problems.push(`${at}字段 ${f.path.join(".")} 引用了未知字典 "${f.dictionary}"`);
  }
  for (const p of fileFieldProblems(form.schema)) problems.push(`${at}${p}`);
  problems.push(...unreachedEngineKeywords(form.schema).map((p) => `${at}${p}`));
  problems.push(...checkFieldReferences(form).map((p) => `${at}${p}`));
  return problems;
}

/**
 * x-file and x-dictionary are checked on save (file owner and type, dictionary values) where the
 * engine looks for them: in properties and list items, from the root, and in the branches that
 * describe the same value (allOf/anyOf/oneOf, if/then/else, dependencies — the designer's
 * conditional fields). Written anywhere else (a definition reached by $ref, not, contains …) they
 * would be accepted unchecked: refused, with where to write them.
 */
function unreachedEngineKeywords(schema: unknown): string[] {
  const reached = new Set<unknown>();
  const walk = (s: any) => {
    if (!s || typeof s !== "object" || reached.has(s)) return;
    reached.add(s);
    for (const sub of Object.values(s.properties ?? {})) walk(sub);
    if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) walk(s.items);
    for (const branch of sameValueBranches(s)) walk(branch);
  };
  walk(schema);
  const out: string[] = [];
  for (const { node, pointer } of subschemas(schema)) {
    for (const key of ["x-file", "x-dictionary"]) {
      if (key in node && !reached.has(node)) out.push(`${schemaPath(pointer)}：${key} 只能写在 properties（或列表的 items、条件分支 allOf/anyOf/oneOf、if/then/else、dependencies）中的字段上，不能写在 definitions、not、contains 等处（那里的值在保存时无法核对）`);
    }
  }
  return out;
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

const SHAPE_RULE = "（标题字段、列表列等须是每条记录都有的字段：写在 schema.properties、allOf 的各项中，或 oneOf/anyOf 的每个分支都有）";
const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

/** A local "#/definitions/…" reference followed (a few steps), else the schema itself. */
function derefLocal(s: unknown, root: Record<string, any>): any {
  let node: any = s;
  for (let i = 0; i < 8 && isObj(node) && typeof node.$ref === "string" && node.$ref.startsWith("#/"); i++) {
    let t: any = root;
    for (const seg of node.$ref.slice(2).split("/")) t = isObj(t) ? t[decodeURIComponent(seg).replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    if (!isObj(t)) break;
    node = t;
  }
  return node;
}

/**
 * The fields every record of a schema has a place for, with their schemas: the root's properties,
 * those of allOf entries, and those every branch of a oneOf/anyOf defines; `required`: the fields
 * every record must have (the same way); `ordered`: the root's and allOf's (what RJSF orders).
 */
export function recordShape(schema: unknown): { fields: Record<string, any>; required: Set<string>; ordered: string[] } {
  const root = isObj(schema) ? schema : {};
  const walk = (raw: unknown, depth: number): { fields: Record<string, any>; required: Set<string>; ordered: string[] } => {
    const s = derefLocal(raw, root);
    const out = { fields: {} as Record<string, any>, required: new Set<string>(), ordered: [] as string[] };
    if (!isObj(s) || depth > 8) return out;
    const add = (name: string, sub: any, ordered: boolean) => {
      if (!(name in out.fields)) out.fields[name] = derefLocal(sub, root);
      if (ordered && !out.ordered.includes(name)) out.ordered.push(name);
    };
    for (const [k, v] of Object.entries(isObj(s.properties) ? s.properties : {})) add(k, v, true);
    for (const r of Array.isArray(s.required) ? s.required : []) if (typeof r === "string") out.required.add(r);
    for (const entry of Array.isArray(s.allOf) ? s.allOf : []) {
      const e = walk(entry, depth + 1);
      for (const k of e.ordered) add(k, e.fields[k], true);
      for (const [k, v] of Object.entries(e.fields)) add(k, v, false);
      e.required.forEach((r) => out.required.add(r));
    }
    for (const key of ["oneOf", "anyOf"]) {
      const branches = Array.isArray(s[key]) ? s[key].map((b: unknown) => walk(b, depth + 1)) : [];
      if (!branches.length) continue;
      for (const [k, v] of Object.entries(branches[0].fields)) if (branches.every((b: any) => k in b.fields)) add(k, v, false);
      for (const r of branches[0].required) if (branches.every((b: any) => b.required.has(r))) out.required.add(r);
    }
    return out;
  };
  return walk(root, 0);
}

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean"]);

/** Whether a field holds one text/number/是否 value (a nullable one too), as a title must. */
function isScalar(s: unknown, root: Record<string, any>): boolean {
  const f = derefLocal(s, root);
  if (!isObj(f)) return false;
  const types = Array.isArray(f.type) ? f.type.filter((t: unknown) => t !== "null") : f.type === undefined ? [] : [f.type];
  if (types.length) return types.every((t: unknown) => SCALAR_TYPES.has(t as string));
  const values = Array.isArray(f.enum) ? f.enum : "const" in f ? [f.const] : null;
  return !!values && values.every((v: unknown) => v === null || SCALAR_TYPES.has(typeof v));
}

/** Whether a field is a list of scalar values (a multi-select, files): a list cell joins them. */
function isScalarList(s: unknown, root: Record<string, any>): boolean {
  const f = derefLocal(s, root);
  return isObj(f) && (f.type === "array" || (Array.isArray(f.type) && f.type.includes("array"))) && isObj(f.items) && isScalar(f.items, root);
}

/** What one list cell can show as text (format-value.ts joins lists and an object's subfields): a
 * scalar, a list of scalars, or an object of those. */
function isCellValue(s: unknown, root: Record<string, any>): boolean {
  if (isScalar(s, root) || isScalarList(s, root)) return true;
  const f = derefLocal(s, root);
  return isObj(f) && f.type === "object" && isObj(f.properties) && Object.values(f.properties).every((p) => isScalar(p, root) || isScalarList(p, root));
}

const TYPE_WORDS: Record<string, string> = { object: "对象（含多个子字段）", array: "列表", null: "空值", string: "文本", number: "数字", integer: "整数", boolean: "是/否" };
function typeName(s: unknown, root: Record<string, any>): string {
  const f = derefLocal(s, root);
  const t = isObj(f) ? (Array.isArray(f.type) ? f.type.join("/") : f.type) : undefined;
  return typeof t === "string" ? t.split("/").map((x) => TYPE_WORDS[x] ?? x).join("或") : "未声明类型的字段";
}

/**
 * Every field a definition names outside its schema (uiSchema keys and ui:order, and the meta
 * entries: title field, list columns, search, sort, declared rules, citation import mapping)
 * must be a property of the schema, so a typo fails when the file is loaded, not on a page.
 */
export function checkFieldReferences(form: Pick<FormDefinition, "schema" | "uiSchema" | "meta">): string[] {
  const { fields: props, required: alwaysRequired, ordered } = recordShape(form.schema);
  const names = ordered;
  const isField = (name: unknown): name is string => typeof name === "string" && Object.prototype.hasOwnProperty.call(props, name);
  const problems: string[] = [];
  const ref = (where: string, name: unknown) => {
    if (!isField(name)) problems.push(`${where} 引用的字段 "${String(name)}" 不在 schema.properties 中${SHAPE_RULE}`);
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
  for (const [key, field] of Object.entries(meta.identityFields ?? {})) ref(`meta.identityFields.${key}`, field);
  // An entry is named by its title field in lists, reviews and PDFs: every entry must have one.
  if (isField(meta.titleField) && !alwaysRequired.has(meta.titleField)) {
    problems.push(`meta.titleField "${meta.titleField}" 应为必填字段（加入 schema.required）`);
  }
  // The title names an entry as text in lists, reviews and PDFs: a scalar value.
  if (isField(meta.titleField) && !isScalar(props[meta.titleField], form.schema)) {
    problems.push(`meta.titleField "${meta.titleField}" 应为文本或数字字段（现为${typeName(props[meta.titleField], form.schema)}）：列表、审核和 PDF 中用它称呼一条记录`);
  }
  (meta.listColumns ?? []).forEach((c: any, i: number) => {
    for (const k of ["field", "to"]) {
      const name = c?.[k];
      if (isField(name) && !isCellValue(props[name], form.schema)) {
        problems.push(`meta.listColumns[${i}].${k} "${name}" 应为文本、数字、日期、是/否、选项列表，或只含这些子字段的对象（现为${typeName(props[name], form.schema)}，含多层内容），才能在列表的一格中显示`);
      }
    }
  });
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
