// The strict compile of a form's schema, with every problem in Chinese. Run on publish, bundle
// import and form files (form-registry.server.ts, checkFormContent) and in the designer's preview
// (components/form-designer.tsx), so the preview shows the refusal 发布 would give.
//
// What valid draft-07 is accepted: tuples (items as an array) with or without additionalItems /
// minItems (strictTuples off), "required" naming properties defined elsewhere, union types.
// What is refused: anything the draft-07 meta-schema refuses; unknown keywords (a typo such as
// "maxlength" would otherwise be silently ignored); formats the engine cannot check (an unknown
// format would accept any text); the base64 "data-url" format on purpose (files are uploaded: the
// 附件 field kind); $ref to a definition that does not exist. Strict-mode notes that only say a
// keyword is ignored (e.g. additionalItems without a tuple) are valid draft-07 and pass.
// Client-safe (no Node imports).
import type Ajv from "ajv";
import { createAjv, ENGINE_KEYWORDS, messageFor, PATTERN_HINT } from "./validator";
import { BASE64_REASON } from "./ui-registry";

let cached: { ajv: Ajv; warnings: string[] } | null = null;

function strictAjv() {
  if (cached) return cached;
  const warnings: string[] = [];
  const logger = { log: () => {}, warn: (...args: unknown[]) => { warnings.push(args.map(String).join(" ")); }, error: () => {} };
  const ajv = createAjv({ strict: "log", strictTuples: false, strictRequired: false, strictTypes: false, allowUnionTypes: true, logger });
  cached = { ajv, warnings };
  return cached;
}

/** The formats a schema may use (ajv-formats' and the engine's own). */
export function knownFormats(): string[] {
  return Object.keys(strictAjv().ajv.formats).sort();
}

const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

