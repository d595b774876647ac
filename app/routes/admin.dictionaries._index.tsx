import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, List, Typography } from "antd";
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
      <Typography.Title level={3}>字典管理</Typography.Title>
      <List bordered dataSource={dicts} renderItem={(d) => <List.Item><Link to={`/admin/dictionaries/${d.key}`}>{d.label}</Link></List.Item>} />
    </Card>
  );
}
