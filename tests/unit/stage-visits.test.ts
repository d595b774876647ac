// The audit trail → stage visits rule that migration 0025 fills the table with (and the engine
// follows at each transition): entered on landing at a stage, left by the next row out of it; the
// time at 退回修改 with the applicant belongs to no stage; a row that changes no state is no move.
import { describe, expect, it } from "vitest";
import { stageOfPoint, visitsOf } from "../../db/models";

const at = (day: number, hour = 0) => new Date(Date.UTC(2026, 5, day, hour));

describe("stage visits from an audit trail", () => {
  it("pairs entries and exits, skipping the applicant's time after 退回修改", () => {
    const v = visitsOf([
      { action: "create", fromState: null, toState: "draft", createdAt: at(1) },
      { action: "submit", fromState: "draft", toState: "unit_review", createdAt: at(2) },
      { action: "return", fromState: "unit_review", toState: "returned", createdAt: at(3, 12) },
      { action: "resubmit", fromState: "returned", toState: "unit_review", createdAt: at(10) },
      { action: "note", fromState: "unit_review", toState: "unit_review", createdAt: at(10, 6) },
      { action: "approve", fromState: "unit_review", toState: "dept_review", createdAt: at(11) },
      { action: "reject", fromState: "dept_review", toState: "rejected", createdAt: at(14) },
    ]);
    expect(v.map((x) => [x.stage, x.minutes, x.outcome])).toEqual([
      ["unit_review", 36 * 60, "return"], ["unit_review", 24 * 60, "approve"], ["dept_review", 3 * 24 * 60, "reject"],
    ]);
  });

  it("leaves the last visit open while the application waits, and names statuses no stage", () => {
    const v = visitsOf([{ action: "submit", fromState: "draft", toState: "acceptance", createdAt: at(1) }]);
    expect(v).toEqual([{ stage: "acceptance", enteredAt: at(1), leftAt: null, minutes: null, outcome: null }]);
    expect(["draft", "submitted", "returned", "approved", "rejected", null].map(stageOfPoint)).toEqual([null, null, null, null, null, null]);
  });
});
