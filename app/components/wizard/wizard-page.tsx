// The wizard page: the step bar, the current step's body (one component per step kind, from the
// generated registry of app/components/wizard/steps/) and the returned/blocked notices. What a step
// shows comes from its loader view, typed by its kind; every button posts to the step's action,
// which the engine validates.
import { Link, useNavigate } from "@remix-run/react";
import { Alert, Space, Steps, Typography } from "antd";
import { createElement, useMemo } from "react";
import type { StepKind } from "~/engine/definitions/types.generated";
import { STEP_BODIES } from "./steps/registry.generated";
import type { ClientPage, StepBodies, StepInfo, WizardFrame } from "./kit";

export type WizardProps = ClientPage & {
  app: { id: number; version: number };
  plan: { id: number; name: string };
  workflow: { id: string; name: string };
  steps: StepInfo[];
  step: { id: string; kind: string; title: string; hint: string | null };
  blocked: string | null;
  returned?: { reason: string | null; by: string } | null;
};

const BODIES: StepBodies = STEP_BODIES;

/** The body of the page's kind, with the view of that kind. */
function body<K extends StepKind>(page: ClientPage<K>, frame: WizardFrame) {
  return createElement(BODIES[page.kind], { key: `${frame.step.id}:${frame.app.version}`, ctx: { ...frame, view: page.view } });
}

export function WizardPage(props: WizardProps) {
  const navigate = useNavigate();
  const index = props.steps.findIndex((s) => s.id === props.step.id);
  const frame: WizardFrame = useMemo(() => ({ app: props.app, step: props.step, steps: props.steps, prev: props.steps[index - 1] ?? null, next: props.steps[index + 1] ?? null, base: `/apply/${props.app.id}` }), [props, index]);
  return (
    <div className="wizard">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>{props.workflow.name}</Typography.Title>
          <Typography.Text type="secondary">{props.plan.name}</Typography.Text>
        </div>
        <Link to="/records">我的申报记录</Link>
      </Space>
      <nav aria-label="申报步骤" style={{ margin: "20px 0" }}>
        <Steps size="small" current={index} onChange={(i) => { const s = props.steps[i]; if (s.open) navigate(`/apply/${props.app.id}/${s.id}`); }}
          items={props.steps.map((s, i) => ({ title: s.title, disabled: !s.open, status: i === index ? "process" : s.complete ? "finish" : "wait" }))} />
      </nav>
      {props.returned ? <Alert type="warning" showIcon role="status" style={{ marginBottom: 16 }} title={`申报已被「${props.returned.by}」退回修改，请修改标亮可点击的步骤后在“${props.steps[props.steps.length - 1].title}”重新提交`} description={props.returned.reason ? `退回原因：${props.returned.reason}` : undefined} /> : null}
      {props.blocked ? <Alert type="warning" showIcon role="alert" title={`请先完成前面的步骤，才能进入「${props.blocked}」`} style={{ marginBottom: 16 }} /> : null}
      <Typography.Title level={4}>{props.step.title}</Typography.Title>
      {props.step.hint ? <Typography.Paragraph type="secondary">{props.step.hint}</Typography.Paragraph> : null}
      {/* The version keys the body: after any change the step re-reads its view from scratch. */}
      {body(props, frame)}
    </div>
  );
}
