// 申报类型管理: every application type with its versions and how many applications use each.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Card, Input, Space, Table, Typography } from "antd";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { requireMay } from "~/engine/people/auth.server";
import { listTypes } from "~/engine/workflow/type-admin.server";
import { getDb } from "~/utils/db.server";
import { listParams } from "~/utils/pagination";
import { dateTimeText } from "~/components/cells";

export const meta: MetaFunction = () => [{ title: "申报类型管理 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const p = listParams(new URL(request.url));
  const { rows, total } = await listTypes(getDb(), { q: p.q, page: p.page, pageSize: p.pageSize });
  return json({ rows, total, page: p.page, pageSize: p.pageSize, q: p.q });
}


export default function AdminTypes() {
  const { rows, total, page, pageSize, q } = useLoaderData<typeof loader>();
  const go = useListQuery();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3}>申报类型管理</Typography.Title>
        <Link to="/admin/types/new"><Button type="primary">新建申报类型</Button></Link>
      </Space>
      <Typography.Paragraph type="secondary">申报类型决定申报向导的步骤、评审流程、费用和打印的评审表。发布新版本后，新的申报使用新版本；草稿保持原版本；评审中的申报转入新版本的评审流程。</Typography.Paragraph>
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Input name="q" defaultValue={q} placeholder="名称、编号或计划类型" aria-label="搜索申报类型" allowClear style={{ width: 240 }} />
          <Button htmlType="submit" type="primary">搜索</Button>
        </Space>
      </Form>
      <Table
        rowKey="id"
        dataSource={rows}
        locale={{ emptyText: "没有符合条件的申报类型" }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 个申报类型`)}
        columns={[
          { title: "申报类型", dataIndex: "name", render: (v, r) => <Link to={`/admin/types/${r.id}`}>{v}</Link> },
          { title: "编号", dataIndex: "id" },
          { title: "计划类型", dataIndex: "planType" },
          { title: "最新版本", dataIndex: "latest", render: (v: number) => `第 ${v} 版` },
          {
            title: "各版本（发布人 · 发布时间 · 草稿 / 评审中 / 已办结）", key: "versions",
            render: (_: unknown, r) => (
              <Space orientation="vertical" size={0}>
                {r.versions.map((v) => (
                  <span key={v.version}>第 {v.version} 版 · {v.createdBy} · {dateTimeText(v.createdAt)} · 草稿 {v.drafts} / 评审中 {v.inReview} / 已办结 {v.finished}</span>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
