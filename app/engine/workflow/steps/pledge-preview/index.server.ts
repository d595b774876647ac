// 预览保证书: the pledge as it will print, with the signature of the pledge-sign step before it.
import { UserError } from "~/engine/errors";
import { pledgeHtml } from "../../pledge.server";
import { defineStep } from "../kit.server";
import { signatureOf } from "../pledge-sign/index.server";

export default defineStep({
  kind: "pledge-preview",
  rules(steps, all, at) {
    const sign = all.findIndex((s) => s.kind === "pledge-sign");
    return steps.some((p) => sign < 0 || all.indexOf(p) < sign) ? [`${at}pledge-preview 必须在 pledge-sign 之后`] : [];
  },
  async view(ctx) {
    return { html: await pledgeHtml(ctx.db, ctx.workflow, ctx.app, ctx.plan, signatureOf(ctx.app, ctx.workflow.steps)) };
  },
  async next(ctx) {
    if (!signatureOf(ctx.app, ctx.workflow.steps)) throw new UserError("保证书尚未签署", 422);
    return { data: { previewedAt: new Date().toISOString() }, complete: true };
  },
  async check(ctx) { return signatureOf(ctx.app, ctx.workflow.steps) ? [] : ["保证书尚未签署"]; },
  async summary(ctx) {
    return [{ type: "html", title: "真实性保证书", html: await pledgeHtml(ctx.db, ctx.workflow, ctx.app, ctx.plan, signatureOf(ctx.app, ctx.workflow.steps)) }];
  },
});
