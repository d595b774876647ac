// The one Ajv setup. The server compiles with createAjv(); the browser's RJSF validator is
// built from the same options, formats and keywords (RJSF_VALIDATOR_OPTIONS, used by components/schema-form.tsx), and
// both turn Ajv errors into the same Chinese messages with messageFor().
//
// Hostile values cost little (issue #10): every pattern runs on RE2 (linear time, re2-regexp.ts);
// `pattern` is not run on a long string already over its maxLength (with allErrors Ajv would still
// run it); uniqueItems compares canonical keys in one pass instead of Ajv's pairwise deep-equal
// (an 8 000-object array took seconds). hardenAjv puts both keywords on any Ajv instance: the
// server's (createAjv) and RJSF's (RJSF_VALIDATOR_OPTIONS.extenderFn).
import Ajv, { _, str, type CodeKeywordDefinition, type ErrorObject, type KeywordCxt, type Options } from "ajv";
import { useFunc } from "ajv/dist/compile/util";
import ucs2length from "ajv/dist/runtime/ucs2length";
import { usePattern } from "ajv/dist/vocabularies/code";
import addFormats from "ajv-formats";
import localizeZh from "ajv-i18n/localize/zh";
import { isValidCreditCode, isValidIdCard, isValidMobile, isValidYearMonth } from "./cn-codes";
import { MAX_PATTERN_SUBJECT, re2RegExp } from "./re2-regexp";

/** Engine annotations allowed inside a schema (they carry no validation of their own).
 * "x-pattern-hint": what a value matching the field's pattern looks like, in Chinese; the pattern's
 * error says it (格式不正确：应为…), since a person cannot read the regular expression. */
export const ENGINE_KEYWORDS = ["x-dictionary", "x-file", "x-pattern-hint"];
export const PATTERN_HINT = "x-pattern-hint";

export const AJV_OPTIONS: Options = {
  allErrors: true,
  // Tolerant at run time: schemas are checked strictly once, when loaded or published.
  strict: false,
  multipleOfPrecision: 8,
  keywords: ENGINE_KEYWORDS,
  // Every pattern (pattern, patternProperties) runs on RE2: linear time, see re2-regexp.ts.
  code: { regExp: re2RegExp },
};

/** A time of day as RJSF's time picker writes it ("09:30:00"); an RFC 3339 offset may follow. ajv-formats
 * demands the offset, so every value the picker writes would be refused. */
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i;
const isValidTime = (v: string) => v.length <= 40 && TIME.test(v);

export const CUSTOM_FORMATS: Record<string, (v: string) => boolean> = {
  time: isValidTime,
  "cn-id-card": isValidIdCard,
  "cn-mobile": isValidMobile,
  "cn-credit-code": isValidCreditCode,
  "year-month": isValidYearMonth,
};

const FORMAT_MESSAGES: Record<string, string> = {
  "cn-id-card": "身份证号码不正确（应为 18 位，出生日期有效，末位校验码正确）",
  "cn-mobile": "手机号码不正确（应为 11 位大陆手机号码）",
  "cn-credit-code": "统一社会信用代码不正确（应为 18 位，末位校验码正确）",
  "year-month": "应为年月，例如 2020-09",
  email: "电子邮箱格式不正确",
  date: "日期格式不正确，应为 YYYY-MM-DD",
  "date-time": "时间格式不正确",
  time: "时刻格式不正确，应为 时:分:秒，例如 09:30:00",
  uri: "网址格式不正确",
  url: "网址格式不正确",
};

const TYPE_NAMES: Record<string, string> = {
  string: "文本", number: "数字", integer: "整数", boolean: "是/否", array: "列表", object: "对象", null: "空值",
};

