// 证件照: one upload, normalised to the workflow's size (photo.server.ts); printed on the review form.
import { UserError } from "~/engine/errors";
import { receiveFile } from "~/utils/multipart.server";
import { storeFile } from "../../../file-storage.server";
import { formatBytes } from "../../../file-kinds";
import { defineStep, fileExists, saved } from "../kit.server";
import { normalisePhoto, photoMaxBytes, readLimited } from "./photo.server";
import reviewFormSchema from "./review-form.schema.json";

interface PhotoData { key: string; width: number; height: number; uploadedAt: string }

export default defineStep({
  kind: "photo",
  once: true,
  async view(ctx) {
    const o = ctx.options;
    const d = saved<PhotoData>(ctx);
    return { photo: d ? { url: `/files/${d.key}`, width: d.width, height: d.height } : null, limits: { maxSize: formatBytes(photoMaxBytes(o)), minWidth: o.minWidth, minHeight: o.minHeight, width: o.width, height: o.height } };
  },
  async upload(ctx, _params, request) {
    const o = ctx.options;
    const max = photoMaxBytes(o);
    const tooLarge = `证件照超过 ${formatBytes(max)}`;
    const input = await receiveFile(request, { maxFileBytes: max, tooLarge }, (f) => readLimited(f.data, max, tooLarge));
    const { jpeg, width, height } = await normalisePhoto(input, o);
    const stored = await storeFile(ctx.db, { ownerId: ctx.app.userId, filename: "证件照.jpg", spec: { accept: ["image/jpeg"], maxSize: jpeg.byteLength + 1 }, data: (async function* () { yield jpeg; })() });
    return { data: { key: stored.key, width, height, uploadedAt: new Date().toISOString() }, complete: false, message: "证件照已上传" };
  },
  async next(ctx) {
    const d = saved<PhotoData>(ctx);
    if (!d || !(await fileExists(ctx.db, d.key, ctx.app.userId))) throw new UserError("请先上传证件照", 422);
    return { complete: true };
  },
  async check(ctx) {
    const d = saved<PhotoData>(ctx);
    return d && (await fileExists(ctx.db, d.key, ctx.app.userId)) ? [] : ["证件照缺失，请重新上传"];
  },
  async summary(ctx) {
    const d = saved<PhotoData>(ctx);
    return d ? [{ type: "image", url: `/files/${d.key}`, alt: "证件照" }] : [];
  },
  reviewForm: {
    schema: reviewFormSchema,
    async data(ctx, [step]) {
      return { photo: step ? await ctx.print.image(saved<PhotoData>({ state: ctx.app.steps[step.id] })?.key, "image/jpeg") : null };
    },
  },
});
