// Plan eligibility: declarative rules (JSON Logic, https://jsonlogic.com) evaluated over a flat
// "facts" object built from the applicant's profile and approved archive entries. A rule is
// { label, logic }; the pre-check returns, per rule, whether it is met and the facts it read.
//
// Facts (what a rule may reference with {"var": …}):
//   highestEducation            profile value, e.g. "大学本科"
//   educationRank               博士研究生 6, 硕士研究生 5, 大学本科 4, 大学专科 3, 中等专科 2, 高中及以下 1, unknown 0
//   highestDegree               profile value
//   currentTitleLevel           e.g. "中级" ("无" / missing → "")
//   levelRank                   初级员级 1 … 正高级 5, none 0
//   yearsSinceCurrentTitle      whole years from currentTitleDate (YYYY-MM) to the reference date, or null
//   yearsSinceWorkStart         same, from workStartDate
//   age                         whole years from birthDate, or null
//   approved.<slug>             approved archive entries per category slug, e.g. approved.paper
//                               (the caller lists every category, with 0 when none, so sums work)
import jsonLogic, { type RulesLogic } from "json-logic-js";
import type { EligibilityRule } from "../../db/models";

export const EDUCATION_RANK: Record<string, number> = { 博士研究生: 6, 硕士研究生: 5, 大学本科: 4, 大学专科: 3, 中等专科: 2, 高中及以下: 1 };
export const LEVEL_RANK: Record<string, number> = { 初级员级: 1, 初级助理级: 2, 中级: 3, 副高级: 4, 正高级: 5 };

export const FACT_LABELS: Record<string, string> = {
  highestEducation: "最高学历", educationRank: "学历等级", highestDegree: "最高学位", currentTitleLevel: "现资格级别",
  levelRank: "资格级别等级", yearsSinceCurrentTitle: "取得现资格年限（年）", yearsSinceWorkStart: "参加工作年限（年）", age: "年龄",
};

export type Facts = Record<string, unknown> & { approved: Record<string, number> };

/** Facts that hold a rank: each value reads as the label it stands for (学历等级 4 → 大学本科). */
export const RANKS: Record<string, Record<string, number>> = { educationRank: EDUCATION_RANK, levelRank: LEVEL_RANK };
/** Category slug → title, for the approved.<slug> facts (the pre-check passes the install's categories). */
export type CategoryTitles = Record<string, string>;

/** Whole years from a "YYYY-MM" or "YYYY-MM-DD" string to `now`, or null when absent/invalid. */
export function yearsSince(ym: unknown, now: Date): number | null {
  if (typeof ym !== "string") return null;
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(ym);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = m[3] ? Number(m[3]) : 1;
  let years = now.getFullYear() - y;
  if (now.getMonth() + 1 < mo || (now.getMonth() + 1 === mo && now.getDate() < d)) years--;
  return years;
}

export function buildFacts(profile: Record<string, unknown> | null, approved: Record<string, number>, now = new Date()): Facts {
  const p = profile ?? {};
  const edu = typeof p.highestEducation === "string" ? p.highestEducation : "";
  const level = typeof p.currentTitleLevel === "string" && p.currentTitleLevel !== "无" ? p.currentTitleLevel : "";
  return {
    highestEducation: edu,
    educationRank: EDUCATION_RANK[edu] ?? 0,
    highestDegree: typeof p.highestDegree === "string" ? p.highestDegree : "",
    currentTitleLevel: level,
    levelRank: LEVEL_RANK[level] ?? 0,
    yearsSinceCurrentTitle: yearsSince(p.currentTitleDate, now),
    yearsSinceWorkStart: yearsSince(p.workStartDate, now),
    age: yearsSince(p.birthDate, now),
    approved: { ...approved },
  };
}

/** One fact a rule read: its name, what a person calls it, its value and that value as a person reads it. */
export interface UsedFact { name: string; label: string; value: unknown; text: string }
export interface RuleResult { label: string; met: boolean; used: UsedFact[]; error?: string }

