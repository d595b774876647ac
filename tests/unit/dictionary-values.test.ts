// Typed dictionary columns (issue: a mistyped holiday must not silently count as a working day):
// a date column takes only a real YYYY-MM-DD day, a text column with options only one of them —
// on save, import and bundle alike, since all go through normalise — with Chinese messages; the
// meta-schema and the dictionary kind refuse options or a width where they make no sense; the
// 字典定义 page passes options through and locates their problems; holidays.json declares both,
// with the kinds the working-day count reads.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFINITIONS, loadDefinitionFiles } from "~/engine/definitions/index.server";
import { prepareDefinition } from "~/engine/definitions/lifecycle.server";
import type { DictionaryDefinition } from "~/engine/definitions/kinds/dictionary.server";
import { dateProblem, normalise } from "~/engine/dictionary-admin.server";
import { declarationOf, definitionOf, locateProblem } from "~/engine/dictionary-declaration.server";
import { calendarOf, HOLIDAY_KIND, WORKDAY_KIND } from "~/engine/working-days";

const ROOT = path.resolve(__dirname, "../..");
const kind = DEFINITIONS.dictionary;
const holidays = loadDefinitionFiles(kind, path.join(ROOT, "dictionaries")).find((f) => f.def.id === "holidays")!.def;

describe("a date column", () => {
  it("takes a real day written YYYY-MM-DD and nothing else", () => {
    expect(dateProblem("日期", "2026-10-01")).toBeNull();
    expect(dateProblem("日期", "2028-02-29")).toBeNull();
    expect(dateProblem("日期", "2026-1-1")).toBe("日期应为 2026-10-01 这样的格式（填写的是「2026-1-1」）");
    expect(dateProblem("日期", "2026/10/01")).toBe("日期应为 2026-10-01 这样的格式（填写的是「2026/10/01」）");
    expect(dateProblem("日期", "20261001")).toContain("应为 2026-10-01 这样的格式");
    expect(dateProblem("日期", "2026-02-30")).toBe("日期「2026-02-30」不存在（没有这一天）");
    expect(dateProblem("日期", "2027-02-29")).toBe("日期「2027-02-29」不存在（没有这一天）");
    expect(dateProblem("日期", "2026-13-01")).toContain("不存在");
    // A long input is not echoed whole.
    expect(dateProblem("日期", "x".repeat(10_000))!.length).toBeLessThan(60);
  });
});

describe("normalise (save, import and bundle) on the holidays dictionary", () => {
  const check = (values: Record<string, unknown>) => normalise(holidays, values, {});

  it("accepts a good row as it is", () => {
    expect(check({ date: " 2026-10-01 ", kind: "法定节假日", name: "国庆节" })).toEqual({ values: { date: "2026-10-01", kind: "法定节假日", name: "国庆节" }, errors: [] });
    expect(check({ date: "2026-09-20", kind: "调休上班日" }).errors).toEqual([]);
  });

  it("refuses a mistyped date, a day that does not exist and a kind that is not one of the options, naming them", () => {
    expect(check({ date: "2026-1-1", kind: "法定节假日" }).errors).toEqual(["日期应为 2026-10-01 这样的格式（填写的是「2026-1-1」）"]);
    expect(check({ date: "2026-02-30", kind: "法定节假日" }).errors).toEqual(["日期「2026-02-30」不存在（没有这一天）"]);
    expect(check({ date: "2026-10-01", kind: "法定假日" }).errors).toEqual(["类型「法定假日」不是可选的值（可选：法定节假日、调休上班日）"]);
    expect(check({ date: "2026/10/01", kind: "上班" }).errors).toHaveLength(2);
  });

  it("still says what is missing, and refuses objects and numbers that are no date", () => {
    expect(check({ date: "", kind: "" }).errors).toEqual(["日期不能为空", "类型不能为空"]);
    expect(check({ date: "   ", kind: "法定节假日" }).errors).toEqual(["日期不能为空"]);
    expect(check({ date: { y: 2026 }, kind: "法定节假日" }).errors).toEqual(["日期格式不正确"]);
    expect(check({ date: 20261001, kind: "法定节假日" }).errors).toEqual(["日期应为 2026-10-01 这样的格式（填写的是「20261001」）"]);
  });

  it("leaves an optional date or option column empty", () => {
    const d: DictionaryDefinition = {
      ...holidays, columns: [...holidays.columns, { name: "until", label: "截止日期", type: "date" }, { name: "grade", label: "等级", type: "text", options: ["甲", "乙"] }],
    };
    expect(normalise(d, { date: "2026-10-01", kind: "法定节假日", until: "", grade: null }, {})).toEqual({ values: { date: "2026-10-01", kind: "法定节假日", name: null, until: null, grade: null }, errors: [] });
    expect(normalise(d, { date: "2026-10-01", kind: "法定节假日", until: "2026-10-32", grade: "丙" }, {}).errors).toEqual(["截止日期「2026-10-32」不存在（没有这一天）", "等级「丙」不是可选的值（可选：甲、乙）"]);
  });
});

