import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from "antd";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { KIND_LABELS, listForms } from "~/engine/form-publish.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { listParams } from "~/utils/pagination";
import { dateTimeText } from "~/components/cells";

export const meta: MetaFunction = () => [{ title: "表单管理 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const url = new URL(request.url);
  const p = listParams(url);
  const kind = url.searchParams.get("kind");
  const { rows, total } = await listForms(getDb(), { q: p.q, kind, offset: p.offset, pageSize: p.pageSize });
  return json({ rows, total, page: p.page, pageSize: p.pageSize, q: p.q, kind, kinds: KIND_LABELS });
}


export default function AdminForms() {
  const { rows, total, page, pageSize, q, kind, kinds } = useLoaderData<typeof loader>();
  const go = useListQuery();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={3}>表单管理</Typography.Title>
        <Space wrap>
          <Link to="/admin/forms/new"><Button type="primary">新建业绩类别</Button></Link>
          <Link to="/admin/forms/new?kind=application"><Button>新建申报信息表</Button></Link>
        </Space>
      </Space>
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Input name="q" defaultValue={q} placeholder="表单名称或编号" aria-label="搜索表单" allowClear style={{ width: 220 }} />
          <Select
            aria-label="按类型筛选" value={kind ?? ""} style={{ width: 160 }}
            onChange={(v) => go({ kind: v || null, page: null })}
            options={[{ value: "", label: "全部类型" }, ...Object.entries(kinds).map(([value, label]) => ({ value, label }))]}
          />
          {kind ? <input type="hidden" name="kind" value={kind} /> : null}
          <Button htmlType="submit" type="primary">搜索</Button>
        </Space>
      </Form>
      <Table
        rowKey="id"
        dataSource={rows}
        locale={{ emptyText: "没有符合条件的表单" }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 个表单`)}
        columns={[
          { title: "表单", dataIndex: "title", render: (v, r: any) => <Link to={`/admin/forms/${r.id}`}>{v}</Link> },
          { title: "编号", dataIndex: "id" },
          { title: "类型", dataIndex: "kind", render: (v: string) => kinds[v] ?? v },
          { title: "最新版本", dataIndex: "latest", render: (v, r: any) => <>第 {v} 版{r.hasDraft ? <Tag style={{ marginLeft: 8 }}>有草稿</Tag> : null}</> },
          {
            title: "各版本（发布人 · 发布时间 · 使用记录数）", key: "versions",
            render: (_: unknown, r: any) => (
              <Space orientation="vertical" size={0}>
                {r.versions.map((v: any) => (
                  <span key={v.version}>第 {v.version} 版 · {v.createdBy} · {dateTimeText(v.createdAt)} · {v.records} 条记录</span>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
