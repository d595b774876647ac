// One 评审结果公示 (public, no login): during its period the passed applicants — 姓名, 工作单位,
// 系列, 级别, never an ID number or a mobile; after it "公示已结束" without names; never published
// or not yet begun → 404.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Alert, Card, Typography } from "antd";
import { ListTable } from "~/components/list-table";
import { publicResult } from "~/engine/workflow/meetings.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.ended ? "公示已结束" : data?.committee ?? ""}评审结果公示 - 职称申报评审平台` }];

export async function loader({ params }: LoaderFunctionArgs) {
  const r = await publicResult(getDb(), params.id);
  if (!r) throw notFound("该评审结果公示不存在");
  return json(r, { headers: { "Cache-Control": "no-store" } });
}

export default function PublicResult() {
  const d = useLoaderData<typeof loader>();
  return (
    <Card>
      <Typography.Title level={3}>{d.committee}评审结果公示</Typography.Title>
      <Typography.Paragraph>{d.name}，公示期：{d.from} 至 {d.to}</Typography.Paragraph>
      {d.ended ? <Alert type="info" showIcon role="status" title="公示已结束" /> : (
        <ListTable rowKey={(_, i) => String(i)} dataSource={d.rows} pagination={false} locale={{ emptyText: "无" }} scroll={{ x: 560 }}
          columns={[
            { title: "序号", key: "i", width: 70, render: (_: unknown, __, i) => i + 1 },
            { title: "姓名", dataIndex: "name" },
            { title: "工作单位", dataIndex: "unit" },
            { title: "系列", dataIndex: "series" },
            { title: "级别", dataIndex: "level" },
          ]} />
      )}
      <Typography.Paragraph style={{ marginTop: 16 }}><Link to="/public/results">返回评审结果公示</Link></Typography.Paragraph>
    </Card>
  );
}
