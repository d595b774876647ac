// The review chain table (app/engine/workflow/review-machine.ts): every (state, action, role) of a
// chain with review and payment stages, and the labels pages show. Pure: no DB.
import { describe, expect, it } from "vitest";
import type { ReviewStage } from "~/engine/definitions/types.generated";
import { FINAL, nextStage, stageOf, stagesFor, stateLabel, transition, type ChainAction, type ChainState } from "~/engine/workflow/review-machine";

const stages: ReviewStage[] = [
  { id: "unit_review", label: "单位审核", kind: "review", role: "unit_reviewer", scope: "unit" },
  { id: "acceptance", label: "受理", kind: "review", role: "acceptance_office", scope: "committee" },
  { id: "payment", label: "缴费", kind: "payment" },
  { id: "committee_review", label: "评委会评审", kind: "review", role: "acceptance_office", scope: "committee" },
];
const w = { reviewChain: { stages } };
// The same chain with a 公示 stage after unit_review.
const withPublicity = { reviewChain: { stages: [stages[0], { id: "unit_publicity", label: "单位公示", kind: "publicity", role: "unit_reviewer", scope: "unit", minWorkingDays: 5, template: "t", calendar: "holidays" } as ReviewStage, ...stages.slice(1)] } };
const at = (stage: string | null, status = "submitted"): ChainState => ({ status, stage });

describe("stages", () => {
  it("finds a stage and the one after it; none after the last or for an unknown id", () => {
    expect(stageOf(w, "payment")?.label).toBe("缴费");
    expect(stageOf(w, "nope")).toBeNull();
    expect(stageOf(w, null)).toBeNull();
    expect(nextStage(w, "acceptance")?.id).toBe("payment");
    expect(nextStage(w, "committee_review")).toBeNull();
    expect(nextStage(w, "nope")).toBeNull();
  });

  it("lists the review stages a role acts at (never a payment stage)", () => {
    expect(stagesFor(w, "acceptance_office").map((s) => s.id)).toEqual(["acceptance", "committee_review"]);
    expect(stagesFor(w, "unit_reviewer").map((s) => s.id)).toEqual(["unit_review"]);
    expect(stagesFor(w, "applicant")).toEqual([]);
  });
});

describe("transition", () => {
  it.each<[string, ChainState, ChainAction, string, ChainState]>([
    ["approve moves to the next stage", at("unit_review"), "approve", "unit_reviewer", at("acceptance")],
    ["approve before a payment stage waits for payment", at("acceptance"), "approve", "acceptance_office", at("payment")],
    ["pay moves past the payment stage", at("payment"), "pay", "applicant", at("committee_review")],
    ["approve at the last stage is final 通过", at("committee_review"), "approve", "acceptance_office", { status: "approved", stage: null }],
    ["return sends it back from this stage", at("acceptance"), "return", "acceptance_office", at("acceptance", "returned")],
    ["reject is final at this stage", at("unit_review"), "reject", "unit_reviewer", at("unit_review", "rejected")],
    ["resubmit lands at the stage that returned it", at("acceptance", "returned"), "resubmit", "applicant", at("acceptance")],
  ])("%s", (_, state, action, role, to) => {
    expect(transition(w, state, action, role)).toEqual({ ok: true, to });
  });

  it.each<[string, ChainState, ChainAction, string, string]>([
    ["another role's stage", at("unit_review"), "approve", "acceptance_office", "该申报当前在「单位审核」环节，不由您审核"],
    ["a reviewer at a payment stage", at("payment"), "approve", "acceptance_office", "该申报当前在「缴费」环节，等待申请人缴费"],
    ["paying at a review stage", at("unit_review"), "pay", "applicant", "该申报当前不在缴费环节"],
    ["deciding a returned application", at("unit_review", "returned"), "approve", "unit_reviewer", "该申报已退回申请人修改，等待重新提交"],
    ["deciding a draft", { status: "draft", stage: null }, "approve", "unit_reviewer", "该申报尚未提交"],
    ["resubmitting what was not returned", at("unit_review"), "resubmit", "applicant", "只有被退回的申报可以重新提交"],
    ["a reviewer resubmitting", at("unit_review", "returned"), "resubmit", "unit_reviewer", "只有申请人可以重新提交"],
    ["anything after 通过", { status: "approved", stage: null }, "return", "acceptance_office", "该申报已评审通过，不能再操作"],
    ["anything after 不通过", at("unit_review", "rejected"), "resubmit", "applicant", "该申报已不通过，不能再操作"],
    ["a stage the chain does not have", at("gone"), "approve", "unit_reviewer", "该申报尚未提交"],
  ])("refuses %s", (_, state, action, role, reason) => {
    expect(transition(w, state, action, role)).toEqual({ ok: false, reason });
  });

  it("knows the final states", () => {
    expect(FINAL).toEqual(["approved", "rejected"]);
  });
});

