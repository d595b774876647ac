// Safety checks for form definitions supplied by an administrator (the form designer), run before
// anything is saved. Files under forms/ are reviewed in git; admin input is not, so on top of
// checkFormDefinition (meta-schema, Ajv strict compile, field references) this refuses:
//   - oversized or deeply nested definitions (checked first, iteratively, so hostile input is cheap);
//   - any $ref that is not local ("#…") and any $id / $schema other than draft-07 inside the schema;
//   - string fields with pattern or format but no maxLength, or with a pattern and maxLength > 500
//     (RE2's work per value is bounded by it, see re2-regexp.ts);
//   - patterns that can backtrack catastrophically (conservative static check, see patternProblem),
//     and patterns RE2 cannot run (lookahead, backreferences …): every pattern is matched on RE2
//     (re2-regexp.ts), so one it cannot compile could not be validated at all.
// JSON Schema dialect: draft-07 (Ajv's default class, used by the server and by RJSF in the
// browser). The 2019-09 spellings dependentRequired / dependentSchemas are accepted and rewritten to
// their exact draft-07 equivalent "dependencies" before anything is checked or stored
// (toDraft07); other later-draft keywords (unevaluatedProperties …) are refused with a hint.
import { checkFormContent, checkFormDefinition, checkFormDraftShape, type FormDefinition } from "./form-registry.server";
import { locateJsonError } from "./json-text";
import { MAX_PATTERN_FIELD_LENGTH, re2Problem } from "./re2-regexp";

export { jsonErrorOffset, locateJsonError } from "./json-text";

export const LIMITS = {
  /** Serialised JSON size of the whole definition. */
  maxBytes: 256 * 1024,
  /** JSON nesting depth of the whole definition (a nested object field costs two levels). */
  maxDepth: 32,
  /** Object keys + array items in the whole definition. */
  maxNodes: 20_000,
  /** Properties of one object schema. */
  maxProperties: 300,
  /** Characters of one pattern. */
  maxPatternLength: 256,
  /** maxLength of a text field with a pattern (RE2's work per value is bounded by it, see re2-regexp.ts). */
  maxPatternFieldLength: MAX_PATTERN_FIELD_LENGTH,
};

const DRAFT07 = new Set(["http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema"]);
const LATER_DRAFT_KEYWORDS: Record<string, string> = {
  dependentRequired: "请改用 draft-07 的 dependencies（值为字段名列表）",
  dependentSchemas: "请改用 draft-07 的 dependencies（值为 schema）",
  unevaluatedProperties: "请改用 additionalProperties",
  unevaluatedItems: "请改用 additionalItems",
  $anchor: "",
  $recursiveRef: "",
  $dynamicRef: "",
  prefixItems: "请改用 items（数组形式）",
};

/**
 * The same schema in draft-07 spelling: dependentRequired {a: [b]} and dependentSchemas {a: S}
 * become dependencies {a: [b]} / {a: S} (identical meaning). Pure: returns a rewritten copy.
 * A value nested deeper than the definition limit is returned as it is, for the checks to refuse:
 * the rewrite recurses, and a 200 000-deep array would overflow the stack.
 */
export function toDraft07<T>(schema: T): T {
  return nestedDeeperThan(schema, LIMITS.maxDepth) ? schema : rewriteDraft07(schema);
}

function rewriteDraft07<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(rewriteDraft07) as unknown as T;
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === "dependentRequired" || k === "dependentSchemas") continue;
    out[k] = rewriteDraft07(v);
  }
  const src = schema as Record<string, any>;
  for (const k of ["dependentRequired", "dependentSchemas"]) {
    const dep = src[k];
    if (!dep || typeof dep !== "object" || Array.isArray(dep)) {
      if (dep !== undefined) out[k] = dep; // malformed: left for the checks to report
      continue;
    }
    const merged = { ...((out.dependencies as Record<string, unknown>) ?? {}) };
    for (const [field, v] of Object.entries(dep)) merged[field] = rewriteDraft07(v);
    out.dependencies = merged;
  }
  return out as T;
}

