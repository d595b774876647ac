// Audit rows as timeline items (who did what, when, with what comment).
import { labelOfRole } from "~/engine/people/roles";
import { dateTimeText } from "./cells";

const ACTIONS: Record<string, string> = {
  create: "提交", resubmit: "修改并重新提交", approve: "审核通过", return: "退回", delete: "删除",
};

export function historyItems(rows: { action: string; comment: string | null; createdAt: Date | string; actorRole: string | null }[]) {
  return rows.map((r) => ({
    key: `${r.action}-${String(r.createdAt)}`,
    color: r.action === "return" ? "red" : r.action === "approve" ? "green" : "blue",
    content: `${dateTimeText(r.createdAt)} ${r.actorRole === "applicant" ? "申请人" : labelOfRole(r.actorRole) ?? ""}${ACTIONS[r.action] ?? r.action}${r.comment ? `：${r.comment}` : ""}`,
  }));
}