describe("stateLabel", () => {
  it.each<[ChainState, string]>([
    [{ status: "draft", stage: null }, "草稿（未提交）"],
    [at("unit_review"), "单位审核中"],
    [at("payment"), "待缴费"],
    [at("acceptance", "returned"), "退回修改（受理退回）"],
    [at("committee_review", "rejected"), "不通过（评委会评审）"],
    [{ status: "approved", stage: null }, "评审通过"],
    [at(null), "已提交"],
    [at("gone", "returned"), "退回修改（审核退回）"],
  ])("%j → %s", (state, label) => {
    expect(stateLabel(w, state)).toBe(label);
  });
});

describe("vote stages (decision 019)", () => {
  const voteW = { reviewChain: { stages: [
    ...stages.slice(0, 3),
    { id: "committee_review", label: "评委会评审", kind: "vote", role: "acceptance_office", scope: "committee", passRule: { approve: { atLeast: [2, 3], of: "present" } } },
  ] as ReviewStage[] } };

  it("are decided by a meeting's counts: vote-pass moves on (here: final 通过), vote-fail is 不通过 there", () => {
    expect(transition(voteW, at("committee_review"), "vote-pass", "acceptance_office")).toEqual({ ok: true, to: { status: "approved", stage: null } });
    expect(transition(voteW, at("committee_review"), "vote-fail", "acceptance_office")).toEqual({ ok: true, to: at("committee_review", "rejected") });
  });

  it.each<ChainAction>(["approve", "return", "reject"])("refuse the plain %s button", (action) => {
    const r = transition(voteW, at("committee_review"), action, "acceptance_office");
    expect(r).toEqual({ ok: false, reason: "「评委会评审」环节由评审会议表决决定，请在【评审会议】中录入表决票数" });
  });

  it("refuse a vote at a review stage, and a vote by another role", () => {
    expect(transition(voteW, at("acceptance"), "vote-pass", "acceptance_office").ok).toBe(false);
    expect(transition(voteW, at("committee_review"), "vote-pass", "unit_reviewer").ok).toBe(false);
  });

  it("count among the stages of the role that holds the meetings", () => {
    expect(stagesFor(voteW, "acceptance_office").map((s) => s.id)).toEqual(["acceptance", "committee_review"]);
    expect(stateLabel(voteW, at("committee_review"))).toBe("评委会评审中");
  });
});

describe("a publicity stage", () => {
  const here = at("unit_publicity");
  it("is reached by 通过 at the stage before it, and decided by its role: 继续 / 退回修改 / 不通过", () => {
    expect(transition(withPublicity, at("unit_review"), "approve", "unit_reviewer")).toEqual({ ok: true, to: here });
    expect(transition(withPublicity, here, "approve", "unit_reviewer")).toEqual({ ok: true, to: at("acceptance") });
    expect(transition(withPublicity, here, "return", "unit_reviewer")).toEqual({ ok: true, to: at("unit_publicity", "returned") });
    expect(transition(withPublicity, here, "reject", "unit_reviewer")).toEqual({ ok: true, to: at("unit_publicity", "rejected") });
  });
  it("is not another role's, nor payable", () => {
    const r = transition(withPublicity, here, "approve", "acceptance_office");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain("「单位公示」环节，不由您审核");
    expect(transition(withPublicity, here, "pay", "applicant").ok).toBe(false);
  });
  it("is among the stages its role acts at, and reads 单位公示中", () => {
    expect(stagesFor(withPublicity, "unit_reviewer").map((s) => s.id)).toEqual(["unit_review", "unit_publicity"]);
    expect(stateLabel(withPublicity, here)).toBe("单位公示中");
  });
});
