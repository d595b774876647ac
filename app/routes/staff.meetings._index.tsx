// 评审会议: the meetings of the office's committees and 【新建评审会议】 (committee, date, 委员总数,
// 实到人数, optional title). A new meeting lists every application waiting at a vote stage of that
// committee (app/engine/workflow/meetings.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, Input, Select, Space, Typography } from "antd";
import { useState } from "react";
import { ListTable } from "~/components/list-table";
import { createMeeting, listMeetings } from "~/engine/workflow/meetings.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "评审会议 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  return json(await listMeetings(getDb(), user));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  return handleUserErrors(async () => {
    const r = await createMeeting(getDb(), user, await readBody(request));
    return redirect(`/staff/meetings/${r.id}?notice=created`);
  });
}

export default function Meetings() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ error?: string; fieldErrors?: Record<string, string> }>();
  const busy = useNavigation().state !== "idle";
  const [committee, setCommittee] = useState<number | undefined>(d.committees[0]?.value);
  return (
    <Card>
      <Typography.Title level={3}>评审会议</Typography.Title>
      <section aria-label="新建评审会议" style={{ marginBottom: 24 }}>
        <Typography.Title level={4}>新建评审会议</Typography.Title>
        <Typography.Paragraph type="secondary">新建后，该评审委员会当前处于评委会评审环节的申报将列入本次会议的表决名单。</Typography.Paragraph>
        {result?.error ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 12 }} /> : null}
        <Form method="post" aria-label="新建评审会议">
          <Space wrap align="end">
            <label>评审委员会<br />
              <Select aria-label="评审委员会" style={{ minWidth: 260 }} options={d.committees} value={committee} onChange={setCommittee} />
              <input type="hidden" name="committeeId" value={committee ?? ""} />
            </label>
            <label>会议日期<br /><Input type="date" name="meetingDate" aria-label="会议日期" required /></label>
            <label>委员总数<br /><Input type="number" name="membersTotal" aria-label="委员总数" min={1} max={999} required style={{ width: 110 }} /></label>
            <label>实到人数<br /><Input type="number" name="membersPresent" aria-label="实到人数" min={1} max={999} required style={{ width: 110 }} /></label>
            <label>会议名称（选填）<br /><Input name="title" aria-label="会议名称" maxLength={64} style={{ width: 240 }} /></label>
            <Button type="primary" htmlType="submit" loading={busy} disabled={!committee}>新建评审会议</Button>
          </Space>
        </Form>
      </section>
      <ListTable rowKey="id" dataSource={d.meetings} pagination={false} locale={{ emptyText: "暂无评审会议" }} scroll={{ x: 800 }}
        columns={[
          { title: "会议", dataIndex: "name", render: (v: string, r) => <Link to={`/staff/meetings/${r.id}`}>{v}</Link> },
          { title: "评审委员会", dataIndex: "committee" },
          { title: "会议日期", dataIndex: "meetingDate", width: 120 },
          { title: "实到人数", dataIndex: "membersPresent", width: 100 },
          { title: "已表决/名单", key: "n", width: 120, render: (_: unknown, r) => `${r.decided}/${r.total}` },
          { title: "通过", dataIndex: "passed", width: 80 },
          { title: "评审结果公示", key: "p", width: 200, render: (_: unknown, r) => (r.published ? `${r.published.from} 至 ${r.published.to}` : "未发布") },
        ]} />
    </Card>
  );
}
