// Contract: every fact an eligibility rule can read has a label a person understands, and every
// value shown for it reads as text, not as a machine code (学历等级：4, 业绩数（paper）). Fails
// when a fact is added to buildFacts, or a category to forms/achievements, without a label.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFacts, EDUCATION_RANK, evaluateRules, factLabel, factText, LEVEL_RANK, unlabelledFacts } from "~/engine/eligibility";
import { readFormFiles } from "~/engine/form-registry.server";
import { DEMO_RULES } from "../../scripts/seeders/plans";

const categories = Object.fromEntries(
  readFormFiles(path.resolve(__dirname, "../../forms")).filter((f) => f.def.kind === "achievement").map((f) => [f.def.id.replace(/^achievement\//, ""), f.def.title]),
);
const FULL_PROFILE = {
  highestEducation: "大学本科", highestDegree: "学士", currentTitleLevel: "中级", currentTitleDate: "2018-06",
  workStartDate: "2012-07", birthDate: "1988-06-12",
};
const facts = buildFacts(FULL_PROFILE, Object.fromEntries(Object.keys(categories).map((slug) => [slug, 1])), new Date(2026, 11, 5));
const names = [...Object.keys(facts).filter((k) => k !== "approved"), ...Object.keys(facts.approved).map((slug) => `approved.${slug}`)];

describe("eligibility facts contract", () => {
  it("there are 17 categories and every one is a fact", () => {
    expect(Object.keys(categories)).toHaveLength(17);
    expect(names.filter((n) => n.startsWith("approved."))).toHaveLength(17);
  });

  it.each(names)("%s has a label that is not its name", (name) => {
    const label = factLabel(name, categories);
    expect(label).toBeTruthy();
    expect(label).not.toContain(name.replace(/^approved\./, ""));
    expect(label).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a category fact is labelled with the category's title", () => {
    expect(factLabel("approved.paper", categories)).toBe("已审核通过的业绩数（论文）");
    expect(factLabel("approved.award", categories)).toBe(`已审核通过的业绩数（${categories.award}）`);
    expect(factLabel("approved.no-such-category", categories)).toBeNull();
    expect(factLabel("noSuchFact", categories)).toBeNull();
  });

  it.each([["educationRank", EDUCATION_RANK], ["levelRank", LEVEL_RANK]] as const)("every %s value reads as its dictionary label", (name, ranks) => {
    for (const [label, rank] of Object.entries(ranks)) expect(factText(name, rank)).toBe(label);
    expect(factText(name, 0)).toBe("（未填写）");
    expect(facts[name]).toBeGreaterThan(0);
  });

  it("the demo plans' rules read only labelled facts", () => {
    for (const rules of Object.values(DEMO_RULES)) expect(unlabelledFacts(rules, categories)).toEqual([]);
    expect(unlabelledFacts([{ logic: { ">=": [{ var: "approved.papers" }, 1] } }, { logic: { var: "educationRnak" } }], categories)).toEqual(["approved.papers", "educationRnak"]);
  });

  it("a pre-check shows labels and readable values, never a code", () => {
    const results = evaluateRules(Object.values(DEMO_RULES).flat(), facts, categories);
    const shown = results.flatMap((r) => r.used.map((u) => `${u.label}：${u.text}`));
    expect(shown).toContain("学历等级：大学本科");
    expect(shown).toContain("已审核通过的业绩数（论文）：1");
    for (const s of shown) expect(s).not.toMatch(/[a-z]/i);
  });
});
