// 申报须知: sections of the plan (options.sections) and the box the applicant must tick.
import { UserError } from "~/engine/errors";
import { planRefs, planView } from "../../../plans.server";
import { defineStep, saved, truthy } from "../kit.server";

const LABELS = { basicInfo: "基本信息", reviewNotes: "评审计划说明", applicantNotice: "申报须知", eligibilityText: "申报对象资格", attachmentRequirements: "附件要求" } as const;

export default defineStep({
  kind: "plan-notice",
  once: true,
  async view(ctx) {
    const plan = planView(ctx.plan, await planRefs(ctx.db));
    const sections = (ctx.options.sections ?? ["applicantNotice"]).map((k) => ({
      key: k, title: LABELS[k],
      html: k === "eligibilityText" || k === "attachmentRequirements" ? null : plan[k],
      text: k === "eligibilityText" ? plan.eligibilityText : null,
      attachments: k === "attachmentRequirements" ? plan.attachmentRequirements : null,
    }));
    return { sections, acknowledge: ctx.options.acknowledge ?? null, acknowledged: !!saved<{ acknowledgedAt: string }>(ctx)?.acknowledgedAt };
  },
  async next(ctx, body) {
    const ack = ctx.options.acknowledge;
    if (ack && !truthy(body.acknowledged)) throw new UserError(`请先阅读并勾选“${ack}”`, 422);
    return { data: { acknowledgedAt: new Date().toISOString() }, complete: true };
  },
  async check() { return []; },
  async summary(ctx) {
    const d = saved<{ acknowledgedAt: string }>(ctx);
    return [{ type: "text", items: [{ label: ctx.step.title, value: d ? "已阅读并确认" : "未确认" }] }];
  },
});
