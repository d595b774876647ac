import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, Card, Descriptions, Empty, Tag, Typography } from "antd";
import { reviewQueue } from "~/engine/archive.server";
import { reviewQueue as reviewApplications } from "~/engine/workflow/review.server";
import { loadReviewerScope } from "~/engine/people/scope.server";
import { registrationQueue } from "~/engine/identity/unit-registration.server";
import { requireStaff } from "~/engine/people/auth.server";
import { may, roleLabel, SCOPE_KINDS } from "~/engine/people/roles";
import { getDb } from "~/utils/db.server";
import { loadScopes } from "~/engine/people/users.server";

export const meta: MetaFunction = () => [{ title: "工作台 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireStaff(request);
  const db = getDb();
  const scopes = await loadScopes(db, user.id);
  const queues: { label: string; to: string; count: number }[] = [];
  if (may(user.role, "entries")) {
    const { total } = await reviewQueue(db, await loadReviewerScope(db, user), { offset: 0, pageSize: 1 });
    queues.push({ label: "待审核业绩", to: "/review/entries", count: total });
  }
  const pending = await reviewApplications(db, user, { view: "todo", offset: 0, pageSize: 1 });
  queues.push({ label: "待我审核的申报", to: "/staff/applications", count: pending.total });
  if (may(user.role, "unit-registrations")) {
    const { total } = await registrationQueue(db, user, { status: "pending", q: "", offset: 0, pageSize: 1 });
    queues.push({ label: "待审核的单位注册", to: "/review/units", count: total });
  }
  return json({ role: roleLabel(user.role), name: user.displayName ?? user.username, scopes: scopes.map((s) => ({ ...s, kindLabel: SCOPE_KINDS[s.kind].label })), queues });
}

export default function StaffHome() {
  const { role, name, scopes, queues } = useLoaderData<typeof loader>();
  return (
    <>
      <Card>
        <Typography.Title level={3}>工作台</Typography.Title>
        <Descriptions column={1} bordered size="small">
          <Descriptions.Item label="姓名">{name}</Descriptions.Item>
          <Descriptions.Item label="角色">{role}</Descriptions.Item>
          <Descriptions.Item label="管辖范围">
            {scopes.length ? scopes.map((s) => <Tag key={`${s.kind}-${s.refId}`}>{s.kindLabel}：{s.label}</Tag>) : "未设置（请联系系统管理员）"}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title="待办事项" style={{ marginTop: 16 }}>
        {queues.some((q) => q.count > 0) ? (
          <ul className="queue-list">
            {queues.map((q) => (
              <li key={q.to}>
                <Link to={q.to}>{q.label}</Link> <Badge count={q.count} showZero overflowCount={9999} />
              </li>
            ))}
          </ul>
        ) : (
          <Empty description="暂无待处理事项" />
        )}
      </Card>
    </>
  );
}