/** Chinese message for one Ajv error (keyword + params); `fallback` is ajv-i18n's text. */
export function messageFor(keyword: string, params: Record<string, any>, fallback?: string): string {
  switch (keyword) {
    case "required":
      return "此项为必填项";
    case "dependencies":
      return params.missingProperty ? `填写了「${params.property}」时此项为必填项` : fallback ?? "取值不正确";
    case "additionalProperties":
      return `不允许的字段：${params.additionalProperty}`;
    case "maxLength":
      return `不能超过 ${params.limit} 个字符`;
    case "minLength":
      return params.limit === 1 ? "此项为必填项" : `不能少于 ${params.limit} 个字符`;
    case "maxItems":
      return `最多 ${params.limit} 项`;
    case "minItems":
      return `至少 ${params.limit} 项`;
    case "enum":
      return "请从给定选项中选择";
    case "const":
      return "取值不正确";
    case "type":
      return `类型不正确，应为${String(params.type).split(",").map((t) => TYPE_NAMES[t] ?? t).join("或")}`;
    case "format":
      return FORMAT_MESSAGES[params.format] ?? `格式不正确（${params.format}）`;
    case "pattern":
      return typeof params.hint === "string" && params.hint ? `格式不正确：${params.hint}` : "格式不正确";
    case "minimum":
      return `不能小于 ${params.limit}`;
    case "maximum":
      return `不能大于 ${params.limit}`;
    case "exclusiveMinimum":
      return `应大于 ${params.limit}`;
    case "exclusiveMaximum":
      return `应小于 ${params.limit}`;
    case "oneOf":
      return Array.isArray(params.passingSchemas)
        ? `同时符合多个选项（第 ${params.passingSchemas.map((i: number) => i + 1).join("、")} 项），只能符合其中一项`
        : "应符合给定选项中的一项";
    case "anyOf":
      return "应至少符合给定选项中的一项";
    default:
      return fallback ?? "取值不正确";
  }
}

/**
 * `pattern` as Ajv has it (same error and params), except that a string over both the schema's
 * maxLength and MAX_PATTERN_SUBJECT is not matched: only its maxLength error is reported, and no
 * time is spent on it. A value modestly over maxLength is still matched (RE2's cost is bounded
 * there), so "格式不正确" keeps telling a user who pasted a URL into an id field what is wrong.
 */
const patternWithinMaxLength: CodeKeywordDefinition = {
  keyword: "pattern",
  type: "string",
  schemaType: "string",
  error: {
    message: ({ schemaCode }) => str`must match pattern "${schemaCode}"`,
    // The field's hint (x-pattern-hint) travels with the error, so the server's and the browser's
    // messages say what is expected.
    params: ({ schemaCode, parentSchema }) => {
      const hint = parentSchema?.[PATTERN_HINT];
      return typeof hint === "string" ? _`{pattern: ${schemaCode}, hint: ${hint}}` : _`{pattern: ${schemaCode}}`;
    },
  },
  code(cxt: KeywordCxt) {
    const { gen, data, schema, parentSchema } = cxt;
    const rx = usePattern(cxt, schema);
    const max = parentSchema.maxLength;
    if (typeof max !== "number") return cxt.fail(_`!${rx}.test(${data})`);
    // maxLength counts code points, between .length / 2 and .length: count them only in between.
    const overMax = _`(${data}.length > ${2 * max} || ${useFunc(gen, ucs2length)}(${data}) > ${max})`;
    cxt.fail(_`!(${data}.length > ${MAX_PATTERN_SUBJECT} && ${overMax}) && !${rx}.test(${data})`);
  },
};

class Token {
  constructor(readonly text: string) {}
}

/** A key equal for exactly the JSON values Ajv's deep-equal finds equal (object keys sorted). Iterative: no stack depth limit. */
function canonicalKey(value: unknown): string {
  let out = "";
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Token) out += v.text;
    else if (Array.isArray(v)) {
      out += "[";
      stack.push(new Token("]"));
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i], new Token(i ? "," : ""));
    } else if (v && typeof v === "object") {
      out += "{";
      stack.push(new Token("}"));
      const keys = Object.keys(v).sort();
      for (let i = keys.length - 1; i >= 0; i--) stack.push((v as Record<string, unknown>)[keys[i]], new Token(`${i ? "," : ""}${JSON.stringify(keys[i])}:`));
    } else if (typeof v === "number") out += Number.isNaN(v) ? "NaN" : String(v); // -0 and 0 alike, as ===
    else out += v === undefined ? "undefined" : JSON.stringify(v);
  }
  return out;
}

