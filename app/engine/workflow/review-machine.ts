// The review chain of an application, as data: (state, action, actor) → next state or refusal,
// read from the workflow's reviewChain. Pure and client-safe, so the pages (which buttons to show)
// and the engine (what to refuse) use the same table. Nothing here names a stage or a type.
//
// State = status + stage:
//   draft                       being filled in (the wizard)
//   submitted @ <stage>         waiting at a stage: a review stage for its role, or a payment stage
//   returned  @ <stage>         sent back to the applicant by <stage>; resubmission lands there again
//   approved                    passed the last stage (final)
//   rejected  @ <stage>         不通过 at <stage> (final)
import type { ReviewStage, WorkflowDefinition } from "../definitions/types.generated";

export const REVIEW_ACTIONS = ["approve", "return", "reject"] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
/** A committee meeting's counts decided a vote stage: passed (onward) or not (不通过). */
export const VOTE_ACTIONS = ["vote-pass", "vote-fail"] as const;
export type VoteAction = (typeof VOTE_ACTIONS)[number];
export type ChainAction = ReviewAction | VoteAction | "resubmit" | "pay";
export interface ChainState { status: string; stage: string | null }
export type Transition = { ok: true; to: ChainState } | { ok: false; reason: string };

export const ACTION_LABEL: Record<ChainAction | "submit" | "create" | "discard" | "offline-pay" | "publicity-start" | "publicity-end", string> = {
  create: "创建申报", submit: "提交申报", approve: "通过", return: "退回修改", reject: "不通过", resubmit: "重新提交", pay: "在线缴费", "offline-pay": "线下缴费确认", discard: "放弃草稿",
  "vote-pass": "表决通过", "vote-fail": "表决不通过",
  "publicity-start": "录入公示期", "publicity-end": "录入公示结果",
};
/** A status as the lists and the statistics name it (a submitted application is 审核中 at some stage). */
export const STATUS_LABEL = { submitted: "审核中", returned: "退回修改", approved: "评审通过", rejected: "不通过" } as const;
/** Actions whose comment is required (the applicant must be told why). */
export const NEEDS_REASON: ReviewAction[] = ["return", "reject"];
export const FINAL = ["approved", "rejected"];

/** Stages where staff decide: review stages, publicity stages (公示: the outcome is the decision) and
 * vote stages (a meeting's counts decide, decision 019). */
export const DECIDING_KINDS: ReadonlyArray<ReviewStage["kind"]> = ["review", "publicity", "vote"];
export const isDeciding = (s: Pick<ReviewStage, "kind"> | null | undefined): boolean => !!s && DECIDING_KINDS.includes(s.kind);

export function stageOf(w: Pick<WorkflowDefinition, "reviewChain">, id: string | null): ReviewStage | null {
  return w.reviewChain.stages.find((s) => s.id === id) ?? null;
}

export function nextStage(w: Pick<WorkflowDefinition, "reviewChain">, id: string | null): ReviewStage | null {
  const i = w.reviewChain.stages.findIndex((s) => s.id === id);
  return i < 0 ? null : w.reviewChain.stages[i + 1] ?? null;
}

/** Where an approval or a payment at `stage` leads: the next stage, or the final 通过. */
function onward(w: Pick<WorkflowDefinition, "reviewChain">, stage: string): ChainState {
  const next = nextStage(w, stage);
  return next ? { status: "submitted", stage: next.id } : { status: "approved", stage: null };
}

/**
 * What `action` by `role` does to an application in `state`. Reviewer actions need a review or
 * publicity stage whose role is the actor's (at a publicity stage the engine also requires the
 * period to be over: publicity.server.ts); `pay` needs a payment stage; `resubmit` a returned application.
 * (Scope — whether this reviewer may see this application at all — is checked by the caller.)
 */
export function transition(w: Pick<WorkflowDefinition, "reviewChain">, state: ChainState, action: ChainAction, role: string): Transition {
  const stage = stageOf(w, state.stage);
  if (FINAL.includes(state.status)) return { ok: false, reason: state.status === "approved" ? "该申报已评审通过，不能再操作" : "该申报已不通过，不能再操作" };
  if (action === "resubmit") {
    if (state.status !== "returned" || !stage) return { ok: false, reason: "只有被退回的申报可以重新提交" };
    if (role !== "applicant") return { ok: false, reason: "只有申请人可以重新提交" };
    return { ok: true, to: { status: "submitted", stage: stage.id } };
  }
  if (state.status !== "submitted" || !stage) return { ok: false, reason: state.status === "returned" ? "该申报已退回申请人修改，等待重新提交" : "该申报尚未提交" };
  if (action === "pay") {
    if (stage.kind !== "payment") return { ok: false, reason: "该申报当前不在缴费环节" };
    return { ok: true, to: onward(w, stage.id) };
  }
  if (!isDeciding(stage)) return { ok: false, reason: `该申报当前在「${stage.label}」环节，等待申请人缴费` };
  if (stage.role !== role) return { ok: false, reason: `该申报当前在「${stage.label}」环节，不由您审核` };
  // A vote stage is decided by a meeting's counts (decision 019), never by a button.
  if (stage.kind === "vote") {
    if (action === "vote-pass") return { ok: true, to: onward(w, stage.id) };
    if (action === "vote-fail") return { ok: true, to: { status: "rejected", stage: stage.id } };
    return { ok: false, reason: `「${stage.label}」环节由评审会议表决决定，请在【评审会议】中录入表决票数` };
  }
  if (action === "vote-pass" || action === "vote-fail") return { ok: false, reason: `「${stage.label}」环节不是表决环节` };
  if (stage.decisions && !stage.decisions.includes(action)) return { ok: false, reason: `「${stage.label}」环节不能${ACTION_LABEL[action]}` };
  if (action === "approve") return { ok: true, to: onward(w, stage.id) };
  if (action === "return") return { ok: true, to: { status: "returned", stage: stage.id } };
  return { ok: true, to: { status: "rejected", stage: stage.id } };
}

/** The label of a state as applicants and staff read it: 单位审核中, 待缴费, 退回修改, 评审通过 … */
export function stateLabel(w: Pick<WorkflowDefinition, "reviewChain">, state: ChainState): string {
  const stage = stageOf(w, state.stage);
  if (state.status === "draft") return "草稿（未提交）";
  if (state.status === "approved") return "评审通过";
  if (state.status === "rejected") return `不通过（${stage?.label ?? "评审"}）`;
  if (state.status === "returned") return `退回修改（${stage?.label ?? "审核"}退回）`;
  if (!stage) return "已提交";
  return stage.kind === "payment" ? `待${stage.label}` : `${stage.label}中`;
}

/** The stages a given role acts at (review, publicity and vote stages), in this workflow. */
export function stagesFor(w: Pick<WorkflowDefinition, "reviewChain">, role: string): ReviewStage[] {
  return w.reviewChain.stages.filter((s) => isDeciding(s) && s.role === role);
}
