// Eligibility rules (JSON Logic over profile + archive facts), table-driven.
import { describe, expect, it } from "vitest";
import { buildFacts, checkRules, evaluateRules, yearsSince } from "~/engine/eligibility";

const NOW = new Date(2026, 10, 27);
const bachelor5: { label: string; logic: unknown } = {
  label: "大学本科及以上学历，取得中级资格满 5 年",
  logic: { and: [{ ">=": [{ var: "educationRank" }, 4] }, { "==": [{ var: "currentTitleLevel" }, "中级"] }, { ">=": [{ var: "yearsSinceCurrentTitle" }, 5] }] },
};
const papers2 = { label: "审核通过的论文不少于 2 篇", logic: { ">=": [{ var: "approved.paper" }, 2] } };
const doctor = { label: "博士研究生学历", logic: { "==": [{ var: "highestEducation" }, "博士研究生"] } };

const cases: { name: string; profile: Record<string, unknown> | null; approved: Record<string, number>; rule: { label: string; logic: unknown }; met: boolean }[] = [
  { name: "本科 + 中级 2020-06 → 6 years", profile: { highestEducation: "大学本科", currentTitleLevel: "中级", currentTitleDate: "2020-06" }, approved: {}, rule: bachelor5, met: true },
  { name: "本科 + 中级 exactly 5 years (month reached)", profile: { highestEducation: "大学本科", currentTitleLevel: "中级", currentTitleDate: "2021-11" }, approved: {}, rule: bachelor5, met: true },
  { name: "本科 + 中级 one month short", profile: { highestEducation: "大学本科", currentTitleLevel: "中级", currentTitleDate: "2021-12" }, approved: {}, rule: bachelor5, met: false },
  { name: "专科 fails education", profile: { highestEducation: "大学专科", currentTitleLevel: "中级", currentTitleDate: "2015-01" }, approved: {}, rule: bachelor5, met: false },
  { name: "博士 passes 本科 and above", profile: { highestEducation: "博士研究生", currentTitleLevel: "中级", currentTitleDate: "2017-12" }, approved: {}, rule: bachelor5, met: true },
  { name: "wrong level 初级助理级", profile: { highestEducation: "大学本科", currentTitleLevel: "初级助理级", currentTitleDate: "2010-01" }, approved: {}, rule: bachelor5, met: false },
  { name: "no title date", profile: { highestEducation: "大学本科", currentTitleLevel: "中级" }, approved: {}, rule: bachelor5, met: false },
  { name: "empty profile", profile: null, approved: {}, rule: bachelor5, met: false },
  { name: "2 approved papers", profile: {}, approved: { paper: 2 }, rule: papers2, met: true },
  { name: "1 approved paper", profile: {}, approved: { paper: 1 }, rule: papers2, met: false },
  { name: "no papers at all", profile: {}, approved: {}, rule: papers2, met: false },
  { name: "doctor equality", profile: { highestEducation: "博士研究生" }, approved: {}, rule: doctor, met: true },
];

describe("evaluateRules", () => {
  it.each(cases)("$name", ({ profile, approved, rule, met }) => {
    const [r] = evaluateRules([rule], buildFacts(profile, approved, NOW));
    expect(r.label).toBe(rule.label);
    expect(r.met).toBe(met);
  });

  it("reports the data each rule used", () => {
    const [r] = evaluateRules([bachelor5], buildFacts({ highestEducation: "大学本科", currentTitleLevel: "中级", currentTitleDate: "2020-06" }, {}, NOW));
    expect(r.used).toEqual([
      { name: "educationRank", label: "学历等级", value: 4, text: "大学本科" },
      { name: "currentTitleLevel", label: "现资格级别", value: "中级", text: "中级" },
      { name: "yearsSinceCurrentTitle", label: "取得现资格年限（年）", value: 6, text: "6" },
    ]);
    const [p] = evaluateRules([papers2], buildFacts({}, { paper: 3 }, NOW), { paper: "论文" });
    expect(p.used).toEqual([{ name: "approved.paper", label: "已审核通过的业绩数（论文）", value: 3, text: "3" }]);
    const [none] = evaluateRules([bachelor5], buildFacts({}, {}, NOW));
    expect(none.used.map((u) => u.text)).toEqual(["（未填写）", "（未填写）", "（未填写）"]);
  });
});

describe("yearsSince", () => {
  it.each([
    ["2021-11", 5], ["2021-12", 4], ["2026-11", 0], ["1988-06-12", 38], ["bad", null], [undefined, null],
  ] as const)("%s → %s", (ym, n) => expect(yearsSince(ym, NOW)).toBe(n));
});

describe("checkRules", () => {
  it.each([
    [[bachelor5, papers2], []],
    ["x", ["资格规则必须是数组"]],
    [[{ label: "", logic: { "==": [1, 1] } }], ["第 1 条规则缺少说明（label）"]],
    [[{ label: "a", logic: 5 }], ["第 1 条规则的 logic 不是 JSON Logic 表达式"]],
    [[bachelor5, { label: "b", logic: { ">=": [{ var: "approved.book" }, 1] } }], ["第 2 条规则引用了未知的条件：approved.book（可用的条件见规则说明上方的列表）"]],
    [[{ label: "c", logic: { "==": [{ var: "educationRnak" }, 4] } }], ["第 1 条规则引用了未知的条件：educationRnak（可用的条件见规则说明上方的列表）"]],
  ] as const)("%j", (rules, errors) => expect(checkRules(rules, { paper: "论文" })).toEqual(errors));
});
