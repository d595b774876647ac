// One value → text formatter for every surface that shows a stored record as text: screen table
// cells and the record view, the printed review form and the Excel export. Pure and client-safe
// (no server imports). Surfaces differ only by options (what an empty value reads as, compact
// dates for narrow printed cells, masked ID numbers on paper), never by a copy of their own.
import { isFileKey } from "./file-kinds";

type Json = Record<string, unknown>;

export interface FormatOptions {
  /** What an empty value reads as: "—" on screen, "" on paper and in a spreadsheet. */
  empty?: string;
  /** Narrow printed table cells: 2026.11 and 2008.09—2012.06 instead of 2026年11月 and 2008年9月 至 2012年6月. */
  compact?: boolean;
  /** ID numbers (format cn-id-card) and mobile numbers (cn-mobile) masked: a public version (公示版). */
  masked?: boolean;
  /** Stored-file key → its original name; keys without a name are counted. */
  files?: Record<string, { name: string }>;
  /** Code → label of a field declaring "x-dictionary" (units …); without one the code shows as is. */
  lookup?: (dictionary: string, code: unknown) => string | undefined;
  /** The form's whole schema, for fields that point into it with a local $ref. */
  root?: object;
}

/** Labels of dictionary values ({ dictionary id: { row id: label } }), as a loader sends them to the page. */
export type DictionaryLabels = Record<string, Record<string, string>>;

/** The `lookup` option for labels a server collected (dictionaryLabelsFor). */
export const lookupIn = (labels?: DictionaryLabels | null): FormatOptions["lookup"] =>
  labels ? (dictionary, code) => labels[dictionary]?.[String(code)] : undefined;

/** Nesting followed into lists and objects; deeper parts are left out. */
const MAX_DEPTH = 8;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

