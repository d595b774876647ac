// The pass rule of a vote stage (app/engine/workflow/vote-rule.ts): integer arithmetic at the
// boundary (exactly 2/3 passes, one vote less fails), the "members" base, count checks and the
// publisher's check of a malformed fraction. Pure: no DB.
import { describe, expect, it } from "vitest";
import { countOf, countProblems, passes, passRuleLabel, passRuleProblems, type PassRule } from "~/engine/workflow/vote-rule";

const twoThirds: PassRule = { approve: { atLeast: [2, 3], of: "present" } };
const ofMembers: PassRule = { approve: { atLeast: [1, 2], of: "members" } };
const v = (approve: number, oppose = 0, abstain = 0) => ({ approve, oppose, abstain });

describe("passes", () => {
  it.each([
    // present, 赞成, passes
    [9, 6, true], [9, 5, false], // exactly 2/3 of 9 is 6
    [15, 10, true], [15, 9, false],
    [7, 5, true], [7, 4, false], // 2/3 of 7 = 4.67: 5 needed
    [3, 2, true], [3, 1, false],
    [1, 1, true], [1, 0, false],
  ])("2/3 of %i present: %i 赞成 → %s", (present, approve, pass) => {
    expect(passes(twoThirds, v(approve), { present, members: 99 })).toBe(pass);
  });

  it("of members: the committee's full size, whoever is present", () => {
    expect(passes(ofMembers, v(8), { present: 9, members: 16 })).toBe(true);
    expect(passes(ofMembers, v(7), { present: 9, members: 16 })).toBe(false);
  });

  it("uses no floating point: 2/3 of 300 000 at 200 000 passes, 199 999 fails", () => {
    expect(passes(twoThirds, v(200_000), { present: 300_000, members: 300_000 })).toBe(true);
    expect(passes(twoThirds, v(199_999), { present: 300_000, members: 300_000 })).toBe(false);
  });
});

describe("counts", () => {
  it("refuses negatives, fractions, text, and a sum above 实到; accepts sum ≤ 实到", () => {
    const size = { present: 9, members: 15 };
    expect(countProblems(v(6, 2, 1), size)).toEqual([]);
    expect(countProblems(v(6, 2, 0), size)).toEqual([]);
    expect(countProblems(v(6, 3, 1), size)).toEqual(["赞成、反对、弃权票数之和 10 超过实到委员 9 人"]);
    expect(countProblems({ approve: -1, oppose: 0, abstain: 0 }, size)).toEqual(["赞成票数须为不小于 0 的整数"]);
    expect(countProblems({ approve: 1.5, oppose: NaN, abstain: 0 }, size)).toEqual(["赞成、反对票数须为不小于 0 的整数"]);
  });

  it("reads a count from text or a number", () => {
    expect(countOf(" 5 ")).toBe(5);
    expect(countOf(5)).toBe(5);
    for (const bad of ["", "五", "-1", "1.5", "1e3", null, undefined, 2.5]) expect(countOf(bad)).toBeNaN();
  });
});

describe("the rule as declared", () => {
  it("is labelled in Chinese", () => {
    expect(passRuleLabel(twoThirds)).toBe("赞成票不少于实到委员的2/3");
    expect(passRuleLabel(ofMembers)).toBe("赞成票不少于评委会委员总数的1/2");
  });

  it("a fraction above 1, or a missing rule, is refused", () => {
    expect(passRuleProblems(twoThirds)).toEqual([]);
    expect(passRuleProblems({ approve: { atLeast: [4, 3], of: "present" } })).toEqual(["通过规则 4/3 大于 1，任何表决都不能通过"]);
    expect(passRuleProblems(undefined)).toEqual(["表决环节必须声明通过规则 passRule"]);
  });
});
