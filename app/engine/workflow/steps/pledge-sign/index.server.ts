// 扫码签署保证书: a QR hand-off to the phone page (or signing on screen); the signature prints on
// the pledge and the review form.
import QRCode from "qrcode";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { cnDate } from "../../../templates.server";
import type { StepDef } from "../../../definitions/types.generated";
import type { ApplicationAttrs } from "../../../../../db/models";
import { issueToken, pledgeHtml, storeSignature, type Signature } from "../../pledge.server";
import { defineStep, fileExists, saved } from "../kit.server";
import reviewFormSchema from "./review-form.schema.json";

/** The signature of the workflow's pledge step (the given one, else the first of this kind), once signed. */
export function signatureOf(app: ApplicationAttrs, steps: StepDef[], stepId?: string): Signature | null {
  const id = stepId ?? steps.find((s) => s.kind === "pledge-sign")?.id;
  const st = id ? app.steps[id] : undefined;
  return st?.completedAt ? saved<Signature>({ state: st }) : null;
}

export default defineStep({
  kind: "pledge-sign",
  once: true,
  async view(ctx) {
    const o = ctx.options;
    const signed = signatureOf(ctx.app, ctx.workflow.steps, ctx.step.id);
    // The QR code is issued while unsigned only: a signed pledge needs no hand-off.
    const issued = signed ? null : await issueToken(ctx.db, ctx.app, ctx.step.id, o);
    // The phone opens this link from the QR code: an absolute URL on PUBLIC_ORIGIN.
    const signUrl = issued ? `${getEnv().publicOrigin}/sign/${issued.token}` : null;
    return {
      signed: signed ? { signedAt: signed.signedAt, via: signed.via } : null,
      signUrl,
      qr: signUrl ? await QRCode.toDataURL(signUrl, { errorCorrectionLevel: "M", margin: 1, width: 220 }) : null,
      expiresAt: issued?.expiresAt.toISOString() ?? null,
      allowDesktop: o.allowDesktop !== false,
      pledgeHtml: await pledgeHtml(ctx.db, ctx.workflow, ctx.app, ctx.plan, null),
    };
  },
  async act(ctx, intent, body, extra) {
    if (intent !== "sign") throw new UserError("不支持的操作");
    if (ctx.options.allowDesktop === false) throw new UserError("请使用手机扫码签署");
    const key = await storeSignature(ctx.db, ctx.app.userId, body.signature);
    const sig: Signature = { key, signedAt: new Date().toISOString(), ip: extra.ip, userAgent: extra.request.headers.get("user-agent")?.slice(0, 300) ?? null, via: "desktop" };
    return { data: sig, complete: true, message: "保证书已签署" };
  },
  async next(ctx) {
    if (!signatureOf(ctx.app, ctx.workflow.steps, ctx.step.id)) throw new UserError("请先签署《专业技术资格申报材料真实性保证书》", 422);
    return { complete: true };
  },
  async check(ctx) {
    const s = signatureOf(ctx.app, ctx.workflow.steps, ctx.step.id);
    return s && (await fileExists(ctx.db, s.key, ctx.app.userId)) ? [] : ["保证书尚未签署"];
  },
  async summary(ctx) {
    const s = signatureOf(ctx.app, ctx.workflow.steps, ctx.step.id);
    return [{ type: "text", items: [{ label: "保证书", value: s ? `已签署（${s.via === "phone" ? "手机扫码" : "本机"}签署，${cnDate(s.signedAt, true)}）` : "未签署" }] }];
  },
  reviewForm: {
    schema: reviewFormSchema,
    async data(ctx, [step]) {
      // As printed before step kinds were folders: the step's data, signed or not.
      const sig = step ? saved<Partial<Signature>>({ state: ctx.app.steps[step.id] }) : null;
      return { signature: sig?.key ? { image: await ctx.print.image(sig.key, "image/png"), signedAt: sig.signedAt ?? null } : null };
    },
  },
});
