// The one value → text formatter, table-driven over every field type there is: each top-level field
// of the forms in forms/ (profile, the 17 achievement categories, the application forms), every field
// type the designer's builder writes, and the standard schemas admins paste
// (tests/fixtures/admin-schemas). A field is typed by its shape (type, format, options, x-file /
// x-dictionary, widget, items, properties); a shape with no row in CASES fails the first test, so a
// new field type is formatted on purpose before it ships. Every row is checked with the options of
// each surface: screen (empty "—"), Excel (empty ""), the printed form (ID numbers masked) and its
// narrow table cells (compact dates).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { branchProperties, cnDate, formatColumn, formatRange, formatValue, maskIdNumber, maskMobile, recordFields, type FormatOptions } from "~/engine/format-value";
import { FIELD_TYPES, fieldsToDefinition, newField } from "~/engine/field-builder";

type Json = Record<string, any>;
interface Field { source: string; name: string; schema: Json; ui: Json; root: Json }
/** One value of a field type and how it reads: on screen and in Excel (`text`), on the printed form
 * (`print`, when it differs) and in its narrow table cells (`compact`, when it differs). */
/** print: the committee's form; masked: a public version (公示版); compact: a printed table cell. */
interface Case { value: unknown; text: string; print?: string; compact?: string; masked?: string }

const ROOT = path.resolve(__dirname, "../..");
const K1 = "f_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const K2 = "f_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const FILES = { [K1]: { name: "毕业证书.pdf" }, [K2]: { name: "学位证书.png" } };
const UNITS: Record<number, string> = { 7: "浙江工业大学" };
const lookup = (dictionary: string, code: unknown) => (dictionary === "units" ? UNITS[Number(code)] : undefined);

const SURFACES: { name: string; o: FormatOptions; empty: string; pick: (c: Case) => string }[] = [
  { name: "screen", o: { empty: "—", files: FILES, lookup }, empty: "—", pick: (c) => c.text },
  { name: "excel", o: { empty: "", files: FILES, lookup }, empty: "", pick: (c) => c.text },
  { name: "print", o: { empty: "", files: FILES, lookup }, empty: "", pick: (c) => c.print ?? c.text },
  { name: "public print", o: { empty: "", masked: true, files: FILES, lookup }, empty: "", pick: (c) => c.masked ?? c.print ?? c.text },
  { name: "table cell", o: { empty: "", compact: true, files: FILES, lookup }, empty: "", pick: (c) => c.compact ?? c.print ?? c.text },
];

function deref(s: Json, root: Json): Json {
  if (typeof s?.$ref !== "string") return s ?? {};
  const target = s.$ref.slice(2).split("/").reduce((o: Json, k: string) => o?.[k], root);
  const { $ref: _r, ...own } = s;
  return deref({ ...target, ...own }, root);
}

/** A field's type as the formatter sees it. */
function shape(schema: Json, ui: Json, root: Json): string {
  const s = deref(schema, root);
  const parts = [Array.isArray(s.type) ? s.type.join("|") : String(s.type ?? "any")];
  if (s.format) parts.push(`format=${s.format}`);
  for (const k of ["enum", "oneOf", "anyOf", "x-file", "x-dictionary"]) if (s[k] !== undefined) parts.push(k);
  if (ui?.["ui:enumNames"]) parts.push("enumNames");
  if (ui?.["ui:widget"]) parts.push(`widget=${ui["ui:widget"]}`);
  if (s.items) parts.push(`items(${shape(s.items, ui?.items ?? {}, root)})`);
  if (s.properties) parts.push(`{${Object.entries<Json>(s.properties).map(([k, p]) => shape(p, ui?.[k] ?? {}, root)).join(", ")}}`);
  return parts.join(" ");
}

function fieldsOf(source: string, schema: Json, uiSchema: Json = {}): Field[] {
  // Fields of conditional branches too (a branch may also restate a root field: the root one counts).
  const props = { ...branchProperties(schema), ...(schema.properties ?? {}) };
  return Object.entries<Json>(props).map(([name, s]) => ({ source, name, schema: s, ui: uiSchema[name] ?? {}, root: schema }));
}

function allFields(): Field[] {
  const out: Field[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== "_meta") walk(p);
      else if (e.name.endsWith(".json")) {
        const def = JSON.parse(fs.readFileSync(p, "utf8"));
        out.push(...fieldsOf(path.relative(ROOT, p), def.schema, def.uiSchema));
      }
    }
  };
  walk(path.join(ROOT, "forms"));
  const admin = path.join(ROOT, "tests/fixtures/admin-schemas");
  for (const f of fs.readdirSync(admin).filter((f) => f.endsWith(".json"))) {
    const { definition } = JSON.parse(fs.readFileSync(path.join(admin, f), "utf8"));
    out.push(...fieldsOf(`admin-schemas/${f}`, definition.schema, definition.uiSchema));
  }
  const built = fieldsToDefinition(FIELD_TYPES.map((t, i) => ({ ...newField(t, []), name: `f${i}` })), { title: "", schema: {}, uiSchema: {}, meta: {} });
  out.push(...fieldsOf("field-builder", built.schema, built.uiSchema));
  return out;
}

