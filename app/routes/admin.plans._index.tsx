// 申报计划 list for administrators: search by name, filter by plan type / series / status.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from "antd";
import { PLAN_WINDOW_WIDTH, PlanWindow } from "~/components/plan-view";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { listPlans, planRefs, planView, planTypes } from "~/engine/plans.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { dbId } from "~/utils/ints.server";
import { listParams } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "申报计划 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const url = new URL(request.url);
  const p = listParams(url);
  const planType = url.searchParams.get("planType") || null;
  const titleSeriesId = dbId(url.searchParams.get("series"));
  const db = getDb();
  const refs = await planRefs(db);
  const { rows, total } = await listPlans(db, { q: p.q, planType, titleSeriesId, offset: p.offset, pageSize: p.pageSize });
  return json({
    rows: rows.map((r) => planView(r, refs)), total, page: p.page, pageSize: p.pageSize, q: p.q, planType, titleSeriesId,
    planTypes: (await planTypes(db)).map((t) => t.planType), series: refs.series.map((s) => ({ value: s.id, label: s.label })),
  });
}

const STATUS_COLOR = { upcoming: "blue", open: "green", closed: "default" } as const;

export default function AdminPlans() {
  const { rows, total, page, pageSize, q, planType, titleSeriesId, planTypes, series } = useLoaderData<typeof loader>();
  const go = useListQuery();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={3}>申报计划</Typography.Title>
        <Link to="/admin/plans/new"><Button type="primary">新增申报计划</Button></Link>
      </Space>
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Input name="q" defaultValue={q} placeholder="计划名称" aria-label="搜索申报计划" allowClear style={{ width: 240 }} />
          <Select aria-label="按计划类型筛选" value={planType ?? ""} style={{ width: 140 }} onChange={(v) => go({ planType: v || null, page: null })}
            options={[{ value: "", label: "全部类型" }, ...planTypes.map((t) => ({ value: t, label: t }))]} />
          <Select aria-label="按职称系列筛选" value={titleSeriesId ?? ""} style={{ width: 160 }} onChange={(v) => go({ series: v || null, page: null })}
            options={[{ value: "", label: "全部职称系列" }, ...series]} />
          {planType ? <input type="hidden" name="planType" value={planType} /> : null}
          {titleSeriesId ? <input type="hidden" name="series" value={titleSeriesId} /> : null}
          <Button htmlType="submit" type="primary">搜索</Button>
        </Space>
      </Form>
      <Table
        rowKey="id"
        dataSource={rows}
        locale={{ emptyText: "没有符合条件的申报计划" }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 个计划`)}
        columns={[
          { title: "计划名称", dataIndex: "name", render: (v: string, r) => <Link to={`/admin/plans/${r.id}`}>{v}</Link> },
          { title: "类型", dataIndex: "planType", render: (v: string, r) => <>{v}{r.recognitionType ? `（${r.recognitionType}）` : ""}</> },
          { title: "职称系列 / 级别", key: "series", render: (_: unknown, r) => `${r.titleSeries} · ${r.titleLevel}` },
          { title: "年度", dataIndex: "year" },
          { title: "申报时间", key: "time", width: PLAN_WINDOW_WIDTH, render: (_: unknown, r) => <PlanWindow opensAt={r.opensAt} closesAt={r.closesAt} /> },
          { title: "状态", dataIndex: "status", render: (v: keyof typeof STATUS_COLOR, r) => <Tag color={STATUS_COLOR[v]}>{r.statusLabel}</Tag> },
        ]}
      />
    </Card>
  );
}
