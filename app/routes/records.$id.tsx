// One 申报记录, read-only: number, status and every step as submitted (snapshots with their own
// form versions). A draft goes back to the wizard.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Alert, Card, Descriptions, Space, Tag, Typography } from "antd";
import { ReviewFormButton } from "~/components/export-buttons";
import { Notice } from "~/components/notice";
import { PaymentSection } from "~/components/payments";
import { when } from "~/components/plan-view";
import { SummaryParts } from "~/components/wizard/summary-parts";
import { stateLabel } from "~/engine/workflow/review-machine";
import { timeline } from "~/engine/workflow/review.server";
import { publicityViews } from "~/engine/workflow/publicity.server";
import { PublicityInfo } from "~/components/publicity";
import { ApplicationTimeline } from "~/components/wizard/timeline";
import { paymentPanel } from "~/engine/payments/payments.server";
import { applicationSummary, loadOwn } from "~/engine/workflow/applications.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `申报记录 ${data?.app.number ?? ""} - 职称申报评审平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const l = await loadOwn(db, user.id, Number(params.id)).catch((e) => {
    if (e instanceof UserError) throw notFound("申报记录不存在或您无权查看");
    throw e;
  });
  if (l.app.status === "draft") throw redirect(`/apply/${l.app.id}`);
  const summary = await applicationSummary(db, l);
  return json({
    app: { id: l.app.id, number: l.app.number, status: l.app.status, statusLabel: stateLabel(l.workflow, l.app), returnReason: l.app.returnReason, submittedAt: l.app.submittedAt ? new Date(l.app.submittedAt).toISOString() : null },
    plan: { id: l.plan.id, name: l.plan.name }, workflow: { name: l.workflow.name },
    sections: summary.sections,
    timeline: await timeline(db, l.workflow, l.app.id),
    payment: await paymentPanel(db, l),
    publicity: await publicityViews(db, l.workflow, l.app.id),
  });
}

export default function Record() {
  const { app, plan, workflow, sections, payment, publicity, timeline: events } = useLoaderData<typeof loader>();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>申报记录</Typography.Title>
        <Space wrap><ReviewFormButton href={`/records/${app.id}/review-form.pdf`} /><Link to="/records">返回我的申报记录</Link></Space>
      </Space>
      <div style={{ height: 16 }} />
      <Notice />
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 24 }} items={[
        { key: "n", label: "申报编号", children: app.number },
        { key: "s", label: "状态", children: <Tag color="processing">{app.statusLabel}</Tag> },
        { key: "p", label: "申报计划", children: <Link to={`/plans/${plan.id}`}>{plan.name}</Link> },
        { key: "t", label: "申报类型", children: workflow.name },
        { key: "at", label: "提交时间", children: app.submittedAt ? when(app.submittedAt) : "—" },
      ]} />
      {app.status === "returned" ? (
        <Alert type="warning" showIcon role="status" style={{ marginBottom: 16 }} title="申报已被退回修改" description={<span>{app.returnReason ? `退回原因：${app.returnReason}。` : ""}<Link to={`/apply/${app.id}`}>按意见修改后重新提交</Link></span>} />
      ) : null}
      {payment ? <PaymentSection appId={app.id} payment={payment} /> : null}
      <PublicityInfo views={publicity} />
      {sections.map((s) => (
        <section key={s.id} aria-label={s.title} style={{ marginBottom: 20 }}>
          <Typography.Title level={5}>{s.title}</Typography.Title>
          <SummaryParts parts={s.parts} />
        </section>
      ))}
      <ApplicationTimeline events={events} />
    </Card>
  );
}