const same = (v: string): Case[] => [{ value: v, text: v }];
const text: (f: Field) => Case[] = () => [...same("浙江大学"), ...same("  多行\n文本 ")];
const options = (f: Field): Case[] => {
  const s = deref(f.schema, f.root);
  const names = f.ui["ui:enumNames"];
  if (s.enum) return s.enum.map((v: unknown, i: number) => ({ value: v, text: Array.isArray(names) ? names[i] : String(v) }));
  return (s.oneOf ?? s.anyOf).filter((o: Json) => "const" in o).map((o: Json) => ({ value: o.const, text: o.title }));
};
const yearMonth = (): Case[] => [{ value: "2026-11", text: "2026年11月", compact: "2026.11" }, { value: "2008-09", text: "2008年9月", compact: "2008.09" }];
const date = (): Case[] => [{ value: "2026-11-28", text: "2026年11月28日", compact: "2026.11.28" }, { value: "2019-01-05", text: "2019年1月5日", compact: "2019.01.05" }];
const integer = (): Case[] => [{ value: 3, text: "3" }, { value: 0, text: "0" }];
const number = (): Case[] => [{ value: 12.5, text: "12.5" }, { value: 0, text: "0" }, { value: 1200, text: "1200" }];
const boolean = (): Case[] => [{ value: true, text: "是" }, { value: false, text: "否" }];
const files = (): Case[] => [{ value: [K1, K2], text: "毕业证书.pdf、学位证书.png" }, { value: [K1, "f_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"], text: "毕业证书.pdf、另 1 个文件" }];
const multi = (f: Field): Case[] => {
  const opts = options({ ...f, schema: deref(f.schema, f.root).items, ui: f.ui.items ?? {} });
  return [{ value: opts.slice(0, 2).map((o) => o.value), text: opts.slice(0, 2).map((o) => o.text).join("、") }];
};

/** Every field type there is → values of it and their text. */
const CASES: Record<string, (f: Field) => Case[]> = {
  "string": text,
  "string widget=textarea": text,
  "string widget=radio": text,
  "string|null": () => [...same("杭州市建设局"), { value: null, text: "" }],
  "string format=year-month widget=year-month": yearMonth,
  "string format=year-month": yearMonth,
  "string format=date": date,
  "string format=cn-id-card": () => [{ value: "330106199001011234", text: "330106199001011234", masked: "330106********1234" }],
  "string format=cn-mobile": () => [{ value: "13812345678", text: "13812345678", masked: "138****5678" }],
  "string format=email": () => same("zhang@example.com"),
  "string format=uri": () => same("https://example.com/a?b=1"),
  "string enum": options,
  "string enum widget=radio": options,
  "integer enum": options,
  "string oneOf": options,
  "any anyOf": () => [{ value: 12.5, text: "12.5" }, { value: "不详", text: "不详" }],
  "integer": integer,
  "integer widget=updown": integer,
  "number": number,
  "number|null": () => [{ value: 8.5, text: "8.5" }, { value: null, text: "" }],
  "boolean": boolean,
  "integer x-dictionary widget=unit-search": () => [{ value: 7, text: "浙江工业大学" }, { value: 99, text: "99" }],
  // 字典选择 of the field builder (a dictionary an administrator declared): the label the lookup knows, else the id.
  "integer x-dictionary widget=dictionary-search": (f) => [...(f.schema["x-dictionary"] === "units" ? [{ value: 7, text: "浙江工业大学" }] : []), { value: 99, text: "99" }],
  "array x-file widget=file-upload items(string)": files,
  "array items(string enum)": multi,
  "array widget=checkboxes items(string enum)": multi,
  "array items(object {string, integer})": () => [{ value: [{ 姓名: "张三", 排名: 1 }, { 姓名: "李四", 排名: 2 }], text: "张三 1、李四 2" }],
  "object {string, string}": () => [{ value: { 名称: "浙江工业大学", 地址: "杭州市潮王路18号" }, text: "浙江工业大学 杭州市潮王路18号" }],
  "object {string, string widget=textarea}": () => [{ value: { 名称: "浙江工业大学", 地址: "杭州市潮王路18号" }, text: "浙江工业大学 杭州市潮王路18号" }],
};

const FIELDS = allFields();

