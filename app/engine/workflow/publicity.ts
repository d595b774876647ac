// 公示 (publicity stage) words shared by the engine and the pages: the outcomes, the decisions an
// objection may lead to, and the one-line text a period and its outcome read as. Client-safe.
import { cnDate } from "../format-value";
import type { ReviewAction } from "./review-machine";

export const PUBLICITY_OUTCOMES = { none: "无异议", objection: "有异议" } as const;
export type PublicityOutcome = keyof typeof PUBLICITY_OUTCOMES;
/** What an objection's handling may decide: go on (as 通过), 退回修改 or 不通过. */
export const PUBLICITY_DECISIONS: Record<ReviewAction, string> = { approve: "继续", return: "退回修改", reject: "不通过" };
/** How far back a period may start (a unit often enters a period it has already posted). */
export const MAX_BACKDATE_DAYS = 60;
/** How far ahead a period may start. */
export const MAX_AHEAD_DAYS = 60;

export const periodText = (start: string, end: string) => `${cnDate(start)}至${cnDate(end)}`;

/** 无异议 / 有异议（处理意见：…；处理决定：退回修改）. */
export function outcomeText(p: { outcome: string | null; opinion: string | null; decision: string | null }): string {
  if (p.outcome === "none") return PUBLICITY_OUTCOMES.none;
  if (p.outcome !== "objection") return "";
  const decision = PUBLICITY_DECISIONS[p.decision as ReviewAction] ?? "";
  return `${PUBLICITY_OUTCOMES.objection}（处理意见：${p.opinion ?? ""}${decision ? `；处理决定：${decision}` : ""}）`;
}
