// 申报信息: a form (options.form, the version bound when the application started), prefilled from
// the profile and the plan, with fields limited to the plan's lists (options.planChoices).
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { loadProfile } from "~/engine/people/profile.server";
import { getForm, validateDraft, validateRecord, type ValidationResult } from "../../../form-registry.server";
import { dictionaryLabelsFor } from "../../../dictionaries.server";
import type { JsonSchema } from "../../../json-schema";
import { defineStep, planLists, saved, type StepCtx } from "../kit.server";
import reviewFormSchema from "./review-form.schema.json";

type Ctx = StepCtx<"form">;

async function boundForm(db: Db, formId: string, bound: Record<string, number>) {
  const form = await getForm(db, formId, bound[formId]);
  if (!form) throw new UserError("申报信息表单缺失，请联系管理员", 409);
  return form;
}

/** The form's schema with each planChoices field limited to the plan's list (an enum). */
async function formForPlan(ctx: Ctx) {
  const form = await boundForm(ctx.db, ctx.options.form, ctx.app.formVersions);
  const lists = await planLists(ctx.db, ctx.plan);
  const schema = structuredClone(form.schema);
  const choices: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(ctx.options.planChoices ?? {})) {
    choices[field] = lists[list];
    if (schema.properties[field] && choices[field].length) schema.properties[field] = { ...schema.properties[field], enum: choices[field] };
  }
  return { form, schema, choices, lists };
}

async function prefill(ctx: Ctx, lists: Awaited<ReturnType<typeof planLists>>) {
  const profile = await loadProfile(ctx.db, ctx.app.userId);
  const p: Record<string, unknown> = profile?.row.data ?? {};
  const planValues: Record<string, unknown> = { name: ctx.plan.name, year: ctx.plan.year, titleSeries: lists.view.titleSeries, titleLevel: ctx.plan.titleLevel, recognitionType: ctx.plan.recognitionType, planType: ctx.plan.planType };
  const out: Record<string, unknown> = {};
  for (const [field, from] of Object.entries(ctx.options.prefill ?? {})) {
    const v = from.startsWith("profile.") ? p[from.slice(8)] : planValues[from.slice(5)];
    if (v !== undefined && v !== null && v !== "") out[field] = v;
  }
  return out;
}

/** Validation of a form step's data: the bound form version, then the plan's lists. A draft
 * (`draft`: 【上一步】) may miss values, but what it holds must be valid (validateDraft). */
async function validateFormStep(ctx: Ctx, data: unknown, opts: { draft?: boolean } = {}): Promise<ValidationResult> {
  const { form, choices } = await formForPlan(ctx);
  const r = opts.draft ? validateDraft(form, data ?? {}) : await validateRecord(ctx.db, form, data ?? {}, { ownerId: ctx.app.userId });
  if (!r.ok) return r;
  const errors: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(choices)) {
    const v = r.data[field];
    if (v !== undefined && !(typeof v === "string" && list.includes(v))) errors[field] = [list.length ? "请从本计划的可选项中选择" : "本计划没有可选项，请联系管理员"];
  }
  return Object.keys(errors).length ? { ok: false as const, fieldErrors: errors } : r;
}

function formData(body: Record<string, unknown>): Record<string, unknown> {
  let data = body.data;
  if (typeof data === "string") {
    try { data = JSON.parse(data); } catch { throw new UserError("提交的数据格式不正确"); }
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new UserError("提交的数据格式不正确");
  return { ...data };
}

export default defineStep({
  kind: "form",
  forms: (o) => [o.form],
  references(step, catalog, at) {
    const out: string[] = [];
    const o = step.options;
    if (!o) return out;
    const form = catalog.forms.get(o.form);
    if (!form) return [`${at} 引用的表单 ${o.form} 不存在`];
    if (form.kind !== "application") out.push(`${at} 引用的表单 ${o.form} 不是申报信息表单（kind 应为 application）`);
    const fields: Record<string, JsonSchema> = form.schema.properties ?? {};
    for (const [field, from] of Object.entries(o.prefill ?? {})) {
      if (!fields[field]) out.push(`${at} prefill 的字段「${field}」不在表单 ${o.form} 中`);
      if (from.startsWith("profile.") && !catalog.profileFields.has(from.slice(8))) out.push(`${at} prefill 的来源「${from}」不是个人基本信息的字段`);
    }
    for (const field of Object.keys(o.planChoices ?? {})) {
      if (fields[field]?.type !== "string") out.push(`${at} planChoices 的字段「${field}」不是表单 ${o.form} 的文本字段`);
    }
    return out;
  },
  async view(ctx) {
    const { form, schema, lists } = await formForPlan(ctx);
    const d = saved<Record<string, unknown>>(ctx);
    return { form: { id: form.id, version: form.version, title: form.title, schema, uiSchema: form.uiSchema }, formData: d ?? (await prefill(ctx, lists)), prefilled: !d };
  },
  async next(ctx, body) {
    const r = await validateFormStep(ctx, formData(body));
    if (!r.ok) throw new UserError("请按提示修改后再继续", 422, r.fieldErrors);
    return { data: r.data, complete: true };
  },
  async act(ctx, intent, body) {
    // 【上一步】 keeps what was typed (it may be incomplete); it completes the step only when it is valid.
    if (intent !== "save") throw new UserError("不支持的操作");
    const data = formData(body);
    // Stored only when what it holds is of the form's shape: the step's data reaches the summary
    // and the printed review form.
    const draft = await validateFormStep(ctx, data, { draft: true });
    if (!draft.ok) throw new UserError("填写的内容有误，请按提示修改后再保存", 422, draft.fieldErrors);
    const r = await validateFormStep(ctx, data);
    return { data, complete: r.ok };
  },
  async check(ctx) {
    const r = await validateFormStep(ctx, saved(ctx));
    if (r.ok) return [];
    const props = (await boundForm(ctx.db, ctx.options.form, ctx.app.formVersions)).schema.properties;
    return Object.entries(r.fieldErrors).map(([f, m]) => `${props[f.split(".")[0]]?.title ?? (f || "表单")}${m.join("；")}`);
  },
  async summary(ctx) {
    const form = await boundForm(ctx.db, ctx.options.form, ctx.app.formVersions);
    const data = saved<Record<string, unknown>>(ctx) ?? {};
    return [{ type: "record", schema: form.schema, uiSchema: form.uiSchema, data, files: {}, labels: await dictionaryLabelsFor(ctx.db, [{ schema: form.schema, data }]) }];
  },
  reviewForm: {
    schema: reviewFormSchema,
    async data(ctx, steps) {
      // Every form step, printed with the form version the application is bound to.
      const forms = [];
      const info: Record<string, string> = {};
      for (const step of steps) {
        const formId = step.options?.form;
        const form = formId ? await getForm(ctx.db, formId, ctx.app.formVersions[formId]) : null;
        if (!form) continue;
        const fields = await ctx.print.fields(form, ctx.app.steps[step.id]?.data);
        for (const f of fields) info[f.name] ??= f.value;
        const short = fields.filter((f) => !f.long);
        // Two short fields per printed row (label | value | label | value).
        const pairs = Array.from({ length: Math.ceil(short.length / 2) }, (_, i) => ({ left: short[2 * i], right: short[2 * i + 1] ?? null }));
        forms.push({ stepId: step.id, title: step.title, formTitle: form.title, fields, pairs, long: fields.filter((f) => f.long) });
      }
      return { info, forms };
    },
  },
});