/** Whether a value nests objects/arrays deeper than `max` levels (iterative: any depth is cheap). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (depth >= max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x && typeof x === "object") stack.push({ v: x, depth: depth + 1 });
  }
  return false;
}

const where = (path: string[]) => (path.length ? path.join(".") : "(根)");

/** Parses definition text; a syntax error is located as 第 N 行第 M 列. */
export function parseDefinitionText(text: string): { ok: true; value: unknown } | { ok: false, problems: string[] } {
  if (Buffer.byteLength(text, "utf8") > LIMITS.maxBytes * 2) {
    return { ok: false, problems: [`定义过大：${Math.round(Buffer.byteLength(text, "utf8") / 1024)} KB，上限 ${LIMITS.maxBytes / 1024} KB`] };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problems: [`不是合法的 JSON：${locateJsonError(text, e as Error)}`] };
  }
}

/**
 * Walks the value iteratively (no recursion: a 100 000-deep value must not overflow the stack),
 * stopping at the first limit exceeded.
 */
function shapeProblems(value: unknown): string[] {
  let nodes = 0;
  const stack: { v: unknown; depth: number; path: string[] }[] = [{ v: value, depth: 0, path: [] }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (depth >= LIMITS.maxDepth) return [`嵌套过深：${where(path)} 处超过 ${LIMITS.maxDepth} 层`];
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    nodes += entries.length;
    if (nodes > LIMITS.maxNodes) return [`定义过大：超过 ${LIMITS.maxNodes} 个键/元素`];
    if (!Array.isArray(v) && path[path.length - 1] === "properties" && entries.length > LIMITS.maxProperties) {
      return [`${where(path)} 的字段过多：${entries.length} 个，上限 ${LIMITS.maxProperties}`];
    }
    for (const [k, x] of entries) if (x && typeof x === "object") stack.push({ v: x, depth: depth + 1, path: [...path, k] });
  }
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value), "utf8");
  } catch {
    return ["定义无法序列化为 JSON"];
  }
  if (size > LIMITS.maxBytes) return [`定义过大：${Math.round(size / 1024)} KB，上限 ${LIMITS.maxBytes / 1024} KB`];
  return [];
}

/**
 * Why a regular expression could backtrack catastrophically, or null. Conservative (it refuses some
 * harmless patterns, never the reverse for the shapes it knows): nested quantifiers ((a+)+, (a*b)*,
 * (.*)*), quantified groups with alternation ((a|a)*), backreferences, lookbehind, over-long patterns,
 * and more than 3 unbounded quantifiers; then anything RE2 cannot compile (lookahead, \p{Script=…},
 * repeat counts over 1000, \S inside a class). Polynomial shapes (^\d+\.?\d*$) pass: RE2 runs
 * them in linear time, and pattern is not run on a value over maxLength (validator.ts).
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > LIMITS.maxPatternLength) return `正则过长（${pattern.length} 个字符，上限 ${LIMITS.maxPatternLength}）`;
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    return `正则无法解析：${(e as Error).message}`;
  }
  // Group stack: does the group (so far) contain a quantifier / an alternation?
  const groups: { quantified: boolean; alternation: boolean }[] = [];
  let unbounded = 0;
  let last: { quantified: boolean; alternation: boolean } | null = null; // the group just closed
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    /** repeat: count may vary by more than one (*, +, {n,}, {n,m} m>n); unbounded: no upper limit. */
    let q: { repeat: boolean; unbounded: boolean; len: number } | null = null;
    if (c === "\\") {
      const n = pattern[i + 1];
      if (/[1-9]/.test(n) || n === "k") return "正则不能使用反向引用（\\1、\\k<名>）";
      i++;
      last = null;
      continue;
    }
    if (c === "[") {
      // Skip the character class.
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      for (; j < pattern.length && pattern[j] !== "]"; j++) if (pattern[j] === "\\") j++;
      i = j;
      last = null;
      continue;
    }
    if (c === "(") {
      if (pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i)) return "正则不能使用后行断言（(?<=…)、(?<!…)）";
      groups.push({ quantified: false, alternation: false });
      // Skip the group's prefix: (?: (?= (?! (?<name>
      if (pattern[i + 1] === "?") {
        if (pattern[i + 2] === "<") i = pattern.indexOf(">", i);
        else i += 2;
      }
      last = null;
      continue;
    }
    if (c === ")") {
      last = groups.pop() ?? null;
      if (last?.quantified && groups.length) groups[groups.length - 1].quantified = true;
      continue;
    }
    if (c === "|") {
      if (groups.length) groups[groups.length - 1].alternation = true;
      last = null;
      continue;
    }
    if (c === "*" || c === "+") q = { repeat: true, unbounded: true, len: 1 };
    else if (c === "?") q = { repeat: false, unbounded: false, len: 1 };
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m) {
        const unb = m[2] !== undefined && m[3] === "";
        q = { unbounded: unb, repeat: unb || (m[3] !== undefined && m[3] !== "" && Number(m[3]) > Number(m[1])), len: m[0].length };
      }
    }
    if (q) {
      if (q.unbounded && ++unbounded > 3) return "正则中不限次数的量词过多（最多 3 个）";
      if (last && q.repeat) {
        if (last.quantified) return "正则含嵌套量词（如 (a+)+、(.*)*），可能导致灾难性回溯";
        if (last.alternation) return "正则含带量词的分支组（如 (a|b)*），可能导致灾难性回溯；请改用字符类 [ab]*";
      }
      // The enclosing group now contains a quantifier (a quantified inner group counts too).
      if (groups.length) groups[groups.length - 1].quantified = true;
      i += q.len - 1;
      if (pattern[i + 1] === "?") i++; // lazy suffix
      last = null;
      continue;
    }
    last = null;
  }
  return re2Problem(pattern);
}

