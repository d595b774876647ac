import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, Col, Descriptions, List, Row, Space, Tag, Typography } from "antd";
import { listOwnApplications } from "~/engine/workflow/applications.server";
import { stageOf, stateLabel } from "~/engine/workflow/review-machine";
import { navFor } from "~/engine/people/nav.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { loadProfile, unitLabel } from "~/engine/people/profile.server";

export const meta: MetaFunction = () => [{ title: "个人中心 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const profile = await loadProfile(db, user.id);
  // The latest applications and what each needs from the applicant now.
  const recent = (await listOwnApplications(db, user.id, { offset: 0, pageSize: 3 })).rows.map(({ app, plan, workflow, resume }) => {
    const stage = workflow ? stageOf(workflow, app.stage) : null;
    const todo = app.status === "draft" ? { to: `/apply/${app.id}`, label: `继续申报（${resume?.title ?? ""}）` }
      : app.status === "returned" ? { to: `/apply/${app.id}`, label: "按退回意见修改" }
        : app.status === "submitted" && stage?.kind === "payment" ? { to: `/records/${app.id}`, label: "马上支付" } : null;
    return { id: app.id, planName: plan?.name ?? "", state: workflow ? stateLabel(workflow, app) : app.status, todo };
  });
  return json({ features: (await navFor(db, user.role)).filter((n) => n.to !== "/home"), name: user.displayName ?? user.username, unit: unitLabel(profile?.unit), formVersion: profile?.row.formVersion ?? null, recent });
}

export default function Home() {
  const { name, unit, features, recent } = useLoaderData<typeof loader>();
  return (
    <>
      <Card>
        <Typography.Title level={3}>个人中心</Typography.Title>
        <Descriptions column={{ xs: 1, sm: 2 }} bordered size="small">
          <Descriptions.Item label="姓名">{name}</Descriptions.Item>
          <Descriptions.Item label="工作单位">{unit?.name ?? "未填写"}</Descriptions.Item>
          <Descriptions.Item label="隶属关系">{unit?.affiliation ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="主管部门">{unit?.department ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
      {recent.length ? (
        <Card title="我的申报" extra={<Link to="/records">全部申报记录</Link>} style={{ marginTop: 16 }}>
          <List dataSource={recent} renderItem={(r) => (
            <List.Item actions={r.todo ? [<Link key="todo" to={r.todo.to}>{r.todo.label}</Link>] : [<Link key="view" to={`/records/${r.id}`}>查看</Link>]}>
              <Space wrap><span>{r.planName}</span><Tag>{r.state}</Tag></Space>
            </List.Item>
          )} />
        </Card>
      ) : null}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        {features.map((f) => (
          <Col xs={24} sm={12} md={8} key={f.to}>
            <Link to={f.to}>
              <Card hoverable>
                <Typography.Title level={5} style={{ margin: 0 }}>{f.label}</Typography.Title>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </>
  );
}
