// One application as staff read it (every step, snapshots in their own form versions, files, the
// pledge and the photo; the timeline) and, when it waits at a stage of their role in their scope,
// 通过 / 退回修改 (reason + the steps to reopen) / 不通过 (reason). Out of scope reads as missing.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Checkbox, Descriptions, Input, Radio, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { when } from "~/components/plan-view";
import { SummaryParts } from "~/components/wizard/summary-parts";
import { ApplicationTimeline } from "~/components/wizard/timeline";
import { ReviewFormButton, staffReviewFormHref } from "~/components/export-buttons";
import { PublicityInfo, PublicityPanel } from "~/components/publicity";
import { Notice } from "~/components/notice";
import { applicationSummary } from "~/engine/workflow/applications.server";
import { ACTION_LABEL, REVIEW_ACTIONS, stageOf, stateLabel, transition, type ReviewAction } from "~/engine/workflow/review-machine";
import { decideApplication, getForStaff, stageInScope, timeline, unlockableSteps } from "~/engine/workflow/review.server";
import { enterPublicityPeriod, publicityPanel, publicityTemplateFor, publicityViews, recordPublicityOutcome } from "~/engine/workflow/publicity.server";
import { requireMay } from "~/engine/people/auth.server";
import { paymentsForStaff } from "~/engine/payments/payments.server";
import { OfflinePaymentForm } from "~/components/payments";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { dbId } from "~/utils/ints.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `审核 ${data?.app.number ?? ""} - 申报审核` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMay(request, "applications");
  const db = getDb();
  const found = await getForStaff(db, user, dbId(params.id) ?? 0);
  if (!found) throw notFound("申报记录不存在或不在您的审核范围内");
  const { app, plan, workflow, scope } = found;
  const stage = stageOf(workflow, app.stage);
  // The decisions this reviewer may take here (a stage may offer fewer than all three).
  const decisions = REVIEW_ACTIONS.filter((a) => transition(workflow, app, a, user.role).ok);
  const canAct = !!stage && stage.kind === "review" && decisions.length > 0 && stageInScope(stage, scope, app);
  const summary = await applicationSummary(db, { app, plan, workflow });
  return json({
    app: { id: app.id, number: app.number, version: app.version, status: app.status, stateLabel: stateLabel(workflow, app), applicantName: app.applicantName, submittedAt: app.submittedAt ? new Date(app.submittedAt).toISOString() : null, returnReason: app.returnReason },
    plan: { name: plan.name }, workflow: { name: workflow.name },
    stage: stage ? { label: stage.label, opinionLabel: stage.opinionLabel ?? `${stage.label}意见` } : null,
    canAct, decisions,
    // A vote stage is decided by a meeting's counts: the page points there instead of buttons.
    votedAt: stage?.kind === "vote" && app.status === "submitted" && stageInScope(stage, scope, app) ? stage.label : null, unlockable: unlockableSteps(workflow, stageOf(workflow, app.stage)),
    sections: summary.sections, timeline: await timeline(db, workflow, app.id),
    payment: await paymentsForStaff(db, user, app.id),
    publicity: await publicityPanel(db, user, found), publicityViews: await publicityViews(db, workflow, app.id),
    publicityForm: publicityTemplateFor(workflow, scope, user, app) ? `/staff/applications/${app.id}/publicity-form.pdf` : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "applications");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const id = dbId(params.id) ?? 0;
    if (body.intent === "publicity-period") {
      await enterPublicityPeriod(getDb(), user, id, body);
      return redirect(`/staff/applications/${id}?notice=publicity-period`);
    }
    if (body.intent === "publicity-outcome") {
      await recordPublicityOutcome(getDb(), user, id, body);
      return redirect("/staff/applications?notice=publicity-ended");
    }
    await decideApplication(getDb(), user, dbId(params.id) ?? 0, body.action, body.comment, body.version, body.unlock);
    return redirect(`/staff/applications?notice=${body.action === "approve" ? "approved" : body.action === "return" ? "returned" : "rejected"}`);
  });
}

