// Admin-supplied form definitions: dangerous ones are refused quickly with a Chinese message
// naming the spot; a broad set of legitimate draft-07 schemas passes.
import { describe, expect, it } from "vitest";
import { checkAdminSchema, locateJsonError, parseDefinitionText, patternProblem, toDraft07 } from "~/engine/schema-safety.server";
import { createAjv, toFieldErrors } from "~/engine/validator";

const base = (schema: Record<string, any>, uiSchema: Record<string, any> = {}, extra: Record<string, any> = {}) => ({
  id: "achievement/safety-test", version: 1, kind: "achievement", title: "安全测试",
  schema: { type: "object", required: ["name"], properties: { name: { type: "string", title: "名称", maxLength: 50 }, ...schema.properties }, ...schema, ...(schema.properties ? { properties: { name: { type: "string", title: "名称", maxLength: 50 }, ...schema.properties } } : {}) },
  uiSchema,
  meta: { order: 900, titleField: "name", listColumns: [{ field: "name" }] },
  ...extra,
});
const field = (f: Record<string, any>) => base({ properties: { f } });

function timed(def: unknown) {
  const t = performance.now();
  const problems = checkAdminSchema(def);
  return { problems, ms: performance.now() - t };
}

const nested = (depth: number) => {
  let s: any = { type: "string", maxLength: 5 };
  for (let i = 0; i < depth; i++) s = { type: "object", properties: { x: s } };
  return s;
};

describe("refused quickly, with a message naming the problem", () => {
  const cases: [string, unknown, RegExp][] = [
    ["ReDoS (a+)+", field({ type: "string", maxLength: 20, pattern: "^(a+)+$" }), /schema\.properties\.f\.pattern.*嵌套量词/],
    ["ReDoS (.*)*", field({ type: "string", maxLength: 20, pattern: "(.*)*x" }), /嵌套量词/],
    ["ReDoS (a|a)*", field({ type: "string", maxLength: 20, pattern: "^(a|a)*$" }), /分支组/],
    ["ReDoS ((ab)*c)+", field({ type: "string", maxLength: 20, pattern: "^((ab)*c)+$" }), /嵌套量词/],
    ["ReDoS (\\w+\\s?)*", field({ type: "string", maxLength: 20, pattern: "^(\\w+\\s?)*$" }), /嵌套量词/],
    ["ReDoS (?:a{1,5}){2,}", field({ type: "string", maxLength: 20, pattern: "(?:a{1,5}){2,}" }), /嵌套量词/],
    ["backreference", field({ type: "string", maxLength: 20, pattern: "^(a)\\1$" }), /反向引用/],
    ["lookbehind", field({ type: "string", maxLength: 20, pattern: "(?<=a)b" }), /后行断言/],
    ["ReDoS in patternProperties", base({ properties: { m: { type: "object", patternProperties: { "^(x+)+$": { type: "string", maxLength: 3 } } } } }), /patternProperties.*嵌套量词/],
    ["pattern without maxLength", field({ type: "string", pattern: "^[0-9]{6}$" }), /schema\.properties\.f: 带 pattern 的文本字段必须设置 maxLength/],
    ["format without maxLength", field({ type: "string", format: "email" }), /带 format 的文本字段必须设置 maxLength/],
    ["remote $ref https", field({ $ref: "https://evil.example/schema.json" }), /不允许引用外部 schema.*https:\/\/evil/],
    ["remote $ref relative file", field({ $ref: "other.json#/a" }), /不允许引用外部 schema/],
    ["remote $ref file:", field({ $ref: "file:///etc/passwd" }), /不允许引用外部 schema/],
    ["$id elsewhere", base({ $id: "https://evil.example/x", properties: {} }), /不允许使用 \$id/],
    ["nested $id", field({ $id: "http://x/y", type: "string", maxLength: 3 }), /schema\.properties\.f: 不允许使用 \$id/],
    ["200-deep nesting", base({ properties: { deep: nested(200) } }), /嵌套过深/],
    ["100 000-deep nesting", base({ properties: { deep: nested(100_000) } }), /嵌套过深/],
    ["5 MB schema (many fields)", base({ properties: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, { type: "string", maxLength: 10, title: "x".repeat(60) }])) }), /定义过大|字段过多/],
    ["5 MB schema (one huge string)", field({ type: "string", maxLength: 3, description: "x".repeat(5 * 1024 * 1024) }), /定义过大/],
    ["raw dependentRequired (publishing rewrites it first, see toDraft07)", base({ properties: { a: { type: "string", maxLength: 3 } }, dependentRequired: { a: ["name"] } }), /dependentRequired.*dependencies/],
    ["unknown keyword (strict)", field({ type: "string", maxLength: 3, minLenght: 1 }), /schema\.properties\.f：draft-07 没有关键字 "minLenght"/],
    ["x-pattern-hint without a pattern", field({ type: "string", maxLength: 3, "x-pattern-hint": "应为 3 位数字" }), /schema\.properties\.f\.x-pattern-hint：只能写在有 pattern 的字段上/],
    ["x-pattern-hint not a text", field({ type: "string", maxLength: 3, pattern: "^[0-9]{3}$", "x-pattern-hint": 3 }), /schema\.properties\.f\.x-pattern-hint：应为 1–200 个字符的说明/],
    ["meta-schema: not an object schema", { ...base({ properties: {} }), schema: { type: "array" } }, /schema/],
    ["uiSchema names a missing field", base({ properties: {} }, { nope: { "ui:widget": "textarea" } }), /nope/],
  ];
  it.each(cases)("%s", (_name, def, message) => {
    const { problems, ms } = timed(def);
    expect(problems.join("\n")).toMatch(message);
    expect(ms).toBeLessThan(1000);
  });
});

