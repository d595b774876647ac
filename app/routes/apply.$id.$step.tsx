// /apply/:id/:step — one wizard step. The loader refuses (redirects away from) a step whose
// predecessors are incomplete; the action saves and validates the step (【下一步】), runs its own
// actions (upload, 提取/忽略, sign, 变更受理部门) or submits (【提交】). Everything is decided by the
// engine from the application's workflow version.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card } from "antd";
import { WizardPage } from "~/components/wizard/wizard-page";
import { editableSteps, loadOwn, postStep, resumeStep, stepOf, stepStatuses, stepView, submitApplication, uploadToStep } from "~/engine/workflow/applications.server";
import { stageOf } from "~/engine/workflow/review-machine";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { discardBody } from "~/utils/multipart.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.step.title ?? "申报"} - ${data?.workflow.name ?? "在线申报"}` }];

async function loadOrNotFound(userId: number, id: string | undefined) {
  try {
    return await loadOwn(getDb(), userId, Number(id));
  } catch (e) {
    if (e instanceof UserError) throw notFound("申报记录不存在或您无权查看");
    throw e;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const l = await loadOrNotFound(user.id, params.id);
  if (l.app.status !== "draft" && l.app.status !== "returned") throw redirect(`/records/${l.app.id}`);
  // A returned application opens only the steps the reviewer unlocked (and 检查并提交).
  const editable = editableSteps(l.workflow, l.app);
  const steps = stepStatuses(l.workflow, l.app).map((s) => ({ ...s, open: s.open && editable.includes(s.id) }));
  const here = steps.find((s) => s.id === params.step);
  if (!here) throw notFound("申报步骤不存在");
  if (!here.open) throw redirect(`/apply/${l.app.id}/${resumeStep(l.workflow, l.app).id}?blocked=${encodeURIComponent(here.title)}`);
  const step = l.workflow.steps.find((s) => s.id === here.id)!;
  return json({
    app: { id: l.app.id, version: l.app.version },
    plan: { id: l.plan.id, name: l.plan.name },
    workflow: { id: l.workflow.id, name: l.workflow.name },
    steps,
    step: { id: step.id, kind: step.kind, title: step.title, hint: step.hint ?? null },
    // kind + view: the view's type is the one of the step's kind.
    ...(await stepView(getDb(), l, step.id)),
    blocked: new URL(request.url).searchParams.get("blocked"),
    returned: l.app.status === "returned" ? { reason: l.app.returnReason, by: stageOf(l.workflow, l.app.stage)?.label ?? "审核" } : null,
  }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  return handleUserErrors(async () => {
    const l = await loadOwn(db, user.id, Number(params.id)).catch((e) => {
      if (e instanceof UserError) throw new UserError("申报记录不存在或您无权查看", 404);
      throw e;
    });
    const stepId = params.step ?? "";
    const url = new URL(request.url);
    if (/^multipart\/form-data/i.test(request.headers.get("Content-Type") ?? "")) {
      try {
        const r = await uploadToStep(db, l, stepId, url.searchParams, request);
        return json({ ok: true as const, message: r.message ?? "已上传" });
      } catch (e) {
        discardBody(request);
        throw e;
      }
    }
    const body = await readBody(request);
    const intent = typeof body.intent === "string" ? body.intent : "next";
    stepOf(l, stepId);
    if (intent === "submit") {
      if (l.workflow.steps[l.workflow.steps.length - 1].id !== stepId) throw new UserError("请在“检查并提交”步骤提交申报", 409);
      const r = await submitApplication(db, user.id, l.app.id, body.version);
      // A replayed submit of an application already decided just shows it.
      return redirect(r.final ? `/records/${l.app.id}` : `/records/${l.app.id}?notice=submitted`);
    }
    const r = await postStep(db, l, stepId, intent, body, { request, ip: (context as { ip?: string | null }).ip ?? null });
    const index = l.workflow.steps.findIndex((s) => s.id === stepId);
    if (intent === "next") return redirect(`/apply/${l.app.id}/${l.workflow.steps[index + 1]?.id ?? stepId}`);
    const goto = typeof body.goto === "string" ? l.workflow.steps.find((s) => s.id === body.goto) : undefined;
    if (goto) return redirect(`/apply/${l.app.id}/${goto.id}`);
    return json({ ok: true as const, message: r.message ?? "已保存" });
  });
}

export default function ApplyStep() {
  const data = useLoaderData<typeof loader>();
  return (
    <Card>
      <WizardPage {...data} />
    </Card>
  );
}
