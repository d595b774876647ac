// The uiSchema names the engine can render: every "ui:widget", "ui:field" and "ui:…Template" a
// form may name. One list for both sides: the designer and bundle import refuse a name that is not
// here (checkFormContent → uiProblems), and SchemaForm renders a stored form that names one anyway
// with a Chinese notice in place of the field (withKnownUi) instead of failing the whole page.
// The RJSF names are those of @rjsf/core's registry merged with @rjsf/antd's theme (a unit test
// compares them with the installed packages); the engine's own widgets are in components/widgets.tsx,
// which is typed against ENGINE_WIDGETS. Client-safe (no Node imports).
import { getSchemaType, hasWidget } from "@rjsf/utils";

/** Widgets of components/widgets.tsx, by the name a uiSchema uses. */
export const ENGINE_WIDGETS = ["unit-search", "dictionary-search", "year-month", "file-upload"] as const;
export type EngineWidgetName = (typeof ENGINE_WIDGETS)[number];

/** The widget SchemaForm puts in place of one a stored form names but the engine does not have. */
export const MISSING_WIDGET = "missing-widget";

/** @rjsf/core's default widgets (the antd theme overrides some of them, adds none). */
export const RJSF_WIDGETS = [
  "AltDateWidget", "AltDateTimeWidget", "CheckboxWidget", "CheckboxesWidget", "ColorWidget", "DateWidget", "DateTimeWidget",
  "EmailWidget", "FileWidget", "HiddenWidget", "PasswordWidget", "RadioWidget", "RangeWidget", "RatingWidget", "SelectWidget",
  "TextWidget", "TextareaWidget", "TimeWidget", "UpDownWidget", "URLWidget",
] as const;

/** RJSF fields a uiSchema may name with "ui:field" (the layout fields need a layout uiSchema the designer does not write). */
export const RJSF_FIELDS = ["ArrayField", "BooleanField", "NumberField", "ObjectField", "StringField", "NullField", "SchemaField", "AnyOfField", "OneOfField"] as const;

/** Templates of the registry (core ∪ antd theme): "ui:FieldTemplate": "FieldTemplate" … name one of these. */
export const RJSF_TEMPLATES = [
  "ArrayFieldDescriptionTemplate", "ArrayFieldItemTemplate", "ArrayFieldItemButtonsTemplate", "ArrayFieldTemplate", "ArrayFieldTitleTemplate",
  "BaseInputTemplate", "CyclicSchemaExpandTemplate", "DescriptionFieldTemplate", "ErrorListTemplate", "FallbackFieldTemplate", "FieldTemplate",
  "FieldErrorTemplate", "FieldHelpTemplate", "GridTemplate", "MultiSchemaFieldTemplate", "ObjectFieldTemplate", "OptionalDataControlsTemplate",
  "TitleFieldTemplate", "UnsupportedFieldTemplate", "WrapIfAdditionalTemplate",
] as const;

/** Widgets that keep a file inside the record as base64 text: refused on purpose (files are uploaded, see file-kinds.ts). */
const BASE64_WIDGETS = new Set(["FileWidget", "file", "files", "data-url"]);
export const BASE64_REASON = "文件不能以 base64 文本保存在记录中（记录会过大、无法查看和校验文件类型）：请改用「附件」字段类型（ui:widget 为 file-upload，schema 带 x-file）";

// A stand-in component per registered name: hasWidget only needs to find one.
const stub = () => null;
const REGISTERED: Record<string, unknown> = Object.fromEntries([...RJSF_WIDGETS, ...ENGINE_WIDGETS].map((n) => [n, stub]));

const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

/** The schema a local "#/…" $ref points to (one step), or the schema itself. */
function deref(s: unknown, root: Record<string, any>): unknown {
  let node: unknown = s;
  for (let hops = 0; hops < 8 && isObj(node) && typeof node.$ref === "string" && node.$ref.startsWith("#"); hops++) {
    const segs = node.$ref.slice(1).split("/").filter(Boolean).map((x: string) => decodeURIComponent(x.replace(/~1/g, "/").replace(/~0/g, "~")));
    let target: unknown = root;
    for (const seg of segs) target = isObj(target) || Array.isArray(target) ? (target as any)[seg] : undefined;
    if (!isObj(target)) return node;
    const { $ref: _ref, ...siblings } = node;
    node = { ...target, ...siblings };
  }
  return node;
}

