// 评审表模板管理: every template (review forms, the pledge) with its latest version and the types printing with it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Card, Input, Space, Table, Typography } from "antd";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { requireMay } from "~/engine/people/auth.server";
import { listTemplates } from "~/engine/template-admin.server";
import { getDb } from "~/utils/db.server";
import { listParams } from "~/utils/pagination";
import { dateTimeText } from "~/components/cells";

export const meta: MetaFunction = () => [{ title: "评审表模板 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const p = listParams(new URL(request.url));
  const { rows, total } = await listTemplates(getDb(), { q: p.q, page: p.page, pageSize: p.pageSize });
  return json({ rows, total, page: p.page, pageSize: p.pageSize, q: p.q });
}


export default function AdminTemplates() {
  const { rows, total, page, pageSize, q } = useLoaderData<typeof loader>();
  const go = useListQuery();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3}>评审表模板</Typography.Title>
        <Link to="/admin/templates/new"><Button type="primary">新建模板</Button></Link>
      </Space>
      <Typography.Paragraph type="secondary">评审表与保证书按模板打印。发布新版本后，新提交的申报按新版本打印；已提交的申报仍按提交时的版本打印。</Typography.Paragraph>
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Input name="q" defaultValue={q} placeholder="模板编号" aria-label="搜索模板" allowClear style={{ width: 240 }} />
          <Button htmlType="submit" type="primary">搜索</Button>
        </Space>
      </Form>
      <Table
        rowKey="id" dataSource={rows} locale={{ emptyText: "没有符合条件的模板" }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 个模板`)}
        columns={[
          { title: "模板", dataIndex: "id", render: (v: string) => <Link to={`/admin/templates/${v}`}>{v}</Link> },
          { title: "最新版本", dataIndex: "version", render: (v: number, r) => `第 ${v} 版 · ${r.createdBy} · ${dateTimeText(r.createdAt)}` },
          { title: "使用它的申报类型", dataIndex: "usedBy", render: (v: string[]) => (v.length ? v.join("、") : "（无）") },
        ]}
      />
    </Card>
  );
}
