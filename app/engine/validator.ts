// The one Ajv setup. The server compiles with createAjv(); the browser's RJSF validator is
// built from the same AJV_OPTIONS and CUSTOM_FORMATS (see components/schema-form.tsx), and
// both turn Ajv errors into the same Chinese messages with messageFor().
import Ajv, { type ErrorObject, type Options } from "ajv";
import addFormats from "ajv-formats";
import localizeZh from "ajv-i18n/localize/zh";
import { isValidCreditCode, isValidIdCard, isValidMobile, isValidYearMonth } from "./cn-codes";
import { re2RegExp } from "./re2-regexp";

/** Engine annotations allowed inside a schema (they carry no validation of their own). */
export const ENGINE_KEYWORDS = ["x-dictionary", "x-file"];

export const AJV_OPTIONS: Options = {
  allErrors: true,
  // Tolerant at run time: schemas are checked strictly once, when loaded or published.
  strict: false,
  multipleOfPrecision: 8,
  keywords: ENGINE_KEYWORDS,
  // Every pattern (pattern, patternProperties) runs on RE2: linear time, see re2-regexp.ts.
  code: { regExp: re2RegExp },
};

export const CUSTOM_FORMATS: Record<string, (v: string) => boolean> = {
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
      return "格式不正确";
    case "minimum":
      return `不能小于 ${params.limit}`;
    case "maximum":
      return `不能大于 ${params.limit}`;
    case "exclusiveMinimum":
      return `应大于 ${params.limit}`;
    case "exclusiveMaximum":
      return `应小于 ${params.limit}`;
    default:
      return fallback ?? "取值不正确";
  }
}

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, { type: "string", validate });
  return ajv;
}

export interface FieldErrors {
  /** Dotted path ("" for the whole record) → Chinese messages. */
  [path: string]: string[];
}

/** Turns Ajv errors into per-field Chinese messages (keyed by dotted path). */
export function toFieldErrors(errors: ErrorObject[] | null | undefined): FieldErrors {
  const out: FieldErrors = {};
  if (!errors) return out;
  localizeZh(errors);
  for (const e of errors) {
    // Errors from if/then/oneOf wrappers repeat what the inner error already says.
    if (e.keyword === "if" || e.keyword === "anyOf" || e.keyword === "oneOf") continue;
    const segs = e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    // A missing property (required, or required by draft-07 "dependencies") is reported on it.
    if (e.keyword === "required" || (e.keyword === "dependencies" && (e.params as any).missingProperty)) segs.push(String((e.params as any).missingProperty));
    const key = segs.join(".");
    const msg = messageFor(e.keyword, e.params as Record<string, any>, e.message);
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
