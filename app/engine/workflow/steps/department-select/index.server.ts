// 受理评审委员会 / 受理部门: one of the plan's list (options.source), picked from a list or shown
// with 【变更受理部门】 (options.mode); stored on the application's column too.
import { UserError } from "~/engine/errors";
import { findDictionary, listDictionaries, rowModel, type DictionaryDefinition, type DictRow } from "~/engine/dictionaries.server";
import { refTarget, titleColumn } from "~/engine/definitions/kinds/dictionary.server";
import { SCOPE_KINDS } from "~/engine/people/roles";
import { defineStep, planLists, saved, type StepCtx } from "../kit.server";

const COLUMN = { committees: "committeeId", acceptanceDepartments: "acceptanceDepartmentId" } as const;

type Option = { id: number; label: string };

/**
 * The row the applicant's 工作单位 determines (a `preselect` ref column of the units dictionary),
 * else the one its 主管部门 (or any row the unit refers to) determines — when the plan lists it —
 * with the sentence that says why. Declared in the dictionaries; nothing here names a row.
 */
const targetOf = (ctx: StepCtx<"department-select">) => Object.values(SCOPE_KINDS).find((k) => k.input === ctx.options.source)?.dictionary;

/** Whether any dictionary declares a preselect column for the step's list (then the 工作单位 decides). */
async function preselectDeclared(ctx: StepCtx<"department-select">) {
  const target = targetOf(ctx);
  return (await listDictionaries(ctx.db)).some((d) => d.columns.some((c) => c.preselect && c.ref && refTarget(c.ref).dictionary === target));
}

async function suggestion(ctx: StepCtx<"department-select">, label: string, list: Option[]): Promise<{ id: number; reason: string } | null> {
  const target = targetOf(ctx);
  const units = await findDictionary(ctx.db, SCOPE_KINDS.unit.dictionary);
  if (!target || !units || !ctx.app.unitId) return null;
  const unit = await rowModel(ctx.db, units).findByPk(ctx.app.unitId);
  if (!unit) return null;
  const title = (d: DictionaryDefinition, row: DictRow) => String(row.get(titleColumn(d)) ?? "");
  const hit = (d: DictionaryDefinition, row: DictRow) => {
    for (const c of d.columns) {
      if (!c.preselect || !c.ref || refTarget(c.ref).dictionary !== target) continue;
      const found = list.find((x) => x.id === Number(row.get(c.name)));
      if (found) return found;
    }
    return null;
  };
  const own = hit(units, unit);
  const who = `您的${units.label}「${title(units, unit)}」`;
  if (own) return { id: own.id, reason: `根据${who}，${label}为${own.label}` };
  for (const via of units.columns) {
    if (via.type !== "ref" || !via.ref || unit.get(via.name) == null) continue;
    const d = await findDictionary(ctx.db, refTarget(via.ref).dictionary);
    if (!d || d.id === units.id || !d.columns.some((c) => c.preselect)) continue;
    const row = await rowModel(ctx.db, d).findByPk(Number(unit.get(via.name)));
    const found = row && hit(d, row);
    if (found) return { id: found.id, reason: `根据${who}的${via.label}「${title(d, row)}」，${label}为${found.label}` };
  }
  return null;
}

async function choices(ctx: StepCtx<"department-select">) {
  const o = ctx.options;
  const lists = await planLists(ctx.db, ctx.plan);
  const label = o.label ?? "受理部门";
  const list = lists.ids[o.source];
  const chosen = (saved<{ id: number }>(ctx)?.id ?? ctx.app[COLUMN[o.source]]) ?? null;
  const suggested = await suggestion(ctx, label, list);
  return { label, list, current: chosen ?? suggested?.id ?? null, suggested };
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
    const { list, current, suggested } = await choices(ctx);
    const o = ctx.options;
    const label = o.label ?? (o.source === "committees" ? "受理评审委员会" : "受理部门");
    const mode = o.mode ?? "select";
    // Why this one is preselected, or how to choose when the 工作单位 does not say.
    const hint = suggested && suggested.id === current ? { type: "info" as const, text: `${suggested.reason}。如不正确，请${mode === "change" ? "点击【变更受理部门】" : "重新"}选择。` }
      : current === null && list.length > 1 ? {
        type: "warning" as const,
        text: (await preselectDeclared(ctx))
          ? `未能根据您的工作单位确定${label}：请${mode === "change" ? "点击【变更受理部门】，" : ""}从本计划的 ${list.length} 个${label}中选择您工作单位的隶属关系和所在地区对应的一个。`
          : `请${mode === "change" ? "点击【变更受理部门】，" : ""}从本计划的 ${list.length} 个${label}中选择一个。`,
      }
      : null;
    return { label, mode, options: list, current, hint };
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
