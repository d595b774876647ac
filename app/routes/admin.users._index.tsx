import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from "antd";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { listParams } from "~/utils/pagination";
import { listUsers } from "~/engine/people/users.server";
import { labelOfRole, ROLE_IDS, roleLabel } from "~/engine/people/roles";

export const meta: MetaFunction = () => [{ title: "用户管理 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const url = new URL(request.url);
  const p = listParams(url);
  const role = url.searchParams.get("role");
  const { rows, total } = await listUsers(getDb(), { q: p.q, role, offset: p.offset, pageSize: p.pageSize });
  return json({ rows, total, page: p.page, pageSize: p.pageSize, q: p.q, role });
}

export default function AdminUsers() {
  const { rows, total, page, pageSize, q, role } = useLoaderData<typeof loader>();
  const go = useListQuery();
  return (
    <Card>
      <Typography.Title level={3}>用户管理</Typography.Title>
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Input name="q" defaultValue={q} placeholder="用户名或姓名" aria-label="搜索用户" allowClear style={{ width: 220 }} />
          <Select
            aria-label="按角色筛选"
            value={role ?? ""}
            style={{ width: 200 }}
            onChange={(v) => go({ role: v || null, page: null })}
            options={[{ value: "", label: "全部角色" }, ...ROLE_IDS.map((value) => ({ value, label: roleLabel(value) }))]}
          />
          {role ? <input type="hidden" name="role" value={role} /> : null}
          <Button htmlType="submit" type="primary">搜索</Button>
        </Space>
      </Form>
      <Table
        rowKey="id"
        dataSource={rows}
        locale={{ emptyText: "没有符合条件的用户" }}
        pagination={listPagination({ page, pageSize, total }, go, (n) => `共 ${n} 个用户`)}
        columns={[
          { title: "用户名", dataIndex: "username" },
          { title: "姓名", dataIndex: "displayName", render: (v) => v ?? "—" },
          { title: "角色", dataIndex: "role", render: (v: string, r: any) => <>{labelOfRole(v) ?? v}{r.isDemo ? <Tag style={{ marginLeft: 8 }}>演示</Tag> : null}</> },
          { title: "统一身份认证", dataIndex: "identity", render: (v: string | null) => (v ? <Tag color="blue">{`已关联 ${v}`}</Tag> : <Tag>未关联</Tag>) },
          { title: "状态", dataIndex: "lockedUntil", render: (v) => (v && new Date(v) > new Date() ? <Tag color="red">已锁定</Tag> : <Tag color="green">正常</Tag>) },
          { title: "操作", key: "op", render: (_: unknown, r: any) => <Link to={`/admin/users/${r.id}`}>设置角色与范围</Link> },
        ]}
      />
    </Card>
  );
}
