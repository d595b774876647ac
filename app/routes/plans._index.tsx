// The open 申报计划 of one plan type (manual 4, 5, 6, first screens): /plans?type=<applicationType>
// (a plan type of workflows/plan-types.json), filtered by 职称系列 and 单位隶属关系 (评审) or
// 认定类型, 单位隶属关系 and 受理部门 (初定/认定).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, Empty, Select, Space, Table, Typography } from "antd";
import { PLAN_WINDOW_WIDTH, PlanWindow } from "~/components/plan-view";
import { asCards } from "~/components/list-table";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { listPlans, planRefs, planTypeOf, planView, planTypes } from "~/engine/plans.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { dbId } from "~/utils/ints.server";
import { may } from "~/engine/people/roles";
import { forbidden } from "~/utils/http.server";
import { listParams } from "~/utils/pagination";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.type.label ?? "申报计划"} - 职称申报评审平台` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Applicants, and administrators checking the plans they configured.
  if (user.role !== "applicant" && !may(user.role, "configuration")) throw forbidden();
  if (user.role === "applicant" && !user.profileCompleted) throw redirect("/profile");
  const url = new URL(request.url);
  const type = (await planTypeOf(getDb(), { applicationType: url.searchParams.get("type") })) ?? (await planTypes(getDb()))[0];
  const p = listParams(url);
  const num = (k: string) => dbId(url.searchParams.get(k));
  const filters = {
    titleSeriesId: num("series"), affiliationId: num("affiliation"), acceptanceDepartmentId: num("department"),
    recognitionType: type.recognitionTypes.includes(url.searchParams.get("recognition") ?? "") ? url.searchParams.get("recognition") : null,
  };
  const db = getDb();
  const refs = await planRefs(db);
  const { rows, total } = await listPlans(db, { applicationType: type.applicationType, openOnly: true, ...filters, offset: p.offset, pageSize: p.pageSize });
  return json({
    type, filters, total, page: p.page, pageSize: p.pageSize,
    typeOptions: (await planTypes(db)).map((t) => ({ value: t.applicationType, label: t.planType })),
    rows: rows.map((r) => { const v = planView(r, refs); return { id: v.id, name: v.name, recognitionType: v.recognitionType, titleSeries: v.titleSeries, titleLevel: v.titleLevel, year: v.year, opensAt: v.opensAt, closesAt: v.closesAt, accepted: type.acceptedBy === "committees" ? v.committees : v.acceptanceDepartments }; }),
    options: {
      series: refs.series.map((s) => ({ value: s.id, label: s.label })),
      affiliations: refs.affiliations.map((s) => ({ value: s.id, label: s.label })),
      departments: refs.departments.map((s) => ({ value: s.id, label: s.label })),
    },
  });
}

export default function Plans() {
  const { type, typeOptions, filters, rows, total, page, pageSize, options } = useLoaderData<typeof loader>();
  const go = useListQuery();
  const review = type.acceptedBy === "committees";
  const sel = (label: string, key: string, value: string | number | null, opts: { value: string | number; label: string }[], width = 180) => (
    <Space>
      <span>{label}</span>
      <Select aria-label={label} value={value ?? ""} style={{ width }} showSearch={{ optionFilterProp: "label" }} onChange={(v) => go({ [key]: v || null, page: null })}
        options={[{ value: "", label: "全部" }, ...opts]} />
    </Space>
  );
  return (
    <Card>
      <Typography.Title level={3}>{type.label}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        {review ? sel("申报计划类型", "type", type.applicationType, typeOptions, 140) : sel("认定类型", "recognition", filters.recognitionType, type.recognitionTypes.map((r) => ({ value: r, label: r })), 220)}
        {review ? sel("申报职称系列", "series", filters.titleSeriesId, options.series) : null}
        {sel("单位隶属关系", "affiliation", filters.affiliationId, options.affiliations, 160)}
        {review ? null : sel("受理部门", "department", filters.acceptanceDepartmentId, options.departments, 240)}
      </Space>
      <Table
        rowKey="id"
        dataSource={rows}
        locale={{ emptyText: <Empty description="当前没有符合条件、正在申报的计划" /> }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 个计划`)}
        {...asCards<(typeof rows)[number]>({ columns: [
          { title: "申报计划", dataIndex: "name", render: (v: string, r) => <Link to={`/plans/${r.id}${filters.acceptanceDepartmentId ? `?department=${filters.acceptanceDepartmentId}` : ""}`}>{v}</Link> },
          ...(review ? [] : [{ title: "认定类型", dataIndex: "recognitionType" }]),
          { title: "职称系列 / 级别", key: "s", render: (_: unknown, r: (typeof rows)[number]) => `${r.titleSeries} · ${r.titleLevel}` },
          { title: review ? "受理评审委员会" : "受理部门", key: "a", render: (_: unknown, r: (typeof rows)[number]) => (r.accepted.length > 2 ? `${r.accepted.slice(0, 2).join("、")} 等 ${r.accepted.length} 个` : r.accepted.join("、")) },
          { title: "申报时间", key: "t", width: PLAN_WINDOW_WIDTH, render: (_: unknown, r: (typeof rows)[number]) => <PlanWindow opensAt={r.opensAt} closesAt={r.closesAt} /> },
        ] })}
      />
    </Card>
  );
}
