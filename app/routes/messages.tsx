// 站内信: the messages the engine sent this user (app/engine/notifications), newest first, with
// the unread ones marked; each leads to the thing it is about. Only the user's own messages.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Button, Card, Empty, Pagination, Space, Tag, Typography } from "antd";
import { requireUser } from "~/engine/people/auth.server";
import { listInbox, markRead } from "~/engine/notifications/dispatch.server";
import { cnDate } from "~/engine/format-value";
import { getDb } from "~/utils/db.server";
import { readBody } from "~/utils/http.server";
import { dbId } from "~/utils/ints.server";
import { listParams } from "~/utils/pagination";
import { useListQuery } from "~/components/use-list-query";

export const meta: MetaFunction = () => [{ title: "站内信 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const p = listParams(url);
  const unreadOnly = url.searchParams.get("filter") === "unread";
  const { rows, total } = await listInbox(getDb(), user.id, { offset: p.offset, pageSize: p.pageSize, unreadOnly });
  return json({ rows, total, page: p.page, pageSize: p.pageSize, unreadOnly });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const body = await readBody(request).catch(() => ({}) as Record<string, unknown>);
  const all = body.id === "all";
  const id = all ? null : dbId(body.id);
  if (!all && id === null) return json({ error: "消息不存在" }, { status: 404 });
  const marked = await markRead(getDb(), user.id, id);
  // Another person's message (or one already read) is not there to mark.
  if (!all && marked === 0) return json({ error: "消息不存在或已读" }, { status: 404 });
  return json({ marked });
}

export default function Messages() {
  const { rows, total, page, pageSize, unreadOnly } = useLoaderData<typeof loader>();
  const go = useListQuery();
  const busy = useNavigation().state !== "idle";
  return (
    <Card>
      <Space wrap style={{ width: "100%", justifyContent: "space-between", marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>站内信</Typography.Title>
        <Space wrap>
          <Space.Compact aria-label="显示">
            <Button type={unreadOnly ? "default" : "primary"} aria-pressed={!unreadOnly} onClick={() => go({ filter: null, page: null })}>全部</Button>
            <Button type={unreadOnly ? "primary" : "default"} aria-pressed={unreadOnly} onClick={() => go({ filter: "unread", page: null })}>未读</Button>
          </Space.Compact>
          <Form method="post">
            <input type="hidden" name="id" value="all" />
            <Button htmlType="submit" loading={busy}>全部标为已读</Button>
          </Form>
        </Space>
      </Space>
      {rows.length ? (
        <ul className="message-list" aria-label="站内信列表">
          {rows.map((m) => (
            <li key={m.id} className={m.readAt ? "message read" : "message unread"}>
              <div className="message-head">
                {m.readAt ? null : <Tag color="red">未读</Tag>}
                <strong>{m.title}</strong>
                <span className="message-time">{cnDate(m.createdAt, true)}</span>
              </div>
              <p>{m.body}</p>
              <Space>
                {m.link ? <Link to={m.link}>查看</Link> : null}
                {m.readAt ? null : (
                  <Form method="post">
                    <input type="hidden" name="id" value={m.id} />
                    <Button size="small" type="link" htmlType="submit">标为已读</Button>
                  </Form>
                )}
              </Space>
            </li>
          ))}
        </ul>
      ) : (
        <Empty description={unreadOnly ? "没有未读的站内信" : "暂无站内信：业绩审核、申报审核和缴费等需要您处理的事项会在这里通知您"} />
      )}
      {total > pageSize ? (
        <Pagination current={page} pageSize={pageSize} total={total} showTotal={(n) => `共 ${n} 条`} onChange={(p, s) => go({ page: p, pageSize: s })} style={{ marginTop: 16 }} />
      ) : null}
    </Card>
  );
}
