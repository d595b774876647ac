import { useSearchParams } from "@remix-run/react";
import { Alert } from "antd";

/** Only known notice codes are shown after a redirect (never text from the URL). */
export const NOTICES: Record<string, string> = {
  created: "已保存，业绩已提交单位审核（待审核）",
  saved: "已保存，业绩已重新提交审核（待审核）",
  deleted: "已删除",
  approved: "已审核通过",
  returned: "已退回，申请人将看到退回原因",
  imported: "已导入，等待单位审核",
  submitted: "申报已提交，等待审核",
  rejected: "已作出不通过决定，申请人将看到原因",
  discarded: "草稿已放弃",
  "publicity-period": "已录入公示期",
  "publicity-ended": "已录入公示结果",
};

/** The one-line result of the last action, from a ?notice= code the server set. */
export function Notice({ texts = NOTICES }: { texts?: Record<string, string> }) {
  const [params] = useSearchParams();
  const code = params.get("notice");
  const text = code ? texts[code] : null;
  const count = params.get("count");
  if (!text) return null;
  return <Alert type="success" showIcon role="status" closable title={count ? `${text}（${count} 条）` : text} style={{ marginBottom: 16 }} />;
}
