import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, Col, Descriptions, Row, Typography } from "antd";
import { navFor } from "~/utils/nav.server";
import { requireApplicant } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { loadProfile, unitLabel } from "~/utils/profile.server";

export const meta: MetaFunction = () => [{ title: "个人中心 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const profile = await loadProfile(getDb(), user.id);
  return json({ features: navFor(user.role).filter((n) => n.to !== "/home"), name: user.displayName ?? user.username, unit: unitLabel(profile?.unit), formVersion: profile?.row.formVersion ?? null });
}

export default function Home() {
  const { name, unit, features } = useLoaderData<typeof loader>();
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
