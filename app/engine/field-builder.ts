// The form designer's visual field builder: a flat list of fields ↔ JSON Schema (draft-07) +
// uiSchema + meta.listColumns. Pure and client-safe (no Node imports).
//
// Shapes written for each field type (and recognised when reading a definition back):
//   text        { type: "string", maxLength, minLength? }
//   textarea    same, uiSchema "ui:widget": "textarea"
//   number      { type: "number", minimum?, maximum? }   integer: { type: "integer", … }
//   date        { type: "string", format: "date", maxLength: 10 }
//   year-month  { type: "string", format: "year-month", maxLength: 7 }, "ui:widget": "year-month"
//   select      { type: "string", enum: [...] }
//   multiselect { type: "array", items: { type: "string", enum: [...] }, uniqueItems: true, minItems?, maxItems? }
//   boolean     { type: "boolean" }
//   file        the x-file shape of file-kinds.ts, "ui:widget": "file-upload"
//   id-card / mobile / email / url   { type: "string", format: cn-id-card | cn-mobile | email | uri, maxLength }
//   dictionary  { type: "integer", "x-dictionary": <dictionary id> }, "ui:widget": "dictionary-search"
//               (字典选择: a row of a published dictionary, picked by keyword search, stored by id)
// A required array (multi-select, file) also gets minItems ≥ 1: RJSF submits [] for an untouched list.
//
// Conditional visibility ("show when field X = value") is an allOf entry of the root schema:
//   { "if": { "properties": { X: { "const": value } }, "required": [X] },
//     "then": { "properties": { Y: {…} }, "required": [Y]? } }
// RJSF merges the "then" branch into the rendered schema only while X = value, and Ajv (server and
// browser) requires Y only then. Such a field is not in the root properties, so additionalProperties
// false would refuse it: a form with conditional fields restricts its keys with propertyNames instead.
//
// Anything else (nested objects, patterns, other allOf/dependencies/oneOf …) is kept
// verbatim and reported as "仅可在 JSON 视图中编辑". A plain text field pasted without maxLength or
// title is edited as 单行/多行文本 (it keeps no maxLength until one is set; the label is its name).
import { FILE_KEY_PATTERN } from "./file-kinds";