/** The schemas a uiSchema property key may apply to: the property in the schema and in its conditional branches. */
function propertySchemas(schemas: unknown[], name: string, root: Record<string, any>): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  const visit = (raw: unknown, depth: number) => {
    const s = deref(raw, root);
    if (!isObj(s) || seen.has(s) || depth > 6) return;
    seen.add(s);
    if (isObj(s.properties) && Object.prototype.hasOwnProperty.call(s.properties, name)) out.push(deref(s.properties[name], root));
    for (const k of ["then", "else"]) visit(s[k], depth + 1);
    for (const k of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[k])) s[k].forEach((b: unknown) => visit(b, depth + 1));
    if (isObj(s.dependencies)) for (const d of Object.values(s.dependencies)) visit(d, depth + 1);
  };
  schemas.forEach((s) => visit(s, 0));
  return out;
}

export interface UiProblem {
  /** uiSchema path of the object holding the name ([] for the root). */
  path: string[];
  /** "ui:widget", "ui:field", "ui:FieldTemplate" … (or "ui:options.widget" …). */
  key: string;
  name: string;
  message: string;
}

const uiPath = (path: string[], key: string) => `uiSchema${path.map((p) => `.${p}`).join("")}.${key}`;

/** Which kind of name a uiSchema key holds: widget, field, template, or none. */
function nameKind(key: string): "widget" | "field" | "template" | null {
  if (key === "widget") return "widget";
  if (key === "field") return "field";
  if (/^[A-Za-z]+Template$/.test(key) || key === "template") return "template";
  return null;
}

/** The schema types a widget is used on (for the message), e.g. 文本 for "string". */
const TYPE_ZH: Record<string, string> = { string: "文本", number: "数字", integer: "整数", boolean: "是/否", array: "列表", object: "对象", null: "空值" };

function widgetProblem(name: unknown, schemas: unknown[]): string | null {
  if (typeof name !== "string") return typeof name === "function" ? null : "应为控件名称（文本）";
  if (BASE64_WIDGETS.has(name)) return `控件「${name}」不可用：${BASE64_REASON}`;
  if (name === MISSING_WIDGET) return `控件「${name}」不存在`;
  // A registered name, or one RJSF maps to a registered widget for some type ("textarea" …).
  const exists = Object.prototype.hasOwnProperty.call(REGISTERED, name)
    || ["string", "number", "integer", "boolean", "array"].some((type) => hasWidget({ type } as any, name, REGISTERED as any));
  if (!exists) return `控件「${name}」不存在（本系统的控件：${widgetHint()}；新的控件须由开发人员加入引擎）`;
  // Where the field's schema is known, the name must work for its type, as RJSF resolves it.
  for (const s of schemas) {
    if (!isObj(s) || hasWidget(s as any, name, REGISTERED as any)) continue;
    let type: unknown;
    try { type = getSchemaType(s as any); } catch { type = undefined; }
    return typeof type === "string" ? `控件「${name}」不能用于${TYPE_ZH[type] ?? type}字段` : `控件「${name}」不能用于未声明 type 的字段（请给字段写上 type）`;
  }
  return null;
}

const widgetHint = () => ["text", "textarea", "select", "radio", "checkbox", "checkboxes", "updown", "range", "date", "hidden", ...ENGINE_WIDGETS].join("、");

function nameProblem(kind: "widget" | "field" | "template", name: unknown, schemas: unknown[]): string | null {
  if (kind === "widget") return widgetProblem(name, schemas);
  if (typeof name !== "string") return "应为名称（文本）";
  if (kind === "field") {
    return (RJSF_FIELDS as readonly string[]).includes(name) ? null : `字段组件「${name}」不存在（可用：${RJSF_FIELDS.join("、")}；新的字段组件须由开发人员加入引擎）`;
  }
  return (RJSF_TEMPLATES as readonly string[]).includes(name) ? null : `模板「${name}」不存在（新的模板须由开发人员加入引擎）`;
}