function isStringSchema(s: Record<string, any>) {
  const t = s.type;
  return t === undefined || t === "string" || (Array.isArray(t) && t.includes("string"));
}

/** Formats whose values are bounded by the format itself (a date/time picker): no maxLength demanded. */
const BOUNDED_FORMATS = new Set(["date", "date-time", "time", "year-month"]);

/** Walks every subschema (by keyword), collecting reference, dialect, pattern and maxLength problems. */
function schemaProblems(schema: unknown): string[] {
  const { blocking, other } = schemaProblemsSplit(schema);
  return [...blocking, ...other];
}

/**
 * schemaProblems in two parts: `blocking`, problems that make the schema unsafe or impossible to
 * compile (references, dialect, patterns), and `other` (missing or too large maxLength), after
 * which the schema may still be compiled so that every problem is reported in one pass.
 */
function schemaProblemsSplit(schema: unknown): { blocking: string[]; other: string[] } {
  const problems: string[] = [];
  const other: string[] = [];
  const stack: { s: unknown; path: string[] }[] = [{ s: schema, path: ["schema"] }];
  const push = (s: unknown, path: string[]) => stack.push({ s, path });
  while (stack.length) {
    const { s, path } = stack.pop()!;
    if (!s || typeof s !== "object" || Array.isArray(s)) continue;
    const node = s as Record<string, any>;
    const at = where(path);
    if (typeof node.$ref === "string" && !node.$ref.startsWith("#")) {
      problems.push(`${at}: 不允许引用外部 schema（$ref "${node.$ref}"）；只能引用本表单内的定义，如 "#/definitions/名称"`);
    }
    if ("$id" in node) problems.push(`${at}: 不允许使用 $id（"${String(node.$id)}"）`);
    if ("$schema" in node && !(path.length === 1 && DRAFT07.has(node.$schema))) {
      problems.push(`${at}: $schema 只能是 draft-07（"http://json-schema.org/draft-07/schema#"），且只能写在根上`);
    }
    for (const [k, hint] of Object.entries(LATER_DRAFT_KEYWORDS)) {
      if (k in node) {
        problems.push(`${at}: 不支持关键字 ${k}（属于 JSON Schema 2019-09 之后的草案；本系统使用 draft-07${k === "$defs" ? "，请改用 definitions" : hint ? `，${hint}` : ""}）`);
      }
    }
    if (typeof node.pattern === "string") {
      const p = patternProblem(node.pattern);
      if (p) problems.push(`${at}.pattern: ${p}`);
    }
    const boundedFormat = typeof node.pattern !== "string" && BOUNDED_FORMATS.has(node.format);
    if ((typeof node.pattern === "string" || typeof node.format === "string") && isStringSchema(node) && !boundedFormat
      && node.maxLength === undefined && node.enum === undefined && node.const === undefined) {
      other.push(`${at}: 带 ${typeof node.pattern === "string" ? "pattern" : "format"} 的文本字段必须设置 maxLength`);
    } else if (typeof node.pattern === "string" && typeof node.maxLength === "number" && node.maxLength > LIMITS.maxPatternFieldLength) {
      other.push(`${at}: 带 pattern 的文本字段 maxLength 不能超过 ${LIMITS.maxPatternFieldLength}（现为 ${node.maxLength}）`);
    }
    for (const key of ["patternProperties"]) {
      if (node[key] && typeof node[key] === "object") {
        for (const [re, sub] of Object.entries(node[key])) {
          const p = patternProblem(re);
          if (p) problems.push(`${at}.${key}["${re}"]: ${p}`);
          push(sub, [...path, key, re]);
        }
      }
    }
    for (const key of ["properties", "definitions", "dependencies"]) {
      if (node[key] && typeof node[key] === "object" && !Array.isArray(node[key])) {
        for (const [name, sub] of Object.entries(node[key])) push(sub, [...path, key, name]);
      }
    }
    for (const key of ["items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else"]) {
      const v = node[key];
      if (Array.isArray(v)) v.forEach((sub, i) => push(sub, [...path, `${key}[${i}]`]));
      else push(v, [...path, key]);
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(node[key])) node[key].forEach((sub: unknown, i: number) => push(sub, [...path, `${key}[${i}]`]));
    }
  }
  return { blocking: problems, other };
}