function lookup(facts: Facts, path: string): unknown {
  if (path.startsWith("approved.")) return facts.approved[path.slice(9)] ?? 0;
  let cur: unknown = facts;
  for (const k of path.split(".")) {
    if (cur && typeof cur === "object" && Object.prototype.hasOwnProperty.call(cur, k)) cur = (cur as Record<string, unknown>)[k];
    else return null;
  }
  return cur;
}

/** What a person calls a fact (its label, or 已审核通过的业绩数 with the category's own title); null when it has none
 * (an unknown name, or a category this install does not have). */
export function factLabel(name: string, categories: CategoryTitles = {}): string | null {
  if (name.startsWith("approved.")) {
    const title = Object.prototype.hasOwnProperty.call(categories, name.slice(9)) ? categories[name.slice(9)] : "";
    return title ? `已审核通过的业绩数（${title}）` : null;
  }
  return Object.prototype.hasOwnProperty.call(FACT_LABELS, name) ? FACT_LABELS[name] : null;
}

/** A fact's value as a person reads it: a rank as the label it stands for, nothing as （未填写）. */
export function factText(name: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "（未填写）";
  const ranks = Object.prototype.hasOwnProperty.call(RANKS, name) ? RANKS[name] : null;
  if (ranks) return Object.keys(ranks).find((k) => ranks[k] === value) ?? "（未填写）";
  return String(value);
}

/** The facts rules read that have no label (what the contract test and a rule check look for). */
export function unlabelledFacts(rules: { logic: unknown }[], categories: CategoryTitles): string[] {
  const names = rules.flatMap((r) => (jsonLogic.is_logic(r.logic) ? jsonLogic.uses_data(r.logic as Record<string, unknown>).map(String) : []));
  return [...new Set(names)].filter((n) => factLabel(n, categories) === null);
}

/** Every fact a rule may read, with what a person calls it (the plan editor's help lists these). */
export function ruleFacts(categories: CategoryTitles): { name: string; label: string }[] {
  return [
    ...Object.entries(FACT_LABELS).map(([name, label]) => ({ name, label })),
    ...Object.entries(categories).map(([slug, title]) => ({ name: `approved.${slug}`, label: `已审核通过的业绩数（${title}）` })),
  ];
}

/** Checks a rule list's shape and that it reads only known facts; returns problems in Chinese (empty when fine). */
export function checkRules(rules: unknown, categories: CategoryTitles): string[] {
  if (!Array.isArray(rules)) return ["资格规则必须是数组"];
  const errors: string[] = [];
  rules.forEach((r, i) => {
    if (!r || typeof r !== "object" || Array.isArray(r)) return errors.push(`第 ${i + 1} 条规则格式不正确`);
    const { label, logic } = r as Record<string, unknown>;
    if (typeof label !== "string" || !label.trim()) errors.push(`第 ${i + 1} 条规则缺少说明（label）`);
    if (!jsonLogic.is_logic(logic)) errors.push(`第 ${i + 1} 条规则的 logic 不是 JSON Logic 表达式`);
    else {
      try { jsonLogic.apply(logic as RulesLogic, buildFacts(null, {})); } catch (e) { errors.push(`第 ${i + 1} 条规则无法计算：${(e as Error).message}`); }
      // A misspelt fact reads as null and the rule silently fails for every applicant.
      const unknown = unlabelledFacts([{ logic }], categories);
      if (unknown.length) errors.push(`第 ${i + 1} 条规则引用了未知的条件：${unknown.join("、")}（可用的条件见规则说明上方的列表）`);
    }
  });
  return errors;
}

export function evaluateRules(rules: EligibilityRule[], facts: Facts, categories: CategoryTitles = {}): RuleResult[] {
  return rules.map((r) => {
    const names = [...new Set((jsonLogic.uses_data(r.logic as Record<string, unknown>)).map(String))];
    const used = names.map((name) => {
      const value = lookup(facts, name);
      return { name, label: factLabel(name, categories) ?? name, value, text: factText(name, value) };
    });
    try {
      return { label: r.label, met: jsonLogic.truthy(jsonLogic.apply(r.logic as RulesLogic, facts)), used };
    } catch (e) {
      return { label: r.label, met: false, used, error: (e as Error).message };
    }
  });
}
