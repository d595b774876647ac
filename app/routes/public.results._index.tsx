// 评审结果公示 (public, no login): the results being published today, each linking to its list.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, Typography } from "antd";
import { ListTable } from "~/components/list-table";
import { publicResults } from "~/engine/workflow/meetings.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "评审结果公示 - 职称申报评审平台" }];

export async function loader(_: LoaderFunctionArgs) {
  return json({ results: await publicResults(getDb()) }, { headers: { "Cache-Control": "no-store" } });
}

export default function PublicResults() {
  const { results } = useLoaderData<typeof loader>();
  return (
    <Card>
      <Typography.Title level={3}>评审结果公示</Typography.Title>
      <ListTable rowKey="id" dataSource={results} pagination={false} locale={{ emptyText: "当前没有正在公示的评审结果" }}
        columns={[
          { title: "公示", dataIndex: "name", render: (v: string, r) => <Link to={`/public/results/${r.id}`}>{v}</Link> },
          { title: "评审委员会", dataIndex: "committee" },
          { title: "公示期", key: "p", render: (_: unknown, r) => `${r.from} 至 ${r.to}` },
        ]} />
    </Card>
  );
}
