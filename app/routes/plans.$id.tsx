// One 申报计划: every section, and for an applicant the eligibility pre-check (which rules they
// meet, with the data each rule read) and 【马上申报】 (or 继续申报 when already started).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, List, Space, Tag, Typography } from "antd";
import { PlanSections, when } from "~/components/plan-view";
import { planRefs, planTypeOf, planView, precheck } from "~/engine/plans.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { may } from "~/engine/people/roles";
import { bodyId } from "~/utils/body-values";
import { forbidden, notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.plan.name ?? "申报计划"} - 职称申报评审平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Applicants, and administrators checking the plans they configured.
  if (user.role !== "applicant" && !may(user.role, "configuration")) throw forbidden();
  if (user.role === "applicant" && !user.profileCompleted) throw redirect("/profile");
  if (!/^\d{1,9}$/.test(params.id ?? "")) throw notFound("申报计划不存在");
  const db = getDb();
  const row = await db.models.Plan.findByPk(Number(params.id));
  if (!row) throw notFound("申报计划不存在");
  const plan = planView(row, await planRefs(db));
  const type = (await planTypeOf(db, row))!;
  const checks = user.role === "applicant" ? await precheck(db, user.id, row) : null;
  const found = user.role === "applicant" ? await db.models.Application.findOne({ where: { userId: user.id, planId: row.id }, attributes: ["id", "status"], raw: true }) : null;
  const mine = found ? { id: found.id, status: found.status } : null;
  const department = bodyId(new URL(request.url).searchParams.get("department"));
  return json({ plan, type: { label: type.label, applicationType: type.applicationType, acceptedBy: type.acceptedBy }, checks, mine, department, canApply: user.role === "applicant" });
}

export default function PlanDetail() {
  const { plan, type, checks, mine, department, canApply } = useLoaderData<typeof loader>();
  const failed = useActionData<{ error?: string }>();
  const busy = useNavigation().state !== "idle";
  const unmet = checks?.filter((c) => !c.met).length ?? 0;
  return (
    <Card>
      <Space style={{ marginBottom: 8 }}><Link to={`/plans?type=${type.applicationType}`}>← {type.label}</Link></Space>
      <Typography.Title level={3}>{plan.name}</Typography.Title>
      {plan.status === "upcoming" ? (
        <Alert type="info" showIcon role="status" title={`该计划尚未开始申报，申报时间：${when(plan.opensAt)} 至 ${when(plan.closesAt)}`} />
      ) : plan.status === "closed" ? (
        <Alert type="warning" showIcon role="status" title={`该计划已截止申报，申报时间：${when(plan.opensAt)} 至 ${when(plan.closesAt)}`} />
      ) : null}
      <PlanSections plan={plan} acceptedBy={type.acceptedBy} />
      {checks ? (
        <section aria-label="资格预检">
          <Typography.Title level={4} style={{ marginTop: 24 }}>资格预检</Typography.Title>
          {checks.length === 0 ? <Typography.Paragraph type="secondary">该计划没有可自动检查的资格规则，请对照上方“申报对象资格”自行确认。</Typography.Paragraph> : (
            <>
              <Alert type={unmet ? "warning" : "success"} showIcon style={{ marginBottom: 12 }}
                title={unmet ? `有 ${unmet} 项资格条件未满足（依据您的个人基本信息和已审核通过的业绩）` : "您满足全部资格条件"} />
              <List bordered dataSource={checks} renderItem={(c) => (
                <List.Item data-met={c.met ? "yes" : "no"}>
                  <Space direction="vertical" size={2}>
                    <Space>{c.met ? <Tag color="green">满足</Tag> : <Tag color="red">不满足</Tag>}<span>{c.label}</span></Space>
                    <Typography.Text type="secondary">
                      依据：{c.used.map((u) => `${u.label}：${u.text}`).join("；") || "—"}
                      {c.error ? `（规则无法计算：${c.error}）` : ""}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )} />
            </>
          )}
        </section>
      ) : null}
      <div style={{ marginTop: 24 }}>
        {failed?.error ? <Alert type="error" showIcon role="alert" title={failed.error} style={{ marginBottom: 12 }} /> : null}
        {mine ? (
          <Space>
            <Link to={mine.status === "draft" ? `/apply/${mine.id}` : `/records/${mine.id}`}><Button type="primary">{mine.status === "draft" ? "继续申报" : "查看申报记录"}</Button></Link>
            <Typography.Text type="secondary">您已{mine.status === "draft" ? "开始" : "提交"}本计划的申报</Typography.Text>
          </Space>
        ) : canApply && plan.status === "open" ? (
          <Form method="post" action="/apply">
            <input type="hidden" name="planId" value={plan.id} />
            {department ? <input type="hidden" name="departmentId" value={department} /> : null}
            <Button type="primary" htmlType="submit" loading={busy}>马上申报</Button>
            {unmet ? <Typography.Text type="warning" style={{ marginLeft: 12 }}>资格预检有未满足的条件，提交时将再次检查</Typography.Text> : null}
          </Form>
        ) : null}
      </div>
    </Card>
  );
}
