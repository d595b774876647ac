// 《专业技术资格申报材料真实性保证书》: the hand-off to a phone by a short-lived single-use token
// (only its sha256 is stored), the signature (a PNG drawn on a pad) and the pledge text rendered
// from the workflow's Handlebars template.
import crypto from "node:crypto";
import { Op } from "sequelize";
import sharp from "sharp";
import type { ApplicationAttrs, PlanAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { loadProfile } from "~/engine/people/profile.server";
import { fileDataUrl, storeFile } from "../file-storage.server";
import { renderTemplate } from "../templates.server";
import type { PledgeSignOptions, WorkflowDefinition } from "../definitions/types.generated";

export const MAX_SIGNATURE_BYTES = 400 * 1024;
const DEFAULT_TOKEN_MINUTES = 10;

export interface Signature { key: string; signedAt: string; ip: string | null; userAgent: string | null; via: "phone" | "desktop" }

const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** A fresh QR token for the pledge step; older unused tokens of the application stop working. */
export async function issueToken(db: Db, app: ApplicationAttrs, stepId: string, o: PledgeSignOptions | undefined, now = new Date()) {
  const token = crypto.randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + (o?.tokenMinutes ?? DEFAULT_TOKEN_MINUTES) * 60_000);
  await db.sequelize.transaction(async (t) => {
    await db.models.PledgeToken.destroy({ where: { applicationId: app.id, usedAt: null }, transaction: t });
    await db.models.PledgeToken.create({ tokenHash: sha(token), applicationId: app.id, stepId, userId: app.userId, expiresAt }, { transaction: t });
  });
  return { token, expiresAt };
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,64}$/;

/** The token row if it can still be used; otherwise a UserError with what the phone should say. */
export async function usableToken(db: Db, token: string, now = new Date()) {
  const row = TOKEN_PATTERN.test(token) ? await db.models.PledgeToken.findOne({ where: { tokenHash: sha(token) }, raw: true }) : null;
  if (!row) throw new UserError("二维码无效或已被新的二维码取代，请在电脑上刷新签署页面后重新扫码", 404);
  if (row.usedAt) throw new UserError("该二维码已使用过，保证书已签署。如需重新签署，请在电脑上刷新页面获取新的二维码", 410);
  if (new Date(row.expiresAt) <= now) throw new UserError("二维码已过期，请在电脑上刷新签署页面获取新的二维码", 410);
  return row;
}

/** Marks the token used; false when another request used it first. */
export async function consumeToken(db: Db, tokenId: number, t: unknown, now = new Date()) {
  const [n] = await db.models.PledgeToken.update({ usedAt: now }, { where: { id: tokenId, usedAt: null, expiresAt: { [Op.gt]: now } }, transaction: t as never });
  return n === 1;
}

/** Checks and stores a drawn signature (a PNG data URL from the pad) as the applicant's file. */
export async function storeSignature(db: Db, ownerId: number, dataUrl: unknown): Promise<string> {
  const m = typeof dataUrl === "string" ? /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl) : null;
  if (!m) throw new UserError("请先在签名区域手写签名");
  const png = Buffer.from(m[1], "base64");
  if (png.byteLength > MAX_SIGNATURE_BYTES) throw new UserError("签名图片过大，请清除后重新签名", 413);
  let stats: sharp.Stats;
  try {
    const meta = await sharp(png, { limitInputPixels: 4_000_000 }).metadata();
    if (meta.format !== "png" || !meta.width || !meta.height || meta.width > 2000 || meta.height > 1000) throw new Error("size");
    stats = await sharp(png).stats();
  } catch {
    throw new UserError("签名图片无法识别，请清除后重新签名", 415);
  }
  // A blank pad is fully transparent (or one flat colour): refuse it rather than store an empty signature.
  const alpha = stats.channels[3];
  if (stats.isOpaque ? stats.channels.every((c) => c.stdev < 1) : !alpha || alpha.max === 0) throw new UserError("签名为空，请在签名区域手写签名");
  const stored = await storeFile(db, {
    ownerId, filename: "签名.png", spec: { accept: ["image/png"], maxSize: MAX_SIGNATURE_BYTES },
    data: (async function* () { yield png; })(),
  });
  return stored.key;
}

/** The pledge as HTML (the workflow's template: the version pinned at submission, the latest for a
 * draft), with the signature image when signed. */
export async function pledgeHtml(db: Db, workflow: WorkflowDefinition, app: ApplicationAttrs, plan: PlanAttrs, signature: Signature | null) {
  const loaded = await loadProfile(db, app.userId);
  const p = (loaded?.row.data ?? {}) as Record<string, unknown>;
  const series = await db.models.TitleSeries.findByPk(plan.titleSeriesId, { attributes: ["name"] });
  const id = workflow.templates.pledge;
  return renderTemplate(db, id, {
    applicant: { name: p.name ?? "", idNumber: p.idNumber ?? "", unit: loaded?.unit?.name ?? "" },
    plan: { name: plan.name, titleSeries: series?.name ?? "", titleLevel: plan.titleLevel, year: plan.year },
    signature: signature ? { image: await fileDataUrl(signature.key, "image/png"), signedAt: signature.signedAt } : null,
  }, app.templateVersions?.[id]);
}
