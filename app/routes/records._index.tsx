// 我的申报记录 (manual 7): the applicant's applications with their plan, type, number, status and
// the next thing to do. Drafts resume the wizard where they stopped.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Empty, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { Notice } from "~/components/notice";
import { when } from "~/components/plan-view";
import { asCards } from "~/components/list-table";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { stateLabel, stageOf } from "~/engine/workflow/review-machine";
import { discardDraft, listOwnApplications } from "~/engine/workflow/applications.server";
import { publicityLines } from "~/engine/workflow/publicity.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { listParams } from "~/utils/pagination";
import { bodyId, bodyInt } from "~/utils/body-values";

export const meta: MetaFunction = () => [{ title: "我的申报记录 - 职称申报评审平台" }];
const STATUS_FILTER: Record<string, string> = { draft: "草稿", submitted: "审核中", returned: "退回修改", approved: "评审通过", rejected: "不通过" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const url = new URL(request.url);
  const p = listParams(url);
  const status = Object.keys(STATUS_FILTER).includes(url.searchParams.get("status") ?? "") ? url.searchParams.get("status") : null;
  const { rows, total } = await listOwnApplications(getDb(), user.id, { offset: p.offset, pageSize: p.pageSize, status });
  const publicity = await publicityLines(getDb(), rows);
  return json({
    page: p.page, pageSize: p.pageSize, total, status,
    rows: rows.map(({ app, plan, workflow, resume }) => ({
      id: app.id, number: app.number, version: app.version, status: app.status, statusLabel: workflow ? stateLabel(workflow, app) : app.status,
      next: app.status === "draft" ? `继续填写：${resume?.title ?? ""}` : app.status === "returned" ? "按退回意见修改后重新提交"
        : app.status === "submitted" ? (stageOf(workflow!, app.stage)?.kind === "payment" ? "请缴费" : "等待审核") : "—",
      planName: plan?.name ?? "（计划已删除）", typeName: workflow?.name ?? app.workflowId,
      submittedAt: app.submittedAt ? new Date(app.submittedAt).toISOString() : null, updatedAt: new Date(app.updatedAt).toISOString(),
      resume: resume ? resume.title : null, publicity: publicity.get(app.id) ?? null,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    await discardDraft(getDb(), user.id, bodyId(body.id) ?? NaN, bodyInt(body.version));
    return redirect("/records?notice=discarded");
  });
}

const time = (iso: string | null) => (iso ? when(iso) : "—");

export default function Records() {
  const { rows, total, page, pageSize, status } = useLoaderData<typeof loader>();
  const go = useListQuery();
  const submit = useSubmit();
  const failed = useActionData<{ error?: string }>();
  return (
    <Card>
      <Typography.Title level={3}>我的申报记录</Typography.Title>
      <Notice />
      {failed?.error ? <Alert type="error" showIcon role="alert" title={failed.error} style={{ marginBottom: 16 }} /> : null}
      <Space style={{ marginBottom: 16 }}>
        <span>状态</span>
        <Select aria-label="状态" value={status ?? ""} style={{ width: 160 }} onChange={(v) => go({ status: v || null, page: null })}
          options={[{ value: "", label: "全部" }, ...Object.entries(STATUS_FILTER).map(([value, label]) => ({ value, label }))]} />
      </Space>
      <Table rowKey="id" dataSource={rows}
        locale={{ emptyText: <Empty description={<span>还没有申报记录。可在“职称评审申报”等菜单中选择申报计划，点击【马上申报】开始。</span>} /> }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 条申报记录`)}
        {...asCards<(typeof rows)[number]>({ columns: [
          { title: "申报编号", dataIndex: "number", render: (v: string | null) => v ?? <Typography.Text type="secondary">提交后生成</Typography.Text> },
          { title: "申报计划", dataIndex: "planName" },
          { title: "申报类型", dataIndex: "typeName" },
          { title: "提交时间", dataIndex: "submittedAt", render: time },
          // The 公示 period and outcome under the state: a column of its own squeezed the list past 1280 px.
          { title: "状态", dataIndex: "statusLabel", render: (v: string, r) => (
            <>
              <Tag color={({ draft: "default", returned: "warning", approved: "success", rejected: "error" } as Record<string, string>)[r.status] ?? "processing"}>{v}</Tag>
              {r.publicity ? <div><Typography.Text type="secondary">公示：{r.publicity}</Typography.Text></div> : null}
            </>
          ) },
          { title: "下一步", dataIndex: "next" },
          {
            // Links never break inside (「继续申报」 read one character per line when the columns were squeezed).
            title: "操作", key: "op", onCell: () => ({ style: { whiteSpace: "nowrap" } }), render: (_: unknown, r) => r.status === "draft" ? (
              <Space>
                <Link to={`/apply/${r.id}`}>继续申报</Link>
                <Popconfirm title="放弃这份草稿？已填写的内容将被删除" okText="放弃草稿" cancelText="取消"
                  onConfirm={() => submit({ id: String(r.id), version: String(r.version) }, { method: "post" })}>
                  <Button type="link" danger size="small">放弃草稿</Button>
                </Popconfirm>
              </Space>
            ) : r.status === "returned" ? <Space><Link to={`/apply/${r.id}`}>修改</Link><Link to={`/records/${r.id}`}>查看</Link></Space> : <Link to={`/records/${r.id}`}>查看</Link>,
          },
        ] })} />
    </Card>
  );
}