describe("every field type", () => {
  it("found in forms/, the field builder and the admin schemas has its cases", () => {
    const missing = [...new Set(FIELDS.filter((f) => !CASES[shape(f.schema, f.ui, f.root)]).map((f) => `${shape(f.schema, f.ui, f.root)}  (${f.source}: ${f.name})`))];
    expect(missing, "field types without a formatter case — add them to CASES").toEqual([]);
    // The forms the platform ships are all here.
    expect(new Set(FIELDS.map((f) => f.source.split("/")[0])).size).toBeGreaterThanOrEqual(3);
    expect(FIELDS.filter((f) => f.source.startsWith("forms/achievements/")).map((f) => f.source).filter((s, i, a) => a.indexOf(s) === i)).toHaveLength(17);
  });

  it.each(FIELDS.map((f) => [`${f.source}: ${f.name} (${shape(f.schema, f.ui, f.root)})`, f] as const))("%s reads as its case on every surface", (_label, f) => {
    const cases = CASES[shape(f.schema, f.ui, f.root)]?.(f) ?? [];
    expect(cases.length).toBeGreaterThan(0);
    for (const surface of SURFACES) {
      const o = { ...surface.o, root: f.root };
      for (const c of cases) expect(formatValue(c.value, f.schema, f.ui, o), `${surface.name}: ${JSON.stringify(c.value)}`).toBe(c.value === null ? surface.empty : surface.pick(c));
      for (const empty of [undefined, null, "", []]) expect(formatValue(empty, f.schema, f.ui, o), `${surface.name}: empty`).toBe(surface.empty);
    }
  });
});

describe("options", () => {
  it("read as the form offered them: oneOf titles (ui:title first), ui:enumNames as a list or a map", () => {
    const oneOf = { type: "string", oneOf: [{ const: "normal", title: "正常晋升" }, { const: "exceptional", title: "破格晋升" }] };
    expect(formatValue("exceptional", oneOf)).toBe("破格晋升");
    expect(formatValue("exceptional", oneOf, { oneOf: [{}, { "ui:title": "破格" }] })).toBe("破格");
    expect(formatValue("other", oneOf), "a value not offered shows as stored").toBe("other");
    const level = { type: "integer", enum: [1, 2, 3] };
    expect(formatValue(2, level, { "ui:enumNames": ["一等", "二等", "三等"] })).toBe("二等");
    expect(formatValue(3, level, { "ui:enumNames": { 3: "三等" } })).toBe("三等");
    expect(formatValue(1, level, { "ui:options": { enumNames: ["甲", "乙", "丙"] } })).toBe("甲");
    expect(formatValue(1, level, { "ui:enumNames": { 3: "三等" } })).toBe("1");
    expect(formatValue(false, { type: "boolean", oneOf: [{ const: true, title: "有" }, { const: false, title: "无" }] })).toBe("无");
  });

  it("of a multi-select are each read as their title, joined with 、", () => {
    const s = { type: "array", items: { type: "string", anyOf: [{ const: "civil", title: "土木" }, { const: "water", title: "水利" }] }, uniqueItems: true };
    expect(formatValue(["water", "civil"], s)).toBe("水利、土木");
    expect(formatValue(["a", "b"], { type: "array", items: { type: "string", enum: ["a", "b"] } }, { items: { "ui:enumNames": ["甲", "乙"] } })).toBe("甲、乙");
  });
});

describe("dates", () => {
  it("read in Chinese, compact in narrow printed cells; a date-time in Beijing time", () => {
    expect(formatValue("2026-11", { type: "string", format: "year-month" })).toBe("2026年11月");
    expect(formatValue("2026-11", { type: "string", format: "year-month" }, null, { compact: true })).toBe("2026.11");
    expect(formatValue("2026-03-08", { type: "string", format: "date" })).toBe("2026年3月8日");
    expect(formatValue("2026-11-28T06:05:00Z", { type: "string", format: "date-time" })).toBe("2026年11月28日 14:05");
    expect(formatValue("2020-01", { type: "string" }), "a text field that looks like a date stays text").toBe("2020-01");
    expect(formatValue("2020-01"), "without a schema a date still reads as one").toBe("2020年1月");
    expect(cnDate(new Date("2026-11-27T16:30:00Z"))).toBe("2026年11月28日");
    expect(cnDate("2026-11-27T16:30:00Z", true)).toBe("2026年11月28日 00:30");
    expect(cnDate("不是日期")).toBe("不是日期");
    expect(cnDate(null)).toBe("");
  });

  it("ranges: 至 / 至今 on screen and paper, — in narrow cells, the empty marker when both are empty", () => {
    const ym = { type: "string", format: "year-month" };
    expect(formatRange("2008-09", "2012-06", { from: ym })).toBe("2008年9月 至 2012年6月");
    expect(formatRange("2008-09", undefined, { from: ym })).toBe("2008年9月 至今");
    expect(formatRange(undefined, "2012-06", { from: ym })).toBe("— 至 2012年6月");
    expect(formatRange("2008-09", "2012-06", { from: ym }, { compact: true })).toBe("2008.09—2012.06");
    expect(formatRange("2008-09", "", { from: ym }, { compact: true })).toBe("2008.09—至今");
    expect(formatRange(null, "", { from: ym }, { empty: "—" })).toBe("—");
    expect(formatRange(null, "", { from: ym })).toBe("");
    const col = { field: "startDate", to: "endDate", schema: ym, toSchema: ym };
    expect(formatColumn(col, { startDate: "2008-09", endDate: "2012-06" }, { empty: "—" })).toBe("2008年9月 至 2012年6月");
    expect(formatColumn({ field: "level", schema: { type: "string", oneOf: [{ const: "n", title: "国家级" }] } }, { level: "n" })).toBe("国家级");
  });
});

