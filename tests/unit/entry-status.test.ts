// Every (action, status, actor) combination of the archive entry status machine.
import { describe, expect, it } from "vitest";
import { canDo, ENTRY_TRANSITIONS, type Actor, type EntryAction } from "~/engine/entry-status";

const STATUSES = [null, "pending", "returned", "approved"] as const;
const ALLOWED = new Set([
  "create|null|owner",
  "save|pending|owner", "save|returned|owner",
  "delete|pending|owner", "delete|returned|owner",
  "approve|pending|reviewer",
  "return|pending|reviewer",
]);

const cases: [EntryAction, (typeof STATUSES)[number], Actor][] = [];
for (const action of Object.keys(ENTRY_TRANSITIONS) as EntryAction[])
  for (const status of STATUSES)
    for (const actor of ["owner", "reviewer"] as Actor[]) cases.push([action, status, actor]);

describe("entry status machine", () => {
  it.each(cases)("%s from %s by %s", (action, status, actor) => {
    expect(canDo(action, status, actor)).toBe(ALLOWED.has(`${action}|${status}|${actor}`));
  });
  it("lands where the manual says", () => {
    expect(ENTRY_TRANSITIONS.save.to).toBe("pending"); // 点击保存重新提交审核
    expect(ENTRY_TRANSITIONS.approve.to).toBe("approved");
    expect(ENTRY_TRANSITIONS.return.to).toBe("returned");
  });
});
