// 【导出评审表】 and 【批量导出评审表】 buttons for the staff pages (and the applicant's record page).
// The single form is a plain download link; the batch export posts {ids} or {filters} to
// /staff/exports, which answers with a redirect to the job's progress page (followed by Remix),
// or a Chinese message shown beside the button.
import { DownloadOutlined, FileZipOutlined } from "@ant-design/icons";
import { useFetcher } from "@remix-run/react";
import { Button, Popconfirm, Space, Typography } from "antd";

/** 【导出评审表】: a download link to a review form PDF (e.g. /staff/applications/12/review-form.pdf). */
export function ReviewFormButton({ href, label = "导出评审表", type = "default" }: { href: string; label?: string; type?: "default" | "primary" | "link" }) {
  // A plain link (download attribute): the PDF is a resource route, not a page Remix can render.
  return <Button type={type} icon={<DownloadOutlined />} href={href} download>{label}</Button>;
}

export function staffReviewFormHref(applicationId: number) {
  return `/staff/applications/${applicationId}/review-form.pdf`;
}

/**
 * 【批量导出评审表】. Pass `ids` (the selected rows) or `filters` (the queue's current query string,
 * e.g. location.search: every application the filters select, up to the export limit).
 */
export function BatchExportButton({ ids, filters, total, label }: { ids?: number[]; filters?: string; total?: number; label?: string }) {
  const fetcher = useFetcher<{ ok: false; error: string }>();
  const byIds = ids !== undefined;
  const count = byIds ? ids.length : total;
  const busy = fetcher.state !== "idle";
  const start = () => fetcher.submit(byIds ? { ids } : { filters: filters ?? "" }, { method: "post", action: "/staff/exports", encType: "application/json" });
  const text = label ?? (byIds ? `批量导出评审表${count ? `（${count} 份）` : ""}` : `按筛选条件导出评审表${count !== undefined ? `（${count} 份）` : ""}`);
  return (
    <Space wrap>
      <Popconfirm title="批量导出评审表" description={count !== undefined ? `将生成 ${count} 份评审表并打包为 ZIP，确定导出？` : "将按当前筛选条件生成评审表并打包为 ZIP，确定导出？"}
        okText="导出" cancelText="取消" onConfirm={start} disabled={byIds && !ids.length}>
        <Button icon={<FileZipOutlined />} loading={busy} disabled={byIds && !ids.length}>{text}</Button>
      </Popconfirm>
      {fetcher.data && fetcher.data.ok === false ? <Typography.Text type="danger" role="alert">{fetcher.data.error}</Typography.Text> : null}
    </Space>
  );
}
