// 申报审核: a staff member's queue of applications — 待我审核 (waiting at a stage of their role, in
// their scope) or 全部 (every application in scope) — with filters (plan, series, status, unit,
// submission date), search by name / ID number / 申报编号, pagination, batch 通过 and Excel export.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, DatePicker, Input, Select, Space, Tabs, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { dateTimeText } from "~/components/cells";
import { useHydrated } from "~/components/hydrated";
import { ListTable, StaticRangeInput } from "~/components/list-table";
import { BatchExportButton } from "~/components/export-buttons";
import { Notice } from "~/components/notice";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { batchApprove, queueFiltersFrom, reviewQueue, staffQueueOptions } from "~/engine/workflow/review.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { listParams } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "申报审核 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "applications");
  const db = getDb();
  const url = new URL(request.url);
  const p = listParams(url);
  const f = queueFiltersFrom(url, p);
  const [{ rows, total }, options] = await Promise.all([reviewQueue(db, user, f), staffQueueOptions(db, user)]);
  return json({ rows, total, page: p.page, pageSize: p.pageSize, filters: { ...f, q: p.q }, options });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMay(request, "applications");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const r = await batchApprove(getDb(), user, body.items);
    return redirect(`/staff/applications?notice=approved&count=${r.count}`);
  });
}

const STATUS_OPTIONS = [
  { value: "", label: "全部状态" }, { value: "submitted", label: "审核中" }, { value: "returned", label: "退回修改" },
  { value: "approved", label: "评审通过" }, { value: "rejected", label: "不通过" },
];
const STATE_COLOR: Record<string, string> = { submitted: "processing", returned: "warning", approved: "success", rejected: "error" };

export default function StaffApplications() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<number[]>([]);
  const go = useListQuery();
  const hydrated = useHydrated();
  const f = d.filters;
  const todo = f.view === "todo";
  const sel = (label: string, key: string, value: string | number | null | undefined, options: { value: string | number; label: string }[], width = 200) => (
    <Select aria-label={label} style={{ width }} value={value ?? ""} showSearch={{ optionFilterProp: "label" }} onChange={(v) => go({ [key]: v || null, page: null })}
      options={[{ value: "", label: `全部${label}` }, ...options]} />
  );
  const exportHref = `/staff/applications/export.xlsx?${new URLSearchParams([...params].filter(([k]) => !["page", "pageSize", "notice", "count"].includes(k)))}`;
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>申报审核</Typography.Title>
        <Space wrap>
          <BatchExportButton filters={`?${params}`} total={d.total} />
          <a href={exportHref} download><Button>导出 Excel</Button></a>
        </Space>
      </Space>
      <Tabs activeKey={f.view} onChange={(k) => go({ view: k === "todo" ? null : k, page: null, status: null })}
        items={[{ key: "todo", label: "待我审核" }, { key: "all", label: "全部申报" }]} />
      <Notice />
      {result && "error" in result ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} /> : null}
      {d.options.scopeEmpty ? <Alert type="warning" showIcon title="您的账户尚未设置管辖范围，请联系系统管理员。" style={{ marginBottom: 16 }} /> : null}
      <Form method="get" role="search">
        {f.view !== "todo" ? <input type="hidden" name="view" value={f.view} /> : null}
        <Space wrap style={{ marginBottom: 16 }}>
          {sel("申报计划", "plan", f.planId, d.options.plans, 260)}
          {sel("职称系列", "series", f.titleSeriesId, d.options.series, 140)}
          {todo ? null : sel("状态", "status", f.status, STATUS_OPTIONS.slice(1), 140)}
          {d.options.units.length ? sel("工作单位", "unit", f.unitId, d.options.units, 220) : null}
          {hydrated ? (
            <DatePicker.RangePicker aria-label="提交日期" value={[f.from ? dayjs(f.from) : null, f.to ? dayjs(f.to) : null]}
              onChange={(v) => go({ from: v?.[0]?.format("YYYY-MM-DD") ?? null, to: v?.[1]?.format("YYYY-MM-DD") ?? null, page: null })} />
          ) : <StaticRangeInput from={f.from ?? null} to={f.to ?? null} />}
          <Input name="q" defaultValue={f.q} placeholder="姓名、身份证号或申报编号" aria-label="搜索申请人" allowClear style={{ width: 240 }} />
          {(["plan", "series", "status", "unit", "from", "to"] as const).map((k) => params.get(k) ? <input key={k} type="hidden" name={k} value={params.get(k)!} /> : null)}
          <Button htmlType="submit">搜索</Button>
        </Space>
      </Form>
      {todo ? (
        <Space style={{ marginBottom: 12 }}>
          <Button type="primary" disabled={!selected.length} loading={busy}
            onClick={() => submit(JSON.stringify({ items: d.rows.filter((r) => selected.includes(r.id)).map((r) => ({ id: r.id, version: r.version })) }), { method: "post", encType: "application/json" })}>
            批量通过{selected.length ? `（${selected.length}）` : ""}
          </Button>
          <BatchExportButton ids={selected} />
          <Typography.Text type="secondary">批量通过不填写意见；需退回或不通过的申报请逐条审核。</Typography.Text>
        </Space>
      ) : null}
      <div className="application-queue">
      <ListTable
        rowKey="id" dataSource={d.rows} scroll={{ x: true }}
        rowSelection={todo ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) } : undefined}
        locale={{ emptyText: todo ? "暂无待您审核的申报" : "没有符合条件的申报" }}
        pagination={listPagination(d, go, (n) => `共 ${n} 条申报`)}
        columns={[
          { title: "申报编号", dataIndex: "number" },
          { title: "姓名", dataIndex: "applicantName" },
          { title: "工作单位", dataIndex: "unit" },
          { title: "申报计划", dataIndex: "planName", className: "wrap" },
          { title: "系列 / 级别", key: "s", render: (_: unknown, r: (typeof d.rows)[number]) => `${r.series} · ${r.level}` },
          { title: "提交时间", dataIndex: "submittedAt", render: (v: string | null) => (v ? dateTimeText(v) : "—") },
          { title: "状态", dataIndex: "stateLabel", render: (v: string, r: (typeof d.rows)[number]) => <Tag color={STATE_COLOR[r.status]}>{v}</Tag> },
          { title: "操作", key: "op", render: (_: unknown, r: (typeof d.rows)[number]) => <Link to={`/staff/applications/${r.id}`}>{todo ? "审核" : "查看"}</Link> },
        ]}
      />
      </div>
    </Card>
  );
}