describe("legitimate schemas pass", () => {
  const ok: [string, unknown][] = [
    ["plain fields", base({ properties: { n: { type: "integer", minimum: 0, maximum: 100 }, d: { type: "string", format: "date", maxLength: 10 }, b: { type: "boolean", default: false } } })],
    ["nested objects", base({ properties: { addr: { type: "object", title: "地址", properties: { city: { type: "string", maxLength: 20 }, street: { type: "object", properties: { no: { type: "string", maxLength: 10 } } } } } } })],
    ["arrays of objects", base({ properties: { members: { type: "array", maxItems: 10, items: { type: "object", required: ["who"], properties: { who: { type: "string", maxLength: 20 }, rank: { type: "integer", minimum: 1 } } } } } })],
    ["$ref/definitions", base({ definitions: { person: { type: "object", properties: { n: { type: "string", maxLength: 9 } } } }, properties: { a: { $ref: "#/definitions/person" }, b: { $ref: "#/definitions/person" } } })],
    ["$ref/$defs", base({ $defs: { code: { type: "string", pattern: "^[A-Z]{2}[0-9]{4}$", maxLength: 6 } }, properties: { c: { $ref: "#/$defs/code" } } })],
    ["enums", base({ properties: { level: { type: "string", title: "级别", enum: ["国家级", "省级", "市级"] }, multi: { type: "array", uniqueItems: true, items: { type: "string", enum: ["a", "b"] } } } })],
    ["oneOf/anyOf/allOf", base({ properties: { o: { oneOf: [{ type: "string", maxLength: 3 }, { type: "integer" }] }, a: { anyOf: [{ type: "string", maxLength: 3 }, { type: "null" }] }, l: { allOf: [{ type: "integer" }, { type: "integer", minimum: 1 }] } } })],
    ["if/then/else", base({ properties: { kind: { type: "string", enum: ["a", "b"] }, extra: { type: "string", maxLength: 9 } }, if: { properties: { kind: { const: "a" } }, required: ["kind"] }, then: { required: ["extra"] }, else: {} })],
    ["dependencies (draft-07)", base({ properties: { card: { type: "string", maxLength: 19 }, addr: { type: "string", maxLength: 50 } }, dependencies: { card: ["addr"], addr: { properties: { note: { type: "string", maxLength: 5 } } } } })],
    ["defaults", base({ properties: { n: { type: "integer", default: 3 }, s: { type: "string", maxLength: 9, default: "无" } } })],
    ["nullable types", base({ properties: { s: { type: ["string", "null"], maxLength: 9 }, n: { type: ["number", "null"] } } })],
    ["uiSchema widgets and ordering", base({ properties: { a: { type: "string", maxLength: 500 }, b: { type: "string", format: "date", maxLength: 10 } } }, { "ui:order": ["b", "name", "*"], a: { "ui:widget": "textarea", "ui:help": "说明" }, b: { "ui:widget": "date" } })],
    ["safe patterns", base({ properties: { p: { type: "string", maxLength: 18, pattern: "^[0-9]{17}[0-9Xx]$" }, q: { type: "string", maxLength: 30, pattern: "^(\\+86)?1[3-9]\\d{9}$" }, r: { type: "string", maxLength: 30, pattern: "^(?:CN|US)\\d{6,12}(?:\\.\\d)?$" } } })],
    ["pattern with x-pattern-hint", base({ properties: { p: { type: "string", maxLength: 6, pattern: "^[0-9]{6}$", "x-pattern-hint": "应为 6 位数字" } } })],
    ["$schema draft-07 at the root", base({ $schema: "http://json-schema.org/draft-07/schema#", properties: {} })],
  ];
  it.each(ok)("%s", (_name, def) => {
    expect(checkAdminSchema(def)).toEqual([]);
  });
});

