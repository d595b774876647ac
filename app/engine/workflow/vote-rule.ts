// The pass rule of a vote stage (decision 019), as data: "approve": { "atLeast": [p, q], "of":
// "present" | "members" } reads 赞成 ≥ p/q of the members present (实到) or of the committee's
// full size recorded with the meeting (应到). Evaluated in integers (q·赞成 ≥ p·base), so exactly
// 2/3 passes and one vote less fails, with no rounding. Pure and client-safe: the meeting page
// shows the verdict the server will reach.
import type { WorkflowPassRule } from "../definitions/types.generated";

export type PassRule = WorkflowPassRule;
export interface VoteCounts { approve: number; oppose: number; abstain: number }
export interface MeetingSize { present: number; members: number }

const BASE_LABEL = { present: "实到委员", members: "评委会委员总数" } as const;

/** What is wrong with a rule the meta-schema let through (the fraction), in Chinese. */
export function passRuleProblems(rule: PassRule | undefined): string[] {
  if (!rule) return ["表决环节必须声明通过规则 passRule"];
  const [p, q] = rule.approve.atLeast;
  if (!Number.isInteger(p) || !Number.isInteger(q) || p < 1 || q < 1) return ["通过规则 atLeast 须为两个正整数 [分子, 分母]"];
  if (p > q) return [`通过规则 ${p}/${q} 大于 1，任何表决都不能通过`];
  return [];
}

/** "赞成票不少于实到委员的 2/3". */
export function passRuleLabel(rule: PassRule): string {
  const [p, q] = rule.approve.atLeast;
  const frac = p === q ? "全部" : `${p}/${q}`;
  return `赞成票不少于${BASE_LABEL[rule.approve.of]}的${frac}`;
}

/** Whether the counts pass: q·赞成 ≥ p·base. */
export function passes(rule: PassRule, counts: VoteCounts, size: MeetingSize): boolean {
  const [p, q] = rule.approve.atLeast;
  const base = rule.approve.of === "members" ? size.members : size.present;
  return q * counts.approve >= p * base;
}

/** Problems with one application's counts at a meeting (Chinese), or [] when they may be saved. */
export function countProblems(counts: Record<keyof VoteCounts, unknown>, size: MeetingSize): string[] {
  const names: Record<keyof VoteCounts, string> = { approve: "赞成", oppose: "反对", abstain: "弃权" };
  const bad = (Object.keys(names) as (keyof VoteCounts)[]).filter((k) => !Number.isSafeInteger(counts[k]) || (counts[k] as number) < 0);
  if (bad.length) return [`${bad.map((k) => names[k]).join("、")}票数须为不小于 0 的整数`];
  const sum = (counts.approve as number) + (counts.oppose as number) + (counts.abstain as number);
  if (sum > size.present) return [`赞成、反对、弃权票数之和 ${sum} 超过实到委员 ${size.present} 人`];
  return [];
}

/** A count as typed or read from a sheet cell: "5", " 5 ", 5 → 5; anything else → NaN. */
export function countOf(v: unknown): number {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : NaN;
  if (typeof v !== "string" || !/^\s*\d{1,6}\s*$/.test(v)) return NaN;
  return Number(v.trim());
}
