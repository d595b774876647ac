// 上传附件: one slot per attachment requirement of the plan (accepted types, size, count).
import { Op } from "sequelize";
import type { PlanAttrs } from "../../../../../db/models";
import { UserError } from "~/engine/errors";
import { receiveFile } from "~/utils/multipart.server";
import { describeFiles, storeFile } from "../../../file-storage.server";
import { FILE_KINDS, formatBytes, type FileSpec } from "../../../file-kinds";
import { defineStep, saved, type StepCtx } from "../kit.server";

type Slots = Record<string, string[]>;
const MIME_OF: Record<string, string> = Object.fromEntries(Object.entries(FILE_KINDS).flatMap(([mime, k]) => k.extensions.map((e) => [e.slice(1), mime])));
function slotSpec(req: PlanAttrs["attachmentRequirements"][number]): FileSpec {
  return { accept: [...new Set(req.accept.map((e) => MIME_OF[e]).filter(Boolean))], maxSize: Math.round(req.maxSizeMb * 1024 * 1024) };
}
function slotIndex(ctx: StepCtx<"attachments">, raw: unknown) {
  const i = Number(raw);
  const req = ctx.plan.attachmentRequirements[i];
  if (!Number.isInteger(i) || !req) throw new UserError("附件项不存在", 404);
  return { i, req };
}
function slotProblems(ctx: StepCtx<"attachments">, slots: Slots) {
  return ctx.plan.attachmentRequirements.flatMap((r, i) => {
    const n = (slots[String(i)] ?? []).length;
    if (r.required && n === 0) return [`请上传“${r.name}”`];
    if (n > r.maxCount) return [`“${r.name}”最多 ${r.maxCount} 个文件`];
    return [];
  });
}

export default defineStep({
  kind: "attachments",
  once: true,
  async view(ctx) {
    const slots = saved<Slots>(ctx) ?? {};
    const files = await describeFiles(ctx.db, Object.values(slots).flat());
    return {
      slots: ctx.plan.attachmentRequirements.map((r, i) => ({
        index: i, name: r.name, required: r.required, accept: slotSpec(r).accept, acceptText: r.accept.join("、"), maxSize: formatBytes(slotSpec(r).maxSize), maxCount: r.maxCount,
        files: (slots[String(i)] ?? []).filter((k) => files[k]).map((k) => ({ key: k, ...files[k] })),
      })),
    };
  },
  async upload(ctx, params, request) {
    const { i, req } = slotIndex(ctx, params.get("slot"));
    const slots = { ...(saved<Slots>(ctx) ?? {}) };
    const list = slots[String(i)] ?? [];
    if (list.length >= req.maxCount) throw new UserError(`“${req.name}”最多上传 ${req.maxCount} 个文件`, 422);
    const spec = slotSpec(req);
    if (!spec.accept.length) throw new UserError(`“${req.name}”没有可上传的文件类型，请联系管理员`, 409);
    const stored = await receiveFile(request, { maxFileBytes: spec.maxSize, tooLarge: `文件超过 ${formatBytes(spec.maxSize)}` },
      (f) => storeFile(ctx.db, { ownerId: ctx.app.userId, filename: f.filename, data: f.data, spec }));
    slots[String(i)] = [...list, stored.key];
    return { data: slots, complete: false, message: `已上传“${stored.name}”` };
  },
  async act(ctx, intent, body) {
    if (intent !== "remove") throw new UserError("不支持的操作");
    const { i } = slotIndex(ctx, body.slot);
    const slots = { ...(saved<Slots>(ctx) ?? {}) };
    const list = slots[String(i)] ?? [];
    if (!list.includes(String(body.key))) throw new UserError("文件不存在", 404);
    slots[String(i)] = list.filter((k) => k !== body.key);
    return { data: slots, complete: false, message: "文件已移除" };
  },
  async next(ctx) {
    const slots = saved<Slots>(ctx) ?? {};
    const problems = slotProblems(ctx, slots);
    if (problems.length) throw new UserError(problems.join("；"), 422);
    return { data: slots, complete: true };
  },
  async check(ctx) {
    const slots = saved<Slots>(ctx) ?? {};
    const problems = slotProblems(ctx, slots);
    const keys = Object.values(slots).flat();
    const owned = await ctx.db.models.StoredFile.count({ where: { key: { [Op.in]: keys.length ? keys : ["-"] }, ownerId: ctx.app.userId } });
    if (owned !== keys.length) problems.push("部分附件已丢失，请重新上传");
    return problems;
  },
  async summary(ctx) {
    const slots = saved<Slots>(ctx) ?? {};
    const files = await describeFiles(ctx.db, Object.values(slots).flat());
    return [{ type: "files", slots: ctx.plan.attachmentRequirements.map((r, i) => ({ name: r.name, files: (slots[String(i)] ?? []).map((k) => ({ key: k, name: files[k]?.name ?? k })) })) }];
  },
});
