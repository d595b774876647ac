// 统计分析: counts by plan, 系列, 级别, unit and stage/state, pass rates, time per stage and daily
// submissions over the applications in the staff member's scope (the queue's 全部申报), with a
// server-drawn SVG chart beside each table and one Excel workbook of every table.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Col, Empty, Row, Select, Space, Statistic, Typography } from "antd";
import { ListTable } from "~/components/list-table";
import { useListQuery } from "~/components/use-list-query";
import { requireMay } from "~/engine/people/auth.server";
import { statsDashboard, statsFiltersFrom } from "~/engine/stats/stats.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "统计分析 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "applications");
  const f = statsFiltersFrom(new URL(request.url));
  return json({ filters: f, ...(await statsDashboard(getDb(), user, f)) }, { headers: { "Cache-Control": "no-store" } });
}

export default function StaffStats() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const go = useListQuery();
  const f = d.filters;
  const sel = (label: string, key: string, value: string | number | null, options: { value: string | number; label: string }[], width = 200) => (
    <Select aria-label={label} style={{ width }} value={value ?? ""} showSearch={{ optionFilterProp: "label" }} onChange={(v) => go({ [key]: v || null })}
      options={[{ value: "", label: `全部${label}` }, ...options]} />
  );
  const exportHref = `/staff/stats/export.xlsx?${new URLSearchParams([...params].filter(([k]) => ["plan", "series", "level", "unit"].includes(k)))}`;
  return (
    <Card>
      {/* The server-drawn charts scale with their column (they carry a viewBox). */}
      <style>{"[data-chart] svg{max-width:100%;height:auto}"}</style>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>统计分析</Typography.Title>
        <a href={exportHref} download><Button>导出Excel</Button></a>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>统计范围与“申报审核 · 全部申报”相同：仅包含您管辖范围内已提交的申报。</Typography.Paragraph>
      {d.options.scopeEmpty ? <Alert type="warning" showIcon title="您的账户尚未设置管辖范围，请联系系统管理员。" style={{ marginBottom: 16 }} /> : null}
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          {sel("申报计划", "plan", f.planId, d.options.plans, 260)}
          {sel("职称系列", "series", f.titleSeriesId, d.options.series, 140)}
          {sel("级别", "level", f.level, d.options.levels, 140)}
          {d.options.units.length ? sel("工作单位", "unit", f.unitId, d.options.units, 220) : null}
        </Space>
      </Form>
      {d.empty ? (
        <Empty description="当前范围内暂无申报数据" />
      ) : (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
            <Col xs={12} md={6}><Statistic title="申报数" value={d.totals.total} /></Col>
            <Col xs={12} md={6}><Statistic title="评审通过" value={d.totals.approved} /></Col>
            <Col xs={12} md={6}><Statistic title="不通过" value={d.totals.rejected} /></Col>
            <Col xs={12} md={6}><Statistic title="通过率" value={d.totals.passRate} /></Col>
          </Row>
          {d.tables.map((t) => (
            <section key={t.key} aria-labelledby={`stats-${t.key}`} className="stats-section" style={{ marginBottom: 24 }}>
              <Typography.Title level={4} id={`stats-${t.key}`}>{t.title}</Typography.Title>
              {t.note ? <Typography.Paragraph type="secondary">{t.note}</Typography.Paragraph> : null}
              <Row gutter={[16, 16]}>
                <Col xs={24} xl={13}>
                  {d.charts[t.key]
                    ? <figure role="img" aria-label={`${t.title}图表`} data-chart={t.key} style={{ margin: 0, maxWidth: "100%", overflowX: "auto" }} dangerouslySetInnerHTML={{ __html: d.charts[t.key] }} />
                    : <Empty description="暂无数据" />}
                </Col>
                <Col xs={24} xl={11}>
                  <ListTable
                    rowKey="label" dataSource={t.rows} size="small" scroll={{ x: true }} pagination={t.rows.length > 12 ? { pageSize: 10, showSizeChanger: false } : false}
                    locale={{ emptyText: "暂无数据" }}
                    columns={t.columns.map((c) => ({ title: c.title, dataIndex: c.key, key: c.key, align: c.kind === "text" && c.key === "label" ? undefined : ("right" as const) }))}
                  />
                </Col>
              </Row>
            </section>
          ))}
        </>
      )}
    </Card>
  );
}
