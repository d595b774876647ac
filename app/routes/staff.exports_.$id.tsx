// GET /staff/exports/:id — progress of a batch export (the owner's only; anyone else 404):
// done / total with errors, polled while it runs, then 【下载 ZIP】.
import { useEffect } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Progress, Space, Table, Tag, Typography } from "antd";
import { exportJobView, isExportRole } from "~/engine/pdf/export-jobs.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "评审表导出进度 - 职称申报评审平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!isExportRole(user.role)) throw notFound("导出任务不存在或您无权查看");
  const job = await exportJobView(getDb(), user.id, Number(params.id));
  if (!job) throw notFound("导出任务不存在或您无权查看");
  return json({ job });
}

const COLOR: Record<string, string> = { queued: "default", running: "processing", done: "success", failed: "error" };
const sizeText = (n: number | null) => (n === null ? "" : n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export default function ExportProgress() {
  const { job } = useLoaderData<typeof loader>();
  const { revalidate, state } = useRevalidator();
  const active = job.status === "queued" || job.status === "running";
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => { if (state === "idle") revalidate(); }, 1500);
    return () => clearInterval(t);
  }, [active, revalidate, state]);
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>批量导出评审表</Typography.Title>
        <Link to="/staff/exports">全部导出任务</Link>
      </Space>
      <div style={{ height: 16 }} />
      <Progress percent={job.percent} status={job.status === "failed" ? "exception" : job.status === "done" ? (job.failed ? "normal" : "success") : "active"} aria-label="导出进度" />
      <Typography.Paragraph style={{ marginTop: 8 }} aria-live="polite">
        已处理 <strong>{job.done}</strong> / {job.total} 份{job.failed ? <>，其中 <Typography.Text type="danger">{job.failed} 份失败</Typography.Text></> : null}
        {job.status === "queued" ? "（排队等待中）" : null}
      </Typography.Paragraph>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }} items={[
        { key: "s", label: "状态", children: <Tag color={COLOR[job.status]}>{job.statusLabel}</Tag> },
        { key: "c", label: "提交时间", children: job.createdAt },
        { key: "f", label: "完成时间", children: job.finishedAt ?? "—" },
        { key: "e", label: "文件保留至", children: job.expiresAt ?? "—" },
      ]} />
      {job.message ? <Alert type={job.status === "failed" ? "error" : job.failed ? "warning" : "success"} showIcon title={job.message} style={{ marginBottom: 16 }} /> : null}
      {job.downloadable ? (
        <Button type="primary" href={`/staff/exports/${job.id}/download`}>下载 ZIP（{sizeText(job.fileSize)}）</Button>
      ) : job.expired ? <Alert type="info" showIcon title="导出文件已过期，请重新导出" /> : null}
      {job.errors.length ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>未能导出的申报</Typography.Title>
          <Table rowKey="id" size="small" pagination={false} dataSource={job.errors} columns={[
            { title: "申报编号", dataIndex: "number", render: (v) => v ?? "—" },
            { title: "姓名", dataIndex: "name", render: (v) => v ?? "—" },
            { title: "原因", dataIndex: "message" },
          ]} />
        </>
      ) : null}
    </Card>
  );
}