describe("patternProblem", () => {
  it.each(["^[a-z]+$", "^\\d{4}-\\d{2}$", "^(ab)+$", "^(a|b)?c$", "[(+*)]+", "^(?<year>\\d{4})$", "^\\(\\d+\\)$"])("accepts %s", (p) => {
    expect(patternProblem(p)).toBeNull();
  });
  it.each(["(a+)+", "(a*)*", "([a-z]+)*", "(a|ab)*", "(x+x+)+y", "(?:(a)+)+", "\\1", "(?<!x)y", "a".repeat(300), "(unclosed"])("refuses %s", (p) => {
    expect(patternProblem(p)).not.toBeNull();
  });
});

describe("JSON text", () => {
  it("locates a syntax error as 第 N 行第 M 列", () => {
    const text = '{\n  "a": 1,\n  "b": ,\n}';
    const r = parseDefinitionText(text);
    expect(r.ok).toBe(false);
    expect((r as any).problems[0]).toMatch(/第 3 行第 \d+ 列/);
    expect((parseDefinitionText('{"a": [1, 2}') as any).problems[0]).toMatch(/第 1 行第 12 列/);
    expect((parseDefinitionText('{"a": 1}') as any).value).toEqual({ a: 1 });
    expect(locateJsonError("[1]", new Error("no position"))).toBe("no position");
  });
});

describe("checkDraftSafety", () => {
  it("lets an incomplete draft through but not an unsafe one", async () => {
    const { checkDraftSafety } = await import("~/engine/schema-safety.server");
    expect(checkDraftSafety({ id: "x", schema: { type: "object", properties: {} } })).toEqual([]);
    expect(checkDraftSafety({ schema: { properties: { a: { $ref: "http://x/y" } } } }).join()).toMatch(/外部/);
    expect(checkDraftSafety({ schema: [] })).toEqual(["schema 应为对象"]);
  });
});

describe("2019-09 dependentRequired / dependentSchemas", () => {
  const def = base({
    properties: { a: { type: "string", maxLength: 10 }, b: { type: "string", maxLength: 10 }, c: { type: "integer" } },
    dependentRequired: { a: ["b"] },
    dependentSchemas: { c: { required: ["a"] } },
  });
  const rewritten = toDraft07(def.schema) as Record<string, any>;

  it("are rewritten to the equivalent draft-07 dependencies, which pass the checks", () => {
    expect(rewritten.dependentRequired).toBeUndefined();
    expect(rewritten.dependencies).toEqual({ a: ["b"], c: { required: ["a"] } });
    expect(checkAdminSchema({ ...def, schema: rewritten })).toEqual([]);
  });

  it("then validate as the 2019-09 keywords mean", () => {
    const validate = createAjv().compile(rewritten);
    expect(validate({ name: "x" })).toBe(true);
    expect(validate({ name: "x", a: "1", b: "2" })).toBe(true);
    expect(validate({ name: "x", a: "1" })).toBe(false);
    expect(Object.keys(toFieldErrors(validate.errors))).toEqual(["b"]);
    expect(validate({ name: "x", c: 1 })).toBe(false);
    expect(Object.keys(toFieldErrors(validate.errors))).toEqual(["a"]);
  });

  it("nested in a property or a $defs entry too", () => {
    const nested = toDraft07({ $defs: { p: { type: "object", properties: { x: { type: "string" } }, dependentRequired: { x: ["y"] } } } }) as any;
    expect(nested.$defs.p.dependencies).toEqual({ x: ["y"] });
  });
});
