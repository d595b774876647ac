// 受理评审委员会 / 受理部门: one of the plan's list (options.source), picked from a list or shown
// with 【变更受理部门】 (options.mode); stored on the application's column too.
import { UserError } from "~/engine/errors";
import { defineStep, planLists, saved, type StepCtx } from "../kit.server";

const COLUMN = { committees: "committeeId", acceptanceDepartments: "acceptanceDepartmentId" } as const;

async function choices(ctx: StepCtx<"department-select">) {
  const o = ctx.options;
  const lists = await planLists(ctx.db, ctx.plan);
  return { label: o.label ?? "受理部门", list: lists.ids[o.source], current: (saved<{ id: number }>(ctx)?.id ?? ctx.app[COLUMN[o.source]]) ?? null };
}
function pick(list: { id: number; label: string }[], raw: unknown, label: string) {
  const id = Number(raw);
  if (!Number.isInteger(id) || !list.some((x) => x.id === id)) throw new UserError(`请从本计划的${label}中选择`, 422);
  return id;
}

export default defineStep({
  kind: "department-select",
  rules(steps, _all, at) {
    const sources = steps.flatMap((s) => (s.options ? [s.options.source] : []));
    return new Set(sources).size !== sources.length ? [`${at}同一受理对象（${sources.join("、")}）只能选择一次`] : [];
  },
  async view(ctx) {
    const { list, current } = await choices(ctx);
    const o = ctx.options;
    return { label: o.label ?? (o.source === "committees" ? "受理评审委员会" : "受理部门"), mode: o.mode ?? "select", options: list, current };
  },
  async act(ctx, intent, body) {
    // 【变更受理部门】 → choose → 【确定】: stored at once, the step still to be confirmed.
    if (intent !== "change") throw new UserError("不支持的操作");
    const { label, list } = await choices(ctx);
    const id = pick(list, body.id, label);
    return { data: { id }, complete: false, columns: { [COLUMN[ctx.options.source]]: id }, message: `${label}已变更` };
  },
  async next(ctx, body) {
    const { label, list, current } = await choices(ctx);
    const id = pick(list, body.id ?? current, label);
    return { data: { id }, complete: true, columns: { [COLUMN[ctx.options.source]]: id } };
  },
  async check(ctx) {
    const { label, list, current } = await choices(ctx);
    return list.some((x) => x.id === current) ? [] : [`所选${label}已不在本计划中，请重新选择`];
  },
  async summary(ctx) {
    const { label, list, current } = await choices(ctx);
    return [{ type: "text", items: [{ label, value: list.find((x) => x.id === current)?.label ?? "未选择" }] }];
  },
});