export const FIELD_TYPES = [
  "text", "textarea", "number", "integer", "date", "year-month", "select", "multiselect",
  "boolean", "file", "id-card", "mobile", "email", "url", "dictionary",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldType | "json", string> = {
  text: "单行文本", textarea: "多行文本", number: "数字", integer: "整数", date: "日期", "year-month": "年月",
  select: "单选", multiselect: "多选", boolean: "是/否", file: "附件", "id-card": "身份证号", mobile: "手机号",
  email: "电子邮箱", url: "网址", dictionary: "字典选择", json: "其他（仅 JSON）",
};

export type ShowWhenValue = string | number | boolean;

export interface BuilderField {
  name: string;
  label: string;
  /** "json": a field the builder cannot represent; `raw` holds it unchanged. */
  type: FieldType | "json";
  required: boolean;
  /** number/integer: minimum/maximum; multiselect/file: minItems/maxItems is min/max count. */
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  options?: string[];
  help?: string;
  listColumn: boolean;
  showWhen?: { field: string; equals: ShowWhenValue };
  file?: { accept: string[]; maxSize: number; maxCount?: number };
  /** dictionary: the id of the dictionary a row is picked from. */
  dictionary?: string;
  /** Other uiSchema keys of the field (ui:placeholder …), kept as they were. */
  ui?: Record<string, unknown>;
  /** Schema "default", kept as it was. */
  default?: unknown;
  /** type "json": the field's schema, as written. */
  raw?: Record<string, unknown>;
}

export interface Definition {
  title: string;
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  meta: Record<string, any>;
}

export const UNSUPPORTED = "仅可在 JSON 视图中编辑";

/** maxLength a format field gets when the admin sets none (schema safety requires one). */
const FORMAT_MAX: Record<string, number> = { date: 10, "year-month": 7, "cn-id-card": 18, "cn-mobile": 11, email: 100, uri: 500 };
const FORMAT_OF: Partial<Record<FieldType, string>> = {
  date: "date", "year-month": "year-month", "id-card": "cn-id-card", mobile: "cn-mobile", email: "email", url: "uri",
};
const TYPE_OF_FORMAT: Record<string, FieldType> = Object.fromEntries(Object.entries(FORMAT_OF).map(([t, f]) => [f, t as FieldType]));
const FILE_ITEM = { type: "string", pattern: FILE_KEY_PATTERN.source, maxLength: 52 };
const DEFAULT_TEXT_MAX = 200;
const WIDGET_OF: Partial<Record<FieldType, string>> = { textarea: "textarea", "year-month": "year-month", file: "file-upload", dictionary: "dictionary-search" };

export function newField(type: FieldType, taken: string[]): BuilderField {
  let i = taken.length + 1;
  while (taken.includes(`field${i}`)) i++;
  const f: BuilderField = { name: `field${i}`, label: `新字段 ${i}`, type, required: false, listColumn: false };
  return normaliseType(f, type);
}

/** The field as it should be after its type changes to `type` (drops what the new type has no use for). */
export function normaliseType(f: BuilderField, type: FieldType): BuilderField {
  const out: BuilderField = { name: f.name, label: f.label, type, required: f.required, help: f.help, listColumn: f.listColumn, showWhen: f.showWhen, ui: f.ui };
  if (type === "text" || type === "textarea") { out.maxLength = f.maxLength ?? (type === "text" ? DEFAULT_TEXT_MAX : 2000); out.minLength = f.minLength; }
  if (FORMAT_OF[type]) out.maxLength = type === "email" || type === "url" ? f.maxLength ?? FORMAT_MAX[FORMAT_OF[type]!] : undefined;
  if (type === "number" || type === "integer" || type === "multiselect") { out.min = f.min; out.max = f.max; }
  if (type === "select" || type === "multiselect") out.options = f.options?.length ? f.options : ["选项一", "选项二"];
  if (type === "file") out.file = f.file ?? { accept: ["application/pdf", "image/jpeg", "image/png"], maxSize: 10 * 1024 * 1024, maxCount: 5 };
  if (type === "dictionary") out.dictionary = f.dictionary ?? "";
  return out;
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The schema of one (non-json) field. */
export function fieldSchema(f: BuilderField): Record<string, any> {
  if (f.type === "json") return f.raw ?? {};
  const base = { title: f.label };
  const dflt = f.default === undefined ? {} : { default: f.default };
  switch (f.type) {
    case "text":
    case "textarea":
      // A pasted field without maxLength keeps none (new fields get DEFAULT_TEXT_MAX from normaliseType).
      return defined({ type: "string", ...base, maxLength: f.maxLength, minLength: f.minLength, ...dflt });
    case "number":
    case "integer":
      return defined({ type: f.type, ...base, minimum: f.min, maximum: f.max, ...dflt });
    case "select":
      return { type: "string", ...base, enum: [...(f.options ?? [])], ...dflt };
    case "multiselect":
      return defined({
        type: "array", ...base, items: { type: "string", enum: [...(f.options ?? [])] }, uniqueItems: true,
        minItems: f.required ? Math.max(f.min ?? 1, 1) : f.min, maxItems: f.max, ...dflt,
      });
    case "boolean":
      return { type: "boolean", ...base, ...dflt };
    case "dictionary":
      return { type: "integer", ...base, "x-dictionary": f.dictionary ?? "" };
    case "file": {
      const file = f.file ?? { accept: ["application/pdf"], maxSize: 10 * 1024 * 1024 };
      return defined({
        type: "array", ...base, items: { ...FILE_ITEM }, minItems: f.required ? 1 : undefined, maxItems: file.maxCount,
        "x-file": { accept: [...file.accept], maxSize: file.maxSize },
      });
    }
    default: {
      const format = FORMAT_OF[f.type]!;
      const fixed = f.type !== "email" && f.type !== "url";
      return { type: "string", ...base, format, maxLength: fixed ? FORMAT_MAX[format] : f.maxLength ?? FORMAT_MAX[format], ...dflt };
    }
  }
}

function fieldUi(f: BuilderField): Record<string, unknown> {
  const ui: Record<string, unknown> = { ...(f.ui ?? {}) };
  delete ui["ui:widget"];
  delete ui["ui:help"];
  if (f.type === "json") Object.assign(ui, f.ui ?? {});
  else if (WIDGET_OF[f.type]) ui["ui:widget"] = WIDGET_OF[f.type];
  if (f.help) ui["ui:help"] = f.help;
  return ui;
}

const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

/** Is this allOf entry one the builder writes (a single field shown when another equals a value)? */
function conditionalOf(entry: unknown): { field: string; equals: ShowWhenValue; name: string; schema: any; required: boolean } | null {
  if (!isObj(entry) || Object.keys(entry).sort().join() !== "if,then") return null;
  const { if: cond, then } = entry;
  if (!isObj(cond) || Object.keys(cond).sort().join() !== "properties,required" || !isObj(cond.properties)) return null;
  const keys = Object.keys(cond.properties);
  if (keys.length !== 1 || !Array.isArray(cond.required) || cond.required.length !== 1 || cond.required[0] !== keys[0]) return null;
  const c = cond.properties[keys[0]];
  if (!isObj(c) || Object.keys(c).join() !== "const" || !["string", "number", "boolean"].includes(typeof c.const)) return null;
  if (!isObj(then) || !isObj(then.properties) || Object.keys(then).some((k) => k !== "properties" && k !== "required")) return null;
  const names = Object.keys(then.properties);
  if (names.length !== 1) return null;
  const req = then.required;
  if (req !== undefined && !(Array.isArray(req) && req.length === 1 && req[0] === names[0])) return null;
  return { field: keys[0], equals: c.const, name: names[0], schema: then.properties[names[0]], required: !!req };
}

/** The field name of an allOf entry the builder owns (a representable conditional field), or null. */
function builderConditional(entry: unknown, props: Record<string, any>, ui: Record<string, any>): string | null {
  const c = conditionalOf(entry);
  if (!c || Object.prototype.hasOwnProperty.call(props, c.name) || !Object.prototype.hasOwnProperty.call(props, c.field)) return null;
  return readField(c.name, c.schema, ui[c.name], c.required) ? c.name : null;
}

const KNOWN_KEYS: Record<string, string[]> = {
  string: ["type", "title", "maxLength", "minLength", "format", "enum", "default"],
  number: ["type", "title", "minimum", "maximum", "default", "x-dictionary"],
  boolean: ["type", "title", "default"],
  array: ["type", "title", "items", "uniqueItems", "minItems", "maxItems", "x-file", "default"],
};

/** Reads one field's schema + ui; null when the builder cannot represent it. */
function readField(name: string, s: unknown, ui: unknown, required: boolean): BuilderField | null {
  // A field without a title (pasted JSON) is labelled by its name, as RJSF labels it.
  if (!isObj(s) || (s.title !== undefined && typeof s.title !== "string")) return null;
  const t = s.type === "integer" ? "number" : s.type;
  if (typeof t !== "string" || !KNOWN_KEYS[t] || Object.keys(s).some((k) => !KNOWN_KEYS[t].includes(k))) return null;
  const u: Record<string, unknown> = isObj(ui) ? { ...ui } : {};
  if (Object.keys(u).some((k) => !k.startsWith("ui:"))) return null; // nested uiSchema
  const widget = u["ui:widget"];
  const help = u["ui:help"];
  if (help !== undefined && typeof help !== "string") return null;
  delete u["ui:widget"];
  delete u["ui:help"];
  const f: BuilderField = { name, label: s.title ?? name, type: "text", required, listColumn: false, help: help as string | undefined };
  if (Object.keys(u).length) f.ui = u;
  if (s.default !== undefined) f.default = s.default;
  const int = (v: unknown) => v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 0);
  const num = (v: unknown) => v === undefined || typeof v === "number";
  const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");
  let type: FieldType | null = null;
  if (s.type === "string") {
    if (!int(s.maxLength) || !int(s.minLength)) return null;
    if (s.enum !== undefined) {
      if (!strings(s.enum) || s.format !== undefined || s.maxLength !== undefined || s.minLength !== undefined) return null;
      type = "select";
      f.options = [...s.enum];
    } else if (s.format !== undefined) {
      type = TYPE_OF_FORMAT[s.format] ?? null;
      if (!type || s.minLength !== undefined) return null;
      if (type === "email" || type === "url") f.maxLength = s.maxLength;
      else if (s.maxLength !== FORMAT_MAX[s.format]) return null;
    } else {
      type = widget === "textarea" ? "textarea" : "text";
      f.maxLength = s.maxLength;
      f.minLength = s.minLength;
    }
  } else if (s["x-dictionary"] !== undefined) {
    if (s.type !== "integer" || typeof s["x-dictionary"] !== "string" || s.minimum !== undefined || s.maximum !== undefined || s.default !== undefined) return null;
    type = "dictionary";
    f.dictionary = s["x-dictionary"];
  } else if (s.type === "number" || s.type === "integer") {
    if (!num(s.minimum) || !num(s.maximum)) return null;
    type = s.type;
    f.min = s.minimum;
    f.max = s.maximum;
  } else if (s.type === "boolean") type = "boolean";
  else if (s.type === "array") {
    if (!int(s.minItems) || !int(s.maxItems) || !isObj(s.items)) return null;
    const minItems = required && s.minItems === 1 ? undefined : s.minItems;
    if (s["x-file"] !== undefined) {
      const x = s["x-file"];
      const item = s.items;
      if (!isObj(x) || !strings(x.accept) || typeof x.maxSize !== "number" || Object.keys(x).some((k) => k !== "accept" && k !== "maxSize")) return null;
      if (JSON.stringify(item) !== JSON.stringify(FILE_ITEM) || s.uniqueItems !== undefined || minItems !== undefined || s.default !== undefined) return null;
      type = "file";
      f.file = defined({ accept: [...x.accept], maxSize: x.maxSize, maxCount: s.maxItems });
    } else {
      const it = s.items;
      if (s.uniqueItems !== true || Object.keys(it).sort().join() !== "enum,type" || it.type !== "string" || !strings(it.enum)) return null;
      type = "multiselect";
      f.options = [...it.enum];
      f.min = minItems;
      f.max = s.maxItems;
    }
  }
  if (!type) return null;
  // The widget must be the one the type implies (or none where RJSF's default is meant).
  if ((widget ?? null) !== (WIDGET_OF[type] ?? null)) return null;
  f.type = type;
  return defined(f);
}

export interface ReadResult {
  fields: BuilderField[];
  /** Chinese notes on what only the JSON view can edit (kept unchanged by fieldsToDefinition). */
  unsupported: string[];
}

/** The definition's fields, best effort: what the builder cannot represent is kept as type "json". */
export function definitionToFields(def: Definition): ReadResult {
  const schema = isObj(def.schema) ? def.schema : {};
  const ui = isObj(def.uiSchema) ? def.uiSchema : {};
  const props: Record<string, any> = isObj(schema.properties) ? schema.properties : {};
  const required: string[] = Array.isArray(schema.required) ? schema.required : [];
  const unsupported: string[] = [];
  const byName = new Map<string, BuilderField>();
  for (const [name, s] of Object.entries(props)) {
    const f = readField(name, s, ui[name], required.includes(name));
    if (f) byName.set(name, f);
    else {
      byName.set(name, { name, label: isObj(s) && typeof s.title === "string" ? s.title : name, type: "json", required: required.includes(name), listColumn: false, raw: s, ui: isObj(ui[name]) ? ui[name] : undefined });
      unsupported.push(`字段 ${name}：${UNSUPPORTED}`);
    }
  }
  for (const entry of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const c = conditionalOf(entry);
    const f = c && builderConditional(entry, props, ui) && !byName.has(c.name) ? readField(c.name, c.schema, ui[c.name], c.required) : null;
    if (c && f) byName.set(c.name, { ...f, showWhen: { field: c.field, equals: c.equals } });
  }
  // Order: ui:order, then the rest as written.
  const order: string[] = Array.isArray(ui["ui:order"]) ? ui["ui:order"].filter((k: unknown) => typeof k === "string" && byName.has(k as string)) : [];
  const names = [...new Set([...order, ...byName.keys()])];
  const fields = names.map((n) => byName.get(n)!);
  const cols = new Set((Array.isArray(def.meta?.listColumns) ? def.meta.listColumns : []).map((c: any) => c?.field));
  for (const f of fields) f.listColumn = cols.has(f.name);
  const builderKeys = new Set(["type", "properties", "required", "allOf", "additionalProperties", "propertyNames", "title", "$schema"]);
  for (const k of Object.keys(schema)) if (!builderKeys.has(k)) unsupported.push(`schema.${k}：${UNSUPPORTED}`);
  const otherAllOf = (Array.isArray(schema.allOf) ? schema.allOf : []).filter((e: unknown) => !builderConditional(e, props, ui));
  if (otherAllOf.length) unsupported.push(`schema.allOf 中 ${otherAllOf.length} 项条件：${UNSUPPORTED}`);
  return { fields, unsupported };
}

/** Is the form restricted to its declared fields (additionalProperties false, or the builder's propertyNames)? */
function isClosed(schema: Record<string, any>) {
  return schema.additionalProperties === false || (isObj(schema.propertyNames) && Array.isArray(schema.propertyNames.enum));
}

/**
 * The definition for `fields`, keeping everything of `base` the builder does not own (other schema
 * keywords, other allOf entries, other uiSchema and meta keys; list columns keep their settings).
 */
export function fieldsToDefinition(fields: BuilderField[], base: Definition): Definition {
  const old = isObj(base.schema) ? base.schema : {};
  const oldUi = isObj(base.uiSchema) ? base.uiSchema : {};
  const names = new Set(fields.map((f) => f.name));
  const oldProps = isObj(old.properties) ? old.properties : {};
  const owned = (e: unknown) => builderConditional(e, oldProps, oldUi);
  const oldNames = new Set([
    ...Object.keys(oldProps),
    ...(Array.isArray(old.allOf) ? old.allOf : []).map((e: unknown) => owned(e)).filter(Boolean),
  ] as string[]);

  const properties: Record<string, any> = {};
  const required: string[] = [];
  const conditional: any[] = [];
  const uiSchema: Record<string, any> = {};
  for (const [k, v] of Object.entries(oldUi)) if (k !== "ui:order" && !oldNames.has(k) && !names.has(k)) uiSchema[k] = v;
  for (const f of fields) {
    const s = fieldSchema(f);
    if (f.showWhen && f.type !== "json") {
      conditional.push({
        if: { properties: { [f.showWhen.field]: { const: f.showWhen.equals } }, required: [f.showWhen.field] },
        then: { properties: { [f.name]: s }, ...(f.required ? { required: [f.name] } : {}) },
      });
    } else {
      properties[f.name] = s;
      if (f.required) required.push(f.name);
    }
    const u = fieldUi(f);
    if (Object.keys(u).length) uiSchema[f.name] = u;
  }
  uiSchema["ui:order"] = fields.map((f) => f.name);

  const keptAllOf = (Array.isArray(old.allOf) ? old.allOf : []).filter((e: unknown) => !owned(e));
  const { properties: _p, required: _r, allOf: _a, additionalProperties: _ap, propertyNames: _pn, ...rest } = old;
  const schema: Record<string, any> = { type: "object", ...rest, required, properties };
  if (!required.length) delete schema.required;
  if (isClosed(old) || !("additionalProperties" in old || "propertyNames" in old)) {
    if (conditional.length) schema.propertyNames = { type: "string", enum: fields.map((f) => f.name) };
    else schema.additionalProperties = false;
  } else if ("additionalProperties" in old) schema.additionalProperties = _ap;
  const allOf = [...keptAllOf, ...conditional];
  if (allOf.length) schema.allOf = allOf;

  // meta: list columns follow the flag (existing columns keep their settings and order); references
  // to removed fields are dropped.
  const meta: Record<string, any> = { ...(isObj(base.meta) ? base.meta : {}) };
  const listed = new Set(fields.filter((f) => f.listColumn).map((f) => f.name));
  const oldCols: any[] = Array.isArray(meta.listColumns) ? meta.listColumns : [];
  const cols = oldCols.filter((c) => listed.has(c?.field)).map((c) => (c.to !== undefined && !names.has(c.to) ? (({ to: _t, ...r }) => r)(c) : c));
  for (const f of fields) if (f.listColumn && !cols.some((c) => c.field === f.name)) cols.push({ field: f.name });
  meta.listColumns = cols;
  if (Array.isArray(meta.searchFields)) meta.searchFields = meta.searchFields.filter((n: string) => names.has(n));
  if (isObj(meta.defaultSort) && !names.has(meta.defaultSort.field)) delete meta.defaultSort;
  if (Array.isArray(meta.rules)) meta.rules = meta.rules.filter((r: any) => names.has(String(r?.field).split(".")[0]) && names.has(String(r?.than).split(".")[0]));
  if (typeof meta.titleField === "string" && !names.has(meta.titleField)) delete meta.titleField;
  return { title: base.title, schema, uiSchema, meta };
}

/** Problems in the builder's own terms (names, options, conditions), shown next to the field list. */
export function builderProblems(fields: BuilderField[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [i, f] of fields.entries()) {
    const at = `第 ${i + 1} 个字段（${f.label || f.name}）`;
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(f.name)) out.push(`${at}：字段名应以字母开头，只含字母、数字和下划线`);
    if (seen.has(f.name)) out.push(`${at}：字段名 ${f.name} 重复`);
    seen.add(f.name);
    if (f.type !== "json" && !f.label.trim()) out.push(`${at}：请填写标题`);
    if ((f.type === "select" || f.type === "multiselect") && !f.options?.length) out.push(`${at}：请至少填写一个选项`);
    if (f.type === "dictionary" && !f.dictionary) out.push(`${at}：请选择字典`);
    if (f.options && new Set(f.options).size !== f.options.length) out.push(`${at}：选项重复`);
    if (f.showWhen) {
      const dep = fields.find((g) => g.name === f.showWhen!.field);
      if (!dep) out.push(`${at}：显示条件引用的字段 ${f.showWhen.field} 不存在`);
      else if (dep.showWhen) out.push(`${at}：显示条件不能引用另一个条件字段 ${dep.name}`);
      else if (dep === f) out.push(`${at}：显示条件不能引用自身`);
      if (f.listColumn) out.push(`${at}：按条件显示的字段不能作为列表列`);
    }
  }
  return out;
}
