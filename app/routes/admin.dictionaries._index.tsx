import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Button, Card, List, Space, Tag, Typography } from "antd";
import { dictSummaries } from "~/engine/dictionary-admin.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "字典管理 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  return json({ dicts: await dictSummaries(getDb()) });
}

export default function AdminDictionaries() {
  const { dicts } = useLoaderData<typeof loader>();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={3}>字典管理</Typography.Title>
        <Link to="/admin/dictionaries/new"><Button type="primary">新建字典</Button></Link>
      </Space>
      <List
        bordered dataSource={dicts} locale={{ emptyText: "还没有字典" }}
        renderItem={(d) => (
          <List.Item actions={d.declaredHere ? [<Link key="def" to={`/admin/dictionaries/${d.key}/definition`}>编辑字典定义</Link>] : []}>
            <Space>
              <Link to={`/admin/dictionaries/${d.key}`}>{d.label}</Link>
              <Typography.Text type="secondary">{d.key}</Typography.Text>
              {d.declaredHere ? <Tag color="blue">管理员新建 · 第 {d.version} 版</Tag> : null}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