describe("files, dictionaries, ID numbers, nesting", () => {
  it("files by name where the caller knows them, else counted; dictionary codes by the caller's lookup", () => {
    const file = { type: "array", items: { type: "string" }, "x-file": { accept: ["application/pdf"], maxSize: 1 } };
    expect(formatValue([K1, K2], file, null, { files: FILES })).toBe("毕业证书.pdf、学位证书.png");
    expect(formatValue([K1, K2], file)).toBe("2 个文件");
    expect(formatValue([K1], undefined), "file keys read as files also without their schema").toBe("1 个文件");
    const unit = { type: "integer", "x-dictionary": "units" };
    expect(formatValue(7, unit, null, { lookup })).toBe("浙江工业大学");
    expect(formatValue(7, unit)).toBe("7");
  });

  it("masks ID numbers only where asked (the printed form)", () => {
    const id = { type: "string", format: "cn-id-card" };
    expect(formatValue("33010619900101123X", id)).toBe("33010619900101123X");
    expect(formatValue("33010619900101123X", id, null, { masked: true })).toBe("330106********123X");
    expect(maskIdNumber("12345")).toBe("*****");
    expect(maskIdNumber(undefined)).toBe("");
  });

  it("follows lists and objects (in their ui:order) to a bounded depth", () => {
    const person = { type: "object", properties: { name: { type: "string" }, since: { type: "string", format: "year-month" } } };
    expect(formatValue({ since: "2019-01", name: "王五" }, person)).toBe("王五 2019年1月");
    expect(formatValue({ since: "2019-01", name: "王五" }, person, { "ui:order": ["since", "*"] })).toBe("2019年1月 王五");
    let deep: unknown = "底";
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(formatValue(deep, undefined, null, { empty: "—" })).toBe("—");
    expect(formatValue(Number.NaN, { type: "number" }, null, { empty: "—" })).toBe("—");
  });
});

describe("recordFields", () => {
  const schema = {
    type: "object",
    definitions: { person: { type: "object", properties: { 姓名: { type: "string", title: "姓名" } } } },
    properties: {
      a: { type: "string", title: "甲" },
      b: { type: "boolean", title: "乙" },
      secret: { type: "string" },
      lead: { $ref: "#/definitions/person", title: "负责人" },
      kind: { type: "string", title: "类型", enum: ["x", "y"] },
    },
    allOf: [{ if: { properties: { kind: { const: "y" } } }, then: { properties: { reason: { type: "string", title: "理由" } } } }],
  };
  const ui = { "ui:order": ["b", "*", "a"], secret: { "ui:widget": "hidden" }, kind: { "ui:enumNames": ["普通", "特殊"] } };

  it("lists the fields in ui:order (its * standing for the rest), hidden ones left out, $ref followed", () => {
    const f = recordFields(schema, ui, { a: "文本", b: true, secret: "s", lead: { 姓名: "王五" }, kind: "x" }, { empty: "—" });
    expect(f.map((x) => [x.name, x.title, x.value])).toEqual([
      ["b", "乙", "是"], ["lead", "负责人", "王五"], ["kind", "类型", "普通"], ["a", "甲", "文本"],
    ]);
  });

  it("shows a conditional branch's field when the record has a value for it", () => {
    const f = recordFields(schema, ui, { kind: "y", reason: "破格" }, { empty: "—" });
    expect(f.map((x) => [x.name, x.value])).toEqual([["b", "—"], ["lead", "—"], ["kind", "特殊"], ["reason", "破格"], ["a", "—"]]);
  });
});

describe("maskMobile (公示版评审表)", () => {
  it("keeps the first three and last four digits of a mobile number", () => {
    expect(maskMobile("13905710001")).toBe("139****0001");
    expect(maskMobile(" 13905710001 ")).toBe("139****0001");
    expect(maskMobile("1390571")).toBe("*******");
    expect(maskMobile("")).toBe("");
    expect(maskMobile(undefined)).toBe("");
  });
});