/**
 * Every problem with an admin-supplied form definition, in Chinese, each naming the spot.
 * Empty means it may be saved. Bounded work: the shape limits are checked before anything else.
 */
export function checkAdminSchema(def: unknown): string[] {
  const shape = shapeProblems(def);
  if (shape.length) return shape;
  const d = def as Record<string, any>;
  const pre = d && typeof d === "object" && d.schema && typeof d.schema === "object" ? schemaProblemsSplit(d.schema) : { blocking: [], other: [] };
  // Every problem in one pass; but unsafe input is not compiled (compiling a hostile pattern is itself a risk).
  const rest = checkFormDefinition(def, "表单", { compile: !pre.blocking.length }).map((p) => p.replace(/^表单: /, ""));
  return [...pre.blocking, ...pre.other, ...rest];
}

/**
 * The publish-time checks of admin input the form kind runs after the meta-schema (definitions/kinds/
 * form.server.ts): the safety walk, then every content check, in one list. Unsafe input is not compiled.
 */
export function checkAdminContent(def: FormDefinition, source: string): string[] {
  const pre = schemaProblemsSplit(def.schema);
  const at = source ? `${source}: ` : "";
  return [...[...pre.blocking, ...pre.other].map((p) => at + p), ...checkFormContent(def, source, { compile: !pre.blocking.length })];
}

/** The size/depth/node limits alone: checked before anything else reads admin input. */
export function checkShapeLimits(def: unknown): string[] {
  return shapeProblems(def);
}

/**
 * The safety part alone (size, depth, references, dialect, patterns), for drafts, and the
 * definition's declared shape with missing parts allowed: a draft may be incomplete, but is never
 * stored unsafe or of a shape the definition format does not declare. Publishing runs checkAdminSchema.
 */
export function checkDraftSafety(def: unknown): string[] {
  const shape = shapeProblems(def);
  if (shape.length) return shape;
  const d = def as Record<string, any>;
  if (!d || typeof d !== "object" || !d.schema || typeof d.schema !== "object" || Array.isArray(d.schema)) return ["schema 应为对象"];
  const declared = checkFormDraftShape(def, "表单").map((p) => p.replace(/^表单: /, ""));
  if (declared.length) return declared;
  return schemaProblems(d.schema);
}