function DecisionPanel({ d }: { d: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const result = useActionData<{ error?: string }>();
  const [action, setAction] = useState<ReviewAction>(d.decisions[0] ?? "approve");
  const [comment, setComment] = useState("");
  const [unlock, setUnlock] = useState<string[]>(d.unlockable.map((s) => s.id));
  const needsReason = action !== "approve";
  return (
    <section aria-label="审核意见" style={{ marginTop: 24 }}>
      <Typography.Title level={4}>{d.stage?.opinionLabel}</Typography.Title>
      {result?.error ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 12 }} /> : null}
      <Space direction="vertical" style={{ width: "100%" }}>
        <Radio.Group value={action} onChange={(e) => setAction(e.target.value)} aria-label="审核结果">
          {d.decisions.map((a) => <Radio key={a} value={a}>{ACTION_LABEL[a]}</Radio>)}
        </Radio.Group>
        <Input.TextArea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} maxLength={500} showCount aria-label="审核意见"
          placeholder={needsReason ? `请填写${action === "return" ? "退回原因（申请人将看到）" : "不通过原因"}（必填）` : "审核意见（选填）"} />
        {action === "return" ? (
          <div>
            <Typography.Text>允许申请人修改的步骤：</Typography.Text>
            <Checkbox.Group value={unlock} onChange={(v) => setUnlock(v as string[])}>
              {d.unlockable.map((s) => <Checkbox key={s.id} value={s.id}>{s.title}</Checkbox>)}
            </Checkbox.Group>
          </div>
        ) : null}
        <Button type="primary" danger={action === "reject"} loading={busy} disabled={(needsReason && !comment.trim()) || (action === "return" && !unlock.length)}
          onClick={() => submit(JSON.stringify({ action, comment, version: d.app.version, unlock }), { method: "post", encType: "application/json" })}>
          {ACTION_LABEL[action]}
        </Button>
      </Space>
    </section>
  );
}

export default function StaffApplication() {
  const d = useLoaderData<typeof loader>();
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{d.app.applicantName} 的申报</Typography.Title>
        <Space wrap><ReviewFormButton href={staffReviewFormHref(d.app.id)} />{d.publicityForm ? <ReviewFormButton href={d.publicityForm} label="导出公示版评审表" /> : null}<Link to="/staff/applications">返回申报审核</Link></Space>
      </Space>
      <div style={{ height: 16 }} />
      <Notice />
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 24 }} items={[
        { key: "n", label: "申报编号", children: d.app.number },
        { key: "s", label: "当前状态", children: <Tag color="processing">{d.app.stateLabel}</Tag> },
        { key: "p", label: "申报计划", children: d.plan.name },
        { key: "t", label: "申报类型", children: d.workflow.name },
        { key: "at", label: "提交时间", children: d.app.submittedAt ? when(d.app.submittedAt) : "—" },
      ]} />
      {d.sections.map((s) => (
        <section key={s.id} aria-label={s.title} style={{ marginBottom: 20 }}>
          <Typography.Title level={5}>{s.title}</Typography.Title>
          <SummaryParts parts={s.parts} />
        </section>
      ))}
      <PublicityInfo views={d.publicityViews} />
      <ApplicationTimeline events={d.timeline} />
      {d.publicity ? <PublicityPanel p={d.publicity} version={d.app.version} unlockable={d.unlockable} /> : d.payment?.canMarkOffline ? (
        <section aria-label="线下缴费确认" style={{ marginTop: 24 }}>
          <Typography.Title level={4}>线下缴费确认</Typography.Title>
          <OfflinePaymentForm appId={d.app.id} feeFen={d.payment.feeFen} />
        </section>
      ) : d.canAct ? <DecisionPanel d={d} /> : d.votedAt ? (
        <Alert type="info" showIcon role="note" aria-label="表决" style={{ marginTop: 24 }}
          title={<>「{d.votedAt}」环节由评审会议表决决定，请在<Link to="/staff/meetings">【评审会议】</Link>中录入表决票数</>} />
      ) : <Alert type="info" showIcon style={{ marginTop: 24 }} title={`该申报当前状态为「${d.app.stateLabel}」，不在您的审核环节`} />}
    </Card>
  );
}
