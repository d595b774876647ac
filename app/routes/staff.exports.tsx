// /staff/exports — 批量导出评审表. POST starts a job from {ids} (selected applications) or
// {filters} (the whole filtered queue, as its query string) and goes to its progress page;
// GET lists the staff member's recent export jobs.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, Empty, Table, Tag, Typography } from "antd";
import { listOwnExports, startExport } from "~/engine/pdf/export-jobs.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "评审表导出 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "applications");
  return json({ jobs: await listOwnExports(getDb(), user.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMay(request, "applications");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const job = await startExport(getDb(), user, { ids: body.ids, filters: body.filters });
    return redirect(`/staff/exports/${job.id}`);
  });
}

export const STATUS_COLOR: Record<string, string> = { queued: "default", running: "processing", done: "success", failed: "error" };

export default function Exports() {
  const { jobs } = useLoaderData<typeof loader>();
  return (
    <Card>
      <Typography.Title level={3}>评审表导出</Typography.Title>
      <Typography.Paragraph type="secondary">在申报列表中勾选申报或按筛选条件点击【批量导出评审表】，导出的 ZIP 文件保留 24 小时。</Typography.Paragraph>
      {jobs.length ? (
        <Table rowKey="id" size="small" pagination={false} dataSource={jobs} columns={[
          { title: "提交时间", dataIndex: "createdAt" },
          { title: "份数", dataIndex: "total" },
          { title: "进度", render: (_, j) => `${j.done} / ${j.total}${j.failed ? `（失败 ${j.failed}）` : ""}` },
          { title: "状态", render: (_, j) => <Tag color={STATUS_COLOR[j.status]}>{j.statusLabel}</Tag> },
          { title: "操作", render: (_, j) => <><Link to={`/staff/exports/${j.id}`}>查看</Link>{j.downloadable ? <> · <a href={`/staff/exports/${j.id}/download`}>下载</a></> : null}</> },
        ]} />
      ) : <Empty description="暂无导出任务" />}
    </Card>
  );
}
