// The status machine of an archive entry: who may do what from which status. Pure data, so the
// UI (which buttons to show) and the engine (what to refuse) read the same table.
import type { EntryStatus } from "../../db/models";

export type EntryAction = "create" | "save" | "delete" | "approve" | "return";
export type Actor = "owner" | "reviewer";

interface Transition { from: (EntryStatus | null)[]; to: EntryStatus | null; by: Actor; refusal: string }

export const ENTRY_TRANSITIONS: Record<EntryAction, Transition> = {
  create: { from: [null], to: "pending", by: "owner", refusal: "业绩已存在" },
  // 待审核、退回状态可再次编辑，点击保存重新提交审核 (manual 3).
  save: { from: ["pending", "returned"], to: "pending", by: "owner", refusal: "已审核通过的业绩不能修改" },
  delete: { from: ["pending", "returned"], to: null, by: "owner", refusal: "已审核通过的业绩不能删除" },
  approve: { from: ["pending"], to: "approved", by: "reviewer", refusal: "只能审核待审核状态的业绩" },
  return: { from: ["pending"], to: "returned", by: "reviewer", refusal: "只能退回待审核状态的业绩" },
};

export const STATUS_LABELS: Record<EntryStatus, string> = { pending: "待审核", returned: "退回", approved: "审核通过" };
export const STATUS_COLORS: Record<EntryStatus, string> = { pending: "processing", returned: "error", approved: "success" };

export function canDo(action: EntryAction, status: EntryStatus | null, actor: Actor): boolean {
  const t = ENTRY_TRANSITIONS[action];
  return t.by === actor && t.from.includes(status);
}