/** { i, j } of the last item equal to an earlier one (j: the nearest such), as Ajv reports it; null when all differ. */
export function findDuplicate(items: unknown[]): { i: number; j: number } | null {
  const seen = new Map<string, number>();
  let dup: { i: number; j: number } | null = null;
  items.forEach((item, i) => {
    const key = canonicalKey(item);
    const j = seen.get(key);
    if (j !== undefined) dup = { i, j };
    seen.set(key, i);
  });
  return dup;
}
findDuplicate.code = 'require("~/engine/validator").findDuplicate';

/** `uniqueItems` with Ajv's error and params, in time linear in the array's size. */
const linearUniqueItems: CodeKeywordDefinition = {
  keyword: "uniqueItems",
  type: "array",
  schemaType: "boolean",
  error: {
    message: ({ params: { i, j } }) => str`must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
    params: ({ params: { i, j } }) => _`{i: ${i}, j: ${j}}`,
  },
  code(cxt: KeywordCxt) {
    const { gen, data, schema } = cxt;
    if (!schema) return;
    const dup = gen.const("dup", _`${data}.length > 1 ? ${useFunc(gen, findDuplicate)}(${data}) : null`);
    cxt.setParams({ i: _`${dup}.i`, j: _`${dup}.j` });
    cxt.fail(_`${dup} !== null`);
  },
};

/** Replaces Ajv's pattern and uniqueItems with the bounded ones above; returns the same instance. */
export function hardenAjv(ajv: Ajv): Ajv {
  for (const def of [patternWithinMaxLength, linearUniqueItems]) {
    ajv.removeKeyword(def.keyword as string);
    ajv.addKeyword(def);
  }
  return ajv;
}

export function createAjv(options: Options = {}): Ajv {
  const ajv = hardenAjv(new Ajv({ ...AJV_OPTIONS, ...options }));
  addFormats(ajv);
  for (const [name, validate] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, { type: "string", validate });
  return ajv;
}

/** The browser's RJSF validator options (components/schema-form.tsx): same Ajv options, formats and keywords. */
export const RJSF_VALIDATOR_OPTIONS = { ajvOptionsOverrides: AJV_OPTIONS, customFormats: CUSTOM_FORMATS, extenderFn: hardenAjv };

export interface FieldErrors {
  /** Dotted path ("" for the whole record) → Chinese messages. */
  [path: string]: string[];
}

/** Turns Ajv errors into per-field Chinese messages (keyed by dotted path). */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, o: { nameOptions?: boolean } = {}): FieldErrors {
  const out: FieldErrors = {};
  if (!errors) return out;
  localizeZh(errors);
  for (const e of errors) {
    // An if wrapper repeats what its then/else error says. A oneOf/anyOf is reported at its own
    // path: matching two branches of a oneOf has no inner error at all.
    if (e.keyword === "if") continue;
    const segs = e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    // A missing property (required, or required by draft-07 "dependencies") is reported on it.
    if (e.keyword === "required" || (e.keyword === "dependencies" && e.params.missingProperty)) segs.push(String(e.params.missingProperty));
    const key = segs.join(".");
    const allowed = e.keyword === "enum" && o.nameOptions ? (e.params as { allowedValues?: unknown[] }).allowedValues : undefined;
    const msg = allowed ? `应为以下之一：${allowed.map(String).join("、")}` : messageFor(e.keyword, e.params as Record<string, any>, e.message);
    (out[key] ??= []).includes(msg) || out[key].push(msg);
  }
  return out;
}

/** RJSF `extraErrors` shape from per-field errors. */
export function toErrorSchema(fieldErrors: FieldErrors): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [path, msgs] of Object.entries(fieldErrors)) {
    let node = root;
    for (const seg of path ? path.split(".") : []) node = node[seg] ??= {};
    node.__errors = [...(node.__errors ?? []), ...msgs];
  }
  return root;
}