// Beijing time whatever the server's own time zone is (containers often run in UTC).
const BEIJING = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
const YEAR_MONTH = /^\d{4}-\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** 2026年11月28日 (14:05), Beijing time; "2026-11" → 2026年11月; a plain date stays that date. */
export function cnDate(v: unknown, withTime = false): string {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v === "string" && YEAR_MONTH.test(v)) return `${v.slice(0, 4)}年${Number(v.slice(5))}月`;
  if (typeof v === "string" && DATE.test(v)) return `${v.slice(0, 4)}年${Number(v.slice(5, 7))}月${Number(v.slice(8))}日`;
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  const p = Object.fromEntries(BEIJING.formatToParts(d).map((x) => [x.type, x.value]));
  const day = `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
  return withTime ? `${day} ${p.hour === "24" ? "00" : p.hour}:${p.minute}` : day;
}

/** 330106199001011234 → 330106********1234: enough to recognise, not enough to reuse. */
export function maskIdNumber(v: unknown): string {
  const s = typeof v === "string" ? v : "";
  if (s.length < 10) return s ? "*".repeat(s.length) : "";
  return `${s.slice(0, 6)}${"*".repeat(s.length - 10)}${s.slice(-4)}`;
}

/** 13800138000 → 138****8000 (the 公示版 review form). */
export function maskMobile(v: unknown): string {
  const s = typeof v === "string" ? v.trim() : "";
  if (s.length < 8) return s ? "*".repeat(s.length) : "";
  return `${s.slice(0, 3)}${"*".repeat(s.length - 7)}${s.slice(-4)}`;
}

/** A field schema with its local $ref followed (#/definitions/…, #/$defs/…), its own title kept. */
function resolve(schema: unknown, root: object | undefined): Json {
  let s = obj(schema);
  for (let i = 0; i < MAX_DEPTH && typeof s.$ref === "string" && s.$ref.startsWith("#/") && root; i++) {
    let target: unknown = root;
    for (const part of s.$ref.slice(2).split("/")) target = obj(target)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    const { $ref: _ref, ...own } = s;
    s = { ...obj(target), ...own };
  }
  return s;
}

/** The value a oneOf/anyOf option stands for: its const, or the single value of its enum. */
function optionValue(o: Json): { value: unknown } | null {
  if ("const" in o) return { value: o.const };
  if (Array.isArray(o.enum) && o.enum.length === 1) return { value: o.enum[0] };
  return null;
}

/** The label of a value chosen from options, as the form offered it: `oneOf`/`anyOf` titles (or their
 * uiSchema ui:title), `enum` with ui:enumNames (a list or a map, as RJSF reads it). */
function optionLabel(s: Json, u: Json, v: unknown): string | undefined {
  if (Array.isArray(s.enum)) {
    const names = u["ui:enumNames"] ?? obj(u["ui:options"]).enumNames;
    const i = s.enum.findIndex((x) => x === v);
    if (i < 0) return undefined;
    if (Array.isArray(names) && typeof names[i] === "string" && names[i]) return names[i];
    const named = obj(names)[String(v)];
    return typeof named === "string" && named ? named : undefined;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const options = s[key];
    if (!Array.isArray(options)) continue;
    const uiOptions = Array.isArray(u[key]) ? u[key] : [];
    const i = options.findIndex((o) => optionValue(obj(o))?.value === v);
    if (i < 0) continue;
    const title = obj(uiOptions[i])["ui:title"] ?? obj(options[i]).title;
    return typeof title === "string" && title ? title : String(v);
  }
  return undefined;
}

function filesText(keys: unknown[], o: FormatOptions): string {
  const names = keys.map((k) => (typeof k === "string" ? o.files?.[k]?.name : undefined)).filter((n): n is string => !!n);
  const unnamed = keys.length - names.length;
  if (!names.length) return `${unnamed} 个文件`;
  return [...names, ...(unnamed ? [`另 ${unnamed} 个文件`] : [])].join("、");
}

function dateText(v: string, s: Json, o: FormatOptions): string | null {
  if (s.format === "date-time") return cnDate(v, true);
  // A value shown without its schema still reads as a date; a text field's "2020-01" stays text.
  const isDate = s.format === "year-month" || s.format === "date" || (s.type === undefined && s.format === undefined);
  if (!isDate || !(YEAR_MONTH.test(v) || DATE.test(v))) return null;
  return o.compact ? v.replace(/-/g, ".") : cnDate(v);
}

/** The text of a value ("" when empty), following the schema into lists and objects. */
function text(v: unknown, schema: unknown, ui: unknown, o: FormatOptions, depth: number): string {
  if (isEmpty(v) || depth > MAX_DEPTH) return "";
  const s = resolve(schema, o.root);
  const u = obj(ui);
  if (Array.isArray(v) && (s["x-file"] || v.every(isFileKey))) return filesText(v, o);
  if (typeof s["x-dictionary"] === "string" && o.lookup) {
    const label = o.lookup(s["x-dictionary"], v);
    if (label !== undefined) return label;
  }
  const label = optionLabel(s, u, v);
  if (label !== undefined) return label;
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "string") {
    if (s.format === "cn-id-card" && o.masked) return maskIdNumber(v);
    if (s.format === "cn-mobile" && o.masked) return maskMobile(v);
    return dateText(v, s, o) ?? v;
  }
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (Array.isArray(v)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    return v.map((x) => text(x, items, u.items, o, depth + 1)).filter(Boolean).join("、");
  }
  if (isObject(v)) {
    const props = obj(s.properties);
    const names = [...fieldOrder(props, u), ...Object.keys(v).filter((k) => !(k in props))];
    return names.map((k) => text(v[k], props[k], u[k], o, depth + 1)).filter(Boolean).join(" ");
  }
  return String(v);
}

/** A stored value as text, read through its field's schema (and uiSchema): option titles, 是/否,
 * dates in Chinese (2026年11月), lists joined with 、, files by name, dictionary codes by label. */
export function formatValue(value: unknown, schema?: object | null, ui?: object | null, o: FormatOptions = {}): string {
  return text(value, schema, ui, o, 0) || (o.empty ?? "");
}

/** A from–to pair (起止时间): 2008年9月 至 2012年6月, 2008年9月 至今; compact 2008.09—2012.06, 2008.09—至今. */
export function formatRange(from: unknown, to: unknown, schema?: { from?: object; to?: object; fromUi?: object; toUi?: object }, o: FormatOptions = {}): string {
  const x = text(from, schema?.from, schema?.fromUi, o, 0);
  const y = text(to, schema?.to ?? schema?.from, schema?.toUi, o, 0);
  if (!x && !y) return o.empty ?? "";
  if (o.compact) return `${x || "—"}—${y || "至今"}`;
  return y ? `${x || "—"} 至 ${y}` : `${x} 至今`;
}

/** A list column of a form (meta.listColumns): its field, or the range from `field` to `to`. */
export interface ColumnFormat { field: string; to?: string; schema?: object; ui?: object; toSchema?: object; toUi?: object }

/** One cell of a list column for a record's data. */
export function formatColumn(c: ColumnFormat, data: Record<string, unknown>, o: FormatOptions = {}): string {
  if (c.to) return formatRange(data[c.field], data[c.to], { from: c.schema, to: c.toSchema, fromUi: c.ui, toUi: c.toUi }, o);
  return formatValue(data[c.field], c.schema, c.ui, o);
}

/** Property names in display order: ui:order (its "*" stands for the rest, as in RJSF; without one
 * the rest follows), then schema order. */
function fieldOrder(props: Json, ui: Json): string[] {
  const names = Object.keys(props);
  const order = Array.isArray(ui["ui:order"]) ? ui["ui:order"].filter((k): k is string => typeof k === "string") : [];
  const listed = order.filter((k) => k in props);
  const rest = names.filter((k) => !listed.includes(k));
  const star = order.indexOf("*");
  if (star < 0) return [...listed, ...rest];
  const before = order.slice(0, star).filter((k) => k in props);
  return [...before, ...rest, ...listed.filter((k) => !before.includes(k))];
}

/** Fields a schema defines only in its conditional branches (allOf/if/then/else, dependencies,
 * oneOf/anyOf; one level: the root object's), with their schemas: RJSF shows them while the branch applies. */
export function branchProperties(schema: unknown): Json {
  const out: Json = {};
  const add = (s: unknown) => {
    if (!isObject(s)) return;
    for (const [k, p] of Object.entries(obj(s.properties))) if (!(k in out)) out[k] = p;
    for (const key of ["then", "else"]) add(s[key]);
    for (const key of ["allOf", "anyOf", "oneOf"]) { const list = s[key]; if (Array.isArray(list)) list.forEach(add); }
  };
  const root = obj(schema);
  for (const key of ["then", "else"]) add(root[key]);
  for (const key of ["allOf", "anyOf", "oneOf"]) { const list = root[key]; if (Array.isArray(list)) list.forEach(add); }
  for (const d of Object.values(obj(root.dependencies))) add(d);
  return out;
}

export interface FieldText { name: string; title: string; value: string; schema: Json; ui: Json }

/** A record's top-level fields in display order with their text, hidden fields left out; a field of
 * a conditional branch only when the record has a value for it (its branch applied). */
export function recordFields(schema: object, uiSchema: object | null | undefined, data: unknown, o: FormatOptions = {}): FieldText[] {
  const root = obj(schema);
  const ui = obj(uiSchema);
  const values = obj(data);
  const own = obj(root.properties);
  const branch = Object.entries(branchProperties(root)).filter(([k]) => !(k in own) && !isEmpty(values[k]));
  const props = { ...own, ...Object.fromEntries(branch) };
  const opts = { ...o, root: o.root ?? root };
  return fieldOrder(props, ui)
    .filter((name) => obj(ui[name])["ui:widget"] !== "hidden")
    .map((name) => {
      const s = resolve(props[name], root);
      return { name, title: typeof s.title === "string" ? s.title : name, value: formatValue(values[name], s, ui[name] as object, opts), schema: s, ui: obj(ui[name]) };
    });
}