describe("declaring date columns and options", () => {
  const base = { id: "x-list", version: 1, label: "X", table: "x_list", position: 1, key: "name", search: ["name"], order: [{ column: "id" }] };
  const name = { name: "name", label: "名称", type: "text", required: true, unique: true };
  const problems = (columns: unknown[], untrusted = false) => {
    const r = prepareDefinition(kind, { ...base, table: untrusted ? "dict_x_list" : "x_list", columns: [name, ...columns] }, { source: "x.json", untrusted });
    return "problems" in r ? r.problems.join("\n") : "";
  };

  it("accepts a date column and a text column with options, from a file and from an administrator", () => {
    for (const untrusted of [false, true]) expect(problems([{ name: "day", label: "日期", type: "date" }, { name: "kind", label: "类型", type: "text", maxLength: 8, options: ["甲", "乙"] }], untrusted)).toBe("");
  });

  it("refuses options on another type, an empty or repeated list, a value too long, and a width on a date", () => {
    expect(problems([{ name: "n", label: "数", type: "int", options: ["1"] }])).toContain("columns.1.type");
    expect(problems([{ name: "k", label: "类", type: "text", options: [] }])).toContain("columns.1.options");
    expect(problems([{ name: "k", label: "类", type: "text", options: ["甲", "甲"] }])).toContain("columns.1.options");
    expect(problems([{ name: "k", label: "类", type: "text", options: Array.from({ length: 51 }, (_, i) => `v${i}`) }])).toContain("columns.1.options");
    expect(problems([{ name: "k", label: "类", type: "text", maxLength: 4, options: ["法定节假日"] }])).toContain("列「k」的可选值「法定节假日」超过最大长度 4");
    expect(problems([{ name: "k", label: "类", type: "text", options: [" 甲"] }])).toContain("首尾有空格");
    expect(problems([{ name: "d", label: "日", type: "date", maxLength: 20 }])).toContain("列「d」是日期列，不设最大长度");
  });

  it("the 字典定义 page passes options through (none when the list is empty) and locates their problems", () => {
    const input = { id: "x-list", label: "X", key: "name", search: ["name"], columns: [name, { name: "kind", label: "类型", type: "text", maxLength: 8, options: ["甲", "乙"] }, { name: "day", label: "日期", type: "date", maxLength: 8, options: ["甲"] }, { name: "k2", label: "类2", type: "text", options: [] }] };
    const def = definitionOf(input, { position: 1 }) as { columns: Record<string, unknown>[] };
    expect(def.columns[1]).toEqual({ name: "kind", label: "类型", type: "text", maxLength: 8, options: ["甲", "乙"] });
    expect(def.columns[2]).toEqual({ name: "day", label: "日期", type: "date" });
    expect(def.columns[3]).toEqual({ name: "k2", label: "类2", type: "text" });
    expect(locateProblem("columns.1.options 不能少于 1 个元素", input)).toBe("第 2 列「kind」的可选值：不能少于 1 个元素");
    expect(declarationOf(holidays).columns.find((c) => c.name === "kind")?.options).toEqual([HOLIDAY_KIND, WORKDAY_KIND]);
  });
});

describe("the holiday calendar", () => {
  it("holidays.json declares a date column and the two kinds the working-day count reads", () => {
    const raw = JSON.parse(fs.readFileSync(path.join(ROOT, "dictionaries/holidays.json"), "utf8"));
    expect(raw.version).toBe(2);
    expect(holidays.columns.find((c) => c.name === "date")?.type).toBe("date");
    expect(holidays.columns.find((c) => c.name === "kind")?.options).toEqual([HOLIDAY_KIND, WORKDAY_KIND]);
  });

  it("reads kind by its exact value, and a kind typed before version 2 as before", () => {
    const c = calendarOf([
      { date: "2026-03-07", kind: WORKDAY_KIND }, { date: "2026-03-09", kind: HOLIDAY_KIND },
      { date: "2026-03-14", kind: "上班" }, { date: "2026-03-16", kind: "放假" }, { date: "2026-03-17", kind: null },
    ]);
    expect(c.workdays).toEqual(new Set(["2026-03-07", "2026-03-14"]));
    expect(c.holidays).toEqual(new Set(["2026-03-09", "2026-03-16", "2026-03-17"]));
  });
});