/** "#/properties/a/items/0" → "schema.properties.a.items[0]". */
export function schemaPath(pointer: string): string {
  const segs = pointer.replace(/^#?\/?/, "").split("/").filter(Boolean).map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
  let out = "schema";
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : `.${s}`;
  return out;
}

const MAP_KEYWORDS = ["properties", "definitions", "$defs", "patternProperties", "dependencies"];
const SCHEMA_KEYWORDS = ["items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else", "allOf", "anyOf", "oneOf"];

/** Every subschema with its JSON pointer (iterative). */
export function subschemas(schema: unknown): { node: Record<string, any>; pointer: string }[] {
  const out: { node: Record<string, any>; pointer: string }[] = [];
  const stack: { node: unknown; pointer: string }[] = [{ node: schema, pointer: "#" }];
  while (stack.length && out.length < 50_000) {
    const { node, pointer } = stack.pop()!;
    if (!isObj(node)) continue;
    out.push({ node, pointer });
    for (const k of MAP_KEYWORDS) if (isObj(node[k])) for (const [name, sub] of Object.entries(node[k])) stack.push({ node: sub, pointer: `${pointer}/${k}/${name}` });
    for (const k of SCHEMA_KEYWORDS) {
      const v = node[k];
      if (Array.isArray(v)) v.forEach((sub, i) => stack.push({ node: sub, pointer: `${pointer}/${k}/${i}` }));
      else stack.push({ node: v, pointer: `${pointer}/${k}` });
    }
  }
  return out;
}

/**
 * The subschemas that describe the same value as `node` (allOf/anyOf/oneOf entries, if/then/else,
 * schema dependencies): a field declared in one of them — such as the designer's conditional
 * field, written in an allOf entry's "then" — lives at the same data path as the node's own.
 */
export function sameValueBranches(node: unknown): Record<string, any>[] {
  if (!isObj(node)) return [];
  const out: Record<string, any>[] = [];
  for (const k of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(node[k])) out.push(...node[k].filter(isObj));
  for (const k of ["if", "then", "else"]) if (isObj(node[k])) out.push(node[k]);
  if (isObj(node.dependencies)) out.push(...Object.values(node.dependencies).filter(isObj));
  return out;
}

const FORMAT_HINT = "date、date-time、time、year-month、email、uri、cn-id-card、cn-mobile、cn-credit-code 等";

/** Problems with the formats a schema uses: data-url (on purpose) and formats the engine cannot check. */
function formatProblems(schema: unknown): string[] {
  const known = new Set(knownFormats());
  const out: string[] = [];
  for (const { node, pointer } of subschemas(schema)) {
    if (typeof node.format !== "string") continue;
    if (node.format === "data-url") out.push(`${schemaPath(pointer)}.format：格式 "data-url" 不可用：${BASE64_REASON}`);
    else if (!known.has(node.format)) out.push(`${schemaPath(pointer)}.format：引擎不认识格式 "${node.format}"，无法校验（可用的格式：${FORMAT_HINT}；不需要格式校验时删除 format）`);
  }
  return out;
}

/** Chinese for a strict-mode note of Ajv, or null when the note is no problem (valid draft-07). */
function strictProblem(message: string, schema: unknown): string[] | null {
  const unknown = /unknown keyword: "(.+)"/.exec(message);
  if (unknown) {
    const key = unknown[1];
    const where = subschemas(schema).filter(({ node }) => Object.prototype.hasOwnProperty.call(node, key)).map(({ pointer }) => schemaPath(pointer));
    const hint = `draft-07 没有关键字 "${key}"（除 draft-07 的关键字外，引擎只认 ${ENGINE_KEYWORDS.join("、")}）；拼写有误请更正，说明文字请写在 description 中`;
    return (where.length ? where : ["schema"]).map((w) => `${w}：${hint}`);
  }
  if (/unknown format/.test(message)) return []; // formatProblems says it, for every field
  return null;
}

/** x-pattern-hint: a short Chinese text, on a field that has a pattern (it is what the pattern's error says). */
function hintProblems(schema: unknown): string[] {
  const out: string[] = [];
  for (const { node, pointer } of subschemas(schema)) {
    if (!Object.prototype.hasOwnProperty.call(node, PATTERN_HINT)) continue;
    const hint = node[PATTERN_HINT];
    if (typeof hint !== "string" || !hint.trim() || hint.length > 200) out.push(`${schemaPath(pointer)}.${PATTERN_HINT}：应为 1–200 个字符的说明，如「应为 6 位数字」`);
    else if (typeof node.pattern !== "string") out.push(`${schemaPath(pointer)}.${PATTERN_HINT}：只能写在有 pattern 的字段上（它是 pattern 不符时的提示）`);
  }
  return out;
}

/** Every problem with the schema as the engine compiles it (empty: it compiles), in Chinese. */
export function compileProblems(schema: unknown): string[] {
  const { ajv, warnings } = strictAjv();
  if (!isObj(schema)) return ["schema 应为对象"];
  const s = { ...schema, $id: undefined };
  if (!ajv.validateSchema(s)) {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const e of ajv.errors ?? []) {
      if (e.keyword === "anyOf" || e.keyword === "oneOf" || e.keyword === "if") continue;
      if (e.keyword === "type" && /\/type$/.test(e.instancePath)) continue; // the enum error says it
      const path = schemaPath(e.instancePath);
      let msg = messageFor(e.keyword, e.params as Record<string, any>, "取值不正确");
      if (e.keyword === "enum" && /\/type$/.test(e.instancePath)) msg = "应为 string、number、integer、boolean、array、object、null 之一";
      const line = `${path}：不符合 JSON Schema draft-07：${msg}`;
      if (!seen.has(line)) out.push(line), seen.add(line);
    }
    return out.length ? out : ["schema 不符合 JSON Schema draft-07"];
  }
  const problems = [...formatProblems(s), ...hintProblems(s)];
  // Ajv throws on an unknown format even when logging the rest: compile a copy without them, so
  // every other problem is still found in this pass.
  const known = new Set(knownFormats());
  const copy = structuredClone(s);
  for (const { node } of subschemas(copy)) if (typeof node.format === "string" && !known.has(node.format)) delete node.format;
  warnings.length = 0;
  try {
    ajv.compile(copy);
  } catch (e) {
    const err = e as Error & { missingRef?: string };
    const ref = /can't resolve reference (\S+)/.exec(err.message);
    if (ref || err.missingRef) problems.push(`schema：引用 ${ref?.[1] ?? err.missingRef} 指向的定义不存在（$ref 只能指向本 schema 中的 definitions）`);
    else if (!/unknown format/.test(err.message)) problems.push(`schema 无法编译：${err.message}`);
  } finally {
    ajv.removeSchema(copy);
  }
  for (const w of warnings.splice(0)) {
    const p = strictProblem(w, copy);
    if (p) for (const x of p) if (!problems.includes(x)) problems.push(x);
  }
  return problems;
}