/**
 * Every widget, field or template a uiSchema names that the engine cannot render, each with its
 * uiSchema path and a Chinese reason. Walks nested uiSchemas (properties, items, additionalItems,
 * additionalProperties, oneOf/anyOf branches) alongside the schema, so a widget is also checked
 * against the type of the field it is on.
 */
export function uiProblems(schema: unknown, uiSchema: unknown): UiProblem[] {
  const root = isObj(schema) ? schema : {};
  const out: UiProblem[] = [];
  const walk = (ui: unknown, schemas: unknown[], path: string[], depth: number) => {
    if (!isObj(ui) || depth > 40) return;
    schemas = schemas.map((s) => deref(s, root));
    for (const [key, value] of Object.entries(ui)) {
      if (key.startsWith("ui:")) {
        const inner = key.slice(3);
        const checks: [string, string, unknown][] = [];
        const kind = nameKind(inner);
        if (kind) checks.push([key, kind, value]);
        if (key === "ui:options" && isObj(value)) {
          for (const [k, v] of Object.entries(value)) {
            const kk = nameKind(k);
            if (kk) checks.push([`ui:options.${k}`, kk, v]);
          }
        }
        for (const [k, kk, v] of checks) {
          const m = nameProblem(kk as "widget" | "field" | "template", v, schemas);
          if (m) out.push({ path, key: k, name: String(typeof v === "string" ? v : JSON.stringify(v)), message: `${uiPath(path, k)}：${m}` });
        }
        continue;
      }
      const sub = (pick: (s: Record<string, any>) => unknown) => schemas.filter(isObj).map(pick).filter((x) => x !== undefined);
      if (key === "items") {
        if (Array.isArray(value)) value.forEach((u, i) => walk(u, sub((s) => (Array.isArray(s.items) ? s.items[i] : s.items)), [...path, `items[${i}]`], depth + 1));
        else walk(value, sub((s) => (Array.isArray(s.items) ? undefined : s.items)), [...path, "items"], depth + 1);
      } else if (key === "additionalItems" || key === "additionalProperties") {
        walk(value, sub((s) => (isObj(s[key]) ? s[key] : undefined)), [...path, key], depth + 1);
      } else if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
        value.forEach((u, i) => walk(u, sub((s) => (Array.isArray(s[key]) ? s[key][i] : undefined)), [...path, `${key}[${i}]`], depth + 1));
      } else {
        walk(value, propertySchemas(schemas, key, root), [...path, key], depth + 1);
      }
    }
  };
  walk(uiSchema, [root], [], 0);
  return out;
}

/**
 * The uiSchema with every name uiProblems finds replaced: an unknown widget by MISSING_WIDGET (which
 * shows, in Chinese, that the field cannot be filled in), an unknown field or template dropped (RJSF's
 * own is used). For forms stored before the check, so one bad name never fails a whole page.
 */
export function withKnownUi<T>(schema: unknown, uiSchema: T): T {
  const problems = uiProblems(schema, uiSchema);
  if (!problems.length || !isObj(uiSchema)) return uiSchema;
  const copy = structuredClone(uiSchema) as Record<string, any>;
  for (const p of problems) {
    let node: any = copy;
    for (const seg of p.path) {
      const m = /^(.*)\[(\d+)\]$/.exec(seg);
      node = m ? node?.[m[1]]?.[Number(m[2])] : node?.[seg];
    }
    if (!isObj(node)) continue;
    const [key, option] = p.key.startsWith("ui:options.") ? ["ui:options", p.key.slice("ui:options.".length)] : [p.key, null];
    const isWidget = (option ?? key.slice(3)) === "widget";
    if (option) delete node["ui:options"][option];
    else delete node[key];
    if (isWidget) {
      node["ui:widget"] = MISSING_WIDGET;
      node["ui:options"] = { ...(isObj(node["ui:options"]) ? node["ui:options"] : {}), missingWidget: p.name };
    }
  }
  return copy as T;
}
