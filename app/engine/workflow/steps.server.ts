// The step kinds of the wizard. Each kind is one handler: what its page shows (view), what
// 【下一步】 validates and stores (next), its own actions (act/upload), the re-check at submission
// (check) and its part of the 检查申报信息 summary. Nothing here knows an application type:
// everything a step needs comes from its options in the workflow file and from the plan.
import { Op, type Transaction } from "sequelize";
import QRCode from "qrcode";
import type { ApplicationAttrs, PlanAttrs, StepState } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { isDbId } from "~/utils/ints.server";
import { receiveFile } from "~/utils/multipart.server";
import { loadProfile } from "~/engine/people/profile.server";
import { getCategory, listCategories, listColumns, slugOf, type Category } from "../archive.server";
import { describeFiles, fileKeysIn, isFileKey, storeFile } from "../file-storage.server";
import { FILE_KINDS, formatBytes, type FileSpec } from "../file-kinds";
import { getForm, validateDraft, validateRecord, type ValidationResult } from "../form-registry.server";
import { dictionaryLabelsFor } from "../dictionaries.server";
import type { DictionaryLabels } from "../format-value";
import { planRefs, planView } from "../plans.server";
import type { AchievementsOptions, ConfirmOptions, DepartmentOptions, FormStepOptions, PhotoOptions, PlanNoticeOptions, PledgeSignOptions, StepDef, StepKind, WorkflowDefinition } from "./definition";
import { normalisePhoto, photoMaxBytes, readLimited } from "./photo.server";
import { cnDate } from "../templates.server";
import { issueToken, pledgeHtml, storeSignature, type Signature } from "./pledge.server";

export interface StepCtx {
  db: Db; app: ApplicationAttrs; plan: PlanAttrs; workflow: WorkflowDefinition; step: StepDef; state: StepState | undefined;
}
export interface StepWrite {
  /** The step's new data (undefined keeps what was saved). */
  data?: unknown;
  /** True when the step is now complete (validated). */
  complete?: boolean;
  /** Application columns the step sets (受理部门, 评审委员会). */
  columns?: Partial<Pick<ApplicationAttrs, "committeeId" | "acceptanceDepartmentId">>;
  /** Rows of the step's own (snapshots), written in the same transaction as the step state. */
  inTransaction?: (t: Transaction) => Promise<void>;
  message?: string;
}
export type SummaryPart =
  | { type: "text"; items: { label: string; value: string }[] }
  | { type: "record"; schema: Record<string, unknown>; uiSchema: Record<string, unknown>; data: Record<string, unknown>; files: Record<string, { name: string; size: number; mimeType: string }>; labels: DictionaryLabels }
  | { type: "image"; url: string; alt: string }
  | { type: "html"; html: string; title: string }
  | { type: "achievements"; groups: { title: string; items: AchievementItem[] }[] }
  | { type: "files"; slots: { name: string; files: { key: string; name: string }[] }[] };

/** An extracted snapshot, shown with the form version it was saved with. */
export interface AchievementItem {
  title: string; status: string; formVersion: number;
  record: { schema: Record<string, unknown>; uiSchema: Record<string, unknown>; data: Record<string, unknown>; files: Record<string, { name: string; size: number; mimeType: string }>; labels: DictionaryLabels } | null;
}

export interface StepHandler {
  view(ctx: StepCtx): Promise<Record<string, unknown>>;
  next(ctx: StepCtx, body: Record<string, unknown>): Promise<StepWrite>;
  act?(ctx: StepCtx, intent: string, body: Record<string, unknown>, extra: { request: Request; ip: string | null }): Promise<StepWrite>;
  upload?(ctx: StepCtx, params: URLSearchParams, request: Request): Promise<StepWrite>;
  check(ctx: StepCtx): Promise<string[]>;
  summary(ctx: StepCtx): Promise<SummaryPart[]>;
}

const opts = <O>(ctx: StepCtx) => (ctx.step.options ?? {}) as O;
const saved = <T>(ctx: StepCtx) => (ctx.state?.data ?? null) as T | null;
const truthy = (v: unknown) => v === true || v === "true" || v === "on" || v === "1";

async function fileExists(db: Db, key: unknown, ownerId: number) {
  return isFileKey(key) && !!(await db.models.StoredFile.findOne({ where: { key, ownerId }, attributes: ["id"] }));
}

// ---- plan-notice -----------------------------------------------------------------------------
const planNotice: StepHandler = {
  async view(ctx) {
    const o = opts<PlanNoticeOptions>(ctx);
    const plan = planView(ctx.plan, await planRefs(ctx.db));
    const labels = { basicInfo: "基本信息", reviewNotes: "评审计划说明", applicantNotice: "申报须知", eligibilityText: "申报对象资格", attachmentRequirements: "附件要求" } as const;
    const sections = (o.sections ?? ["applicantNotice"]).map((k) => ({
      key: k, title: labels[k],
      html: k === "eligibilityText" ? null : k === "attachmentRequirements" ? null : (plan[k] as string),
      text: k === "eligibilityText" ? plan.eligibilityText : null,
      attachments: k === "attachmentRequirements" ? plan.attachmentRequirements : null,
    }));
    return { sections, acknowledge: o.acknowledge ?? null, acknowledged: !!saved<{ acknowledgedAt: string }>(ctx)?.acknowledgedAt };
  },
  async next(ctx, body) {
    const o = opts<PlanNoticeOptions>(ctx);
    if (o.acknowledge && !truthy(body.acknowledged)) throw new UserError(`请先阅读并勾选“${o.acknowledge}”`, 422);
    return { data: { acknowledgedAt: new Date().toISOString() }, complete: true };
  },
  async check() { return []; },
  async summary(ctx) {
    const d = saved<{ acknowledgedAt: string }>(ctx);
    return [{ type: "text", items: [{ label: ctx.step.title, value: d ? "已阅读并确认" : "未确认" }] }];
  },
};

// ---- photo -----------------------------------------------------------------------------------
interface PhotoData { key: string; width: number; height: number; uploadedAt: string }
const photo: StepHandler = {
  async view(ctx) {
    const o = opts<PhotoOptions>(ctx);
    const d = saved<PhotoData>(ctx);
    return { photo: d ? { url: `/files/${d.key}`, width: d.width, height: d.height } : null, limits: { maxSize: formatBytes(photoMaxBytes(o)), minWidth: o.minWidth, minHeight: o.minHeight, width: o.width, height: o.height } };
  },
  async upload(ctx, _params, request) {
    const o = opts<PhotoOptions>(ctx);
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
};

// ---- pledge-sign / pledge-preview -------------------------------------------------------------
const signatureOf = (ctx: StepCtx, stepId?: string): Signature | null => {
  const id = stepId ?? ctx.workflow.steps.find((s) => s.kind === "pledge-sign")?.id;
  const st = id ? ctx.app.steps[id] : undefined;
  return st?.completedAt ? (st.data as Signature) : null;
};

const pledgeSign: StepHandler = {
  async view(ctx) {
    const o = opts<PledgeSignOptions>(ctx);
    const signed = signatureOf(ctx, ctx.step.id);
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
    if (opts<PledgeSignOptions>(ctx).allowDesktop === false) throw new UserError("请使用手机扫码签署");
    const key = await storeSignature(ctx.db, ctx.app.userId, body.signature);
    const sig: Signature = { key, signedAt: new Date().toISOString(), ip: extra.ip, userAgent: extra.request.headers.get("user-agent")?.slice(0, 300) ?? null, via: "desktop" };
    return { data: sig, complete: true, message: "保证书已签署" };
  },
  async next(ctx) {
    if (!signatureOf(ctx, ctx.step.id)) throw new UserError("请先签署《专业技术资格申报材料真实性保证书》", 422);
    return { complete: true };
  },
  async check(ctx) {
    const s = signatureOf(ctx, ctx.step.id);
    return s && (await fileExists(ctx.db, s.key, ctx.app.userId)) ? [] : ["保证书尚未签署"];
  },
  async summary(ctx) {
    const s = signatureOf(ctx, ctx.step.id);
    return [{ type: "text", items: [{ label: "保证书", value: s ? `已签署（${s.via === "phone" ? "手机扫码" : "本机"}签署，${cnDate(s.signedAt, true)}）` : "未签署" }] }];
  },
};

const pledgePreview: StepHandler = {
  async view(ctx) {
    return { html: await pledgeHtml(ctx.db, ctx.workflow, ctx.app, ctx.plan, signatureOf(ctx)) };
  },
  async next(ctx) {
    if (!signatureOf(ctx)) throw new UserError("保证书尚未签署", 422);
    return { data: { previewedAt: new Date().toISOString() }, complete: true };
  },
  async check(ctx) { return signatureOf(ctx) ? [] : ["保证书尚未签署"]; },
  async summary(ctx) {
    return [{ type: "html", title: "真实性保证书", html: await pledgeHtml(ctx.db, ctx.workflow, ctx.app, ctx.plan, signatureOf(ctx)) }];
  },
};

// ---- form ------------------------------------------------------------------------------------
async function boundForm(ctx: StepCtx) {
  const o = opts<FormStepOptions>(ctx);
  const form = await getForm(ctx.db, o.form, ctx.app.formVersions[o.form]);
  if (!form) throw new UserError("申报信息表单缺失，请联系管理员", 409);
  return form;
}

async function planLists(db: Db, plan: PlanAttrs) {
  const refs = await planRefs(db);
  const view = planView(plan, refs);
  return {
    specialties: view.specialties,
    committees: view.committees,
    acceptanceDepartments: view.acceptanceDepartments,
    ids: {
      committees: plan.committeeIds.map((id) => ({ id, label: refs.committees.find((c) => c.id === id)?.label ?? String(id) })),
      acceptanceDepartments: plan.acceptanceDepartmentIds.map((id) => ({ id, label: refs.departments.find((c) => c.id === id)?.label ?? String(id) })),
    },
    view,
  };
}

/** The form's schema with each planChoices field limited to the plan's list (an enum). */
async function formForPlan(ctx: StepCtx) {
  const form = await boundForm(ctx);
  const o = opts<FormStepOptions>(ctx);
  const lists = await planLists(ctx.db, ctx.plan);
  const schema = structuredClone(form.schema) as Record<string, any>;
  const choices: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(o.planChoices ?? {})) {
    choices[field] = lists[list];
    if (schema.properties?.[field] && choices[field].length) schema.properties[field] = { ...schema.properties[field], enum: choices[field] };
  }
  return { form, schema, choices, lists };
}

async function prefill(ctx: StepCtx, lists: Awaited<ReturnType<typeof planLists>>) {
  const o = opts<FormStepOptions>(ctx);
  const profile = await loadProfile(ctx.db, ctx.app.userId);
  const p = (profile?.row.data ?? {}) as Record<string, unknown>;
  const planValues: Record<string, unknown> = { name: ctx.plan.name, year: ctx.plan.year, titleSeries: lists.view.titleSeries, titleLevel: ctx.plan.titleLevel, recognitionType: ctx.plan.recognitionType, planType: ctx.plan.planType };
  const out: Record<string, unknown> = {};
  for (const [field, from] of Object.entries(o.prefill ?? {})) {
    const v = from.startsWith("profile.") ? p[from.slice(8)] : planValues[from.slice(5)];
    if (v !== undefined && v !== null && v !== "") out[field] = v;
  }
  return out;
}

/** Validation of a form step's data: the bound form version, then the plan's lists. A draft
 * (`draft`: 【上一步】) may miss values, but what it holds must be valid (validateDraft). */
async function validateFormStep(ctx: StepCtx, data: unknown, opts: { draft?: boolean } = {}): Promise<ValidationResult> {
  const { form, choices } = await formForPlan(ctx);
  const r = opts.draft ? validateDraft(form, data ?? {}) : await validateRecord(ctx.db, form, data ?? {}, { ownerId: ctx.app.userId });
  if (!r.ok) return r;
  const errors: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(choices)) {
    const v = r.data[field];
    if (v !== undefined && !list.includes(v as string)) errors[field] = [list.length ? "请从本计划的可选项中选择" : "本计划没有可选项，请联系管理员"];
  }
  return Object.keys(errors).length ? { ok: false as const, fieldErrors: errors } : r;
}

function formData(body: Record<string, unknown>) {
  let data = body.data;
  if (typeof data === "string") {
    try { data = JSON.parse(data); } catch { throw new UserError("提交的数据格式不正确"); }
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new UserError("提交的数据格式不正确");
  return data as Record<string, unknown>;
}

const formStep: StepHandler = {
  async view(ctx) {
    const { form, schema, lists } = await formForPlan(ctx);
    const d = saved<Record<string, unknown>>(ctx);
    return { form: { id: form.id, version: form.version, title: form.title, schema, uiSchema: form.uiSchema }, formData: d ?? (await prefill(ctx, lists)), prefilled: !d };
  },
  async next(ctx, body) {
    const data = formData(body);
    const r = await validateFormStep(ctx, data);
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
    const props = ((await boundForm(ctx)).schema as any).properties ?? {};
    return Object.entries(r.fieldErrors).map(([f, m]) => `${props[f.split(".")[0]]?.title ?? (f || "表单")}${m.join("；")}`);
  },
  async summary(ctx) {
    const form = await boundForm(ctx);
    const d = saved<Record<string, unknown>>(ctx) ?? {};
    return [{ type: "record", schema: form.schema, uiSchema: form.uiSchema, data: d, files: {}, labels: await dictionaryLabelsFor(ctx.db, [{ schema: form.schema, data: d }]) }];
  },
};

// ---- department-select -------------------------------------------------------------------------
const COLUMN = { committees: "committeeId", acceptanceDepartments: "acceptanceDepartmentId" } as const;
async function departmentChoices(ctx: StepCtx) {
  const o = opts<DepartmentOptions>(ctx);
  const lists = await planLists(ctx.db, ctx.plan);
  return { o, list: lists.ids[o.source], current: (saved<{ id: number }>(ctx)?.id ?? ctx.app[COLUMN[o.source]]) ?? null };
}
function pickDepartment(list: { id: number; label: string }[], raw: unknown, label: string) {
  const id = Number(raw);
  if (!Number.isInteger(id) || !list.some((x) => x.id === id)) throw new UserError(`请从本计划的${label}中选择`, 422);
  return id;
}
const departmentSelect: StepHandler = {
  async view(ctx) {
    const { o, list, current } = await departmentChoices(ctx);
    return { label: o.label ?? (o.source === "committees" ? "受理评审委员会" : "受理部门"), mode: o.mode ?? "select", options: list, current };
  },
  async act(ctx, intent, body) {
    // 【变更受理部门】 → choose → 【确定】: stored at once, the step still to be confirmed.
    if (intent !== "change") throw new UserError("不支持的操作");
    const { o, list } = await departmentChoices(ctx);
    const id = pickDepartment(list, body.id, o.label ?? "受理部门");
    return { data: { id }, complete: false, columns: { [COLUMN[o.source]]: id }, message: `${o.label ?? "受理部门"}已变更` };
  },
  async next(ctx, body) {
    const { o, list, current } = await departmentChoices(ctx);
    const id = pickDepartment(list, body.id ?? current, o.label ?? "受理部门");
    return { data: { id }, complete: true, columns: { [COLUMN[o.source]]: id } };
  },
  async check(ctx) {
    const { o, list, current } = await departmentChoices(ctx);
    return list.some((x) => x.id === current) ? [] : [`所选${o.label ?? "受理部门"}已不在本计划中，请重新选择`];
  },
  async summary(ctx) {
    const { o, list, current } = await departmentChoices(ctx);
    return [{ type: "text", items: [{ label: o.label ?? "受理部门", value: list.find((x) => x.id === current)?.label ?? "未选择" }] }];
  },
};

// ---- achievements ---------------------------------------------------------------------------------
interface CategoryRule { category: Category; min: number; max: number | null }
async function categoryRules(ctx: StepCtx): Promise<CategoryRule[]> {
  const o = opts<AchievementsOptions>(ctx);
  if (o.categories === "all") return (await listCategories(ctx.db)).map((category) => ({ category, min: 0, max: null }));
  const out: CategoryRule[] = [];
  for (const c of o.categories) {
    const category = await getCategory(ctx.db, c.category);
    if (category) out.push({ category, min: c.min ?? 0, max: c.max ?? null });
  }
  return out;
}
async function snapshots(ctx: StepCtx) {
  return (await ctx.db.models.ApplicationAchievement.findAll({ where: { applicationId: ctx.app.id, stepId: ctx.step.id }, order: [["id", "ASC"]] })).map((r) => r.get({ plain: true }));
}
function countProblems(o: AchievementsOptions, rules: CategoryRule[], snaps: { categoryId: string }[]) {
  const problems: string[] = [];
  for (const r of rules) {
    const n = snaps.filter((s) => s.categoryId === r.category.id).length;
    if (n < r.min) problems.push(`「${r.category.title}」至少提取 ${r.min} 条（已提取 ${n} 条）`);
    if (r.max !== null && n > r.max) problems.push(`「${r.category.title}」最多提取 ${r.max} 条（已提取 ${n} 条）`);
  }
  if (o.minTotal !== undefined && snaps.length < o.minTotal) problems.push(`业绩合计至少提取 ${o.minTotal} 条（已提取 ${snaps.length} 条）`);
  if (o.maxTotal !== undefined && snaps.length > o.maxTotal) problems.push(`业绩合计最多提取 ${o.maxTotal} 条（已提取 ${snaps.length} 条）`);
  return problems;
}
function idList(raw: unknown) {
  const list = (Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(",") : []).map(Number);
  if (!list.length || list.length > 500 || list.some((n) => !isDbId(n))) throw new UserError("请先勾选业绩", 422);
  return [...new Set(list)];
}
const STATUS_TEXT: Record<string, string> = { pending: "待审核", approved: "审核通过", returned: "退回" };

const achievements: StepHandler = {
  async view(ctx) {
    const o = opts<AchievementsOptions>(ctx);
    const rules = await categoryRules(ctx);
    const snaps = await snapshots(ctx);
    const entries = await ctx.db.models.AchievementEntry.findAll({
      where: { userId: ctx.app.userId, categoryId: { [Op.in]: rules.map((r) => r.category.id) }, status: { [Op.in]: o.statuses } },
      order: [["id", "DESC"]], limit: 5000,
    }).then((rows) => rows.map((r) => r.get({ plain: true })));
    return {
      statuses: o.statuses.map((s) => STATUS_TEXT[s]),
      minTotal: o.minTotal ?? null, maxTotal: o.maxTotal ?? null,
      problems: countProblems(o, rules, snaps),
      categories: rules.map((r) => ({
        slug: r.category.slug, title: r.category.title, min: r.min, max: r.max,
        // The title is its own column; repeating the title field as a declared column adds nothing.
        columns: listColumns(r.category.form).filter((c) => c.field !== r.category.form.meta.titleField).slice(0, 3),
        entries: entries.filter((e) => e.categoryId === r.category.id).map((e) => ({ id: e.id, title: e.title, status: e.status, data: e.data, extracted: snaps.some((s) => s.entryId === e.id) })),
        // Snapshots whose entry has since changed status or gone stay listed, so they can be ignored.
        extracted: snaps.filter((s) => s.categoryId === r.category.id).map((s) => ({ entryId: s.entryId, title: s.title, status: s.entryStatus, formVersion: s.formVersion })),
      })),
    };
  },
  async act(ctx, intent, body) {
    const o = opts<AchievementsOptions>(ctx);
    const ids = idList(body.ids);
    if (intent === "ignore") {
      return {
        complete: false, message: `已忽略 ${ids.length} 条业绩`,
        inTransaction: async (t) => { await ctx.db.models.ApplicationAchievement.destroy({ where: { applicationId: ctx.app.id, stepId: ctx.step.id, entryId: { [Op.in]: ids } }, transaction: t }); },
      };
    }
    if (intent !== "extract") throw new UserError("不支持的操作");
    const rules = await categoryRules(ctx);
    // Only the applicant's own entries, of a category and status this step allows: anything
    // else (another person's id, a returned entry) reads as not found and nothing is extracted.
    const entries = await ctx.db.models.AchievementEntry.findAll({
      where: { id: { [Op.in]: ids }, userId: ctx.app.userId, categoryId: { [Op.in]: rules.map((r) => r.category.id) }, status: { [Op.in]: o.statuses } },
    }).then((rows) => rows.map((r) => r.get({ plain: true })));
    if (entries.length !== ids.length) throw new UserError(`所选业绩不存在或不可提取（只能提取本人${o.statuses.map((s) => STATUS_TEXT[s]).join("或")}的业绩）`, 404);
    const existing = new Set((await snapshots(ctx)).map((s) => s.entryId));
    const fresh = entries.filter((e) => !existing.has(e.id));
    const after = [...(await snapshots(ctx)), ...fresh];
    const over = rules.filter((r) => r.max !== null && after.filter((s) => s.categoryId === r.category.id).length > r.max);
    if (over.length) throw new UserError(over.map((r) => `「${r.category.title}」最多提取 ${r.max} 条`).join("；"), 422);
    if (o.maxTotal !== undefined && after.length > o.maxTotal) throw new UserError(`业绩合计最多提取 ${o.maxTotal} 条`, 422);
    return {
      complete: false, message: fresh.length ? `已提取 ${fresh.length} 条业绩` : "所选业绩均已提取",
      inTransaction: async (t) => {
        for (const e of fresh) {
          await ctx.db.models.ApplicationAchievement.create({
            applicationId: ctx.app.id, stepId: ctx.step.id, entryId: e.id, categoryId: e.categoryId, formVersion: e.formVersion,
            title: e.title, data: e.data, entryStatus: e.status,
          }, { transaction: t });
        }
      },
    };
  },
  async next(ctx) {
    const problems = countProblems(opts<AchievementsOptions>(ctx), await categoryRules(ctx), await snapshots(ctx));
    if (problems.length) throw new UserError(problems.join("；"), 422);
    return { data: { count: (await snapshots(ctx)).length }, complete: true };
  },
  async check(ctx) {
    return countProblems(opts<AchievementsOptions>(ctx), await categoryRules(ctx), await snapshots(ctx));
  },
  async summary(ctx) {
    const rules = await categoryRules(ctx);
    const snaps = await snapshots(ctx);
    const groups = [];
    for (const r of rules) {
      const items: AchievementItem[] = [];
      for (const s of snaps.filter((x) => x.categoryId === r.category.id)) {
        const form = await getForm(ctx.db, s.categoryId, s.formVersion);
        items.push({
          title: s.title || `（${slugOf(s.categoryId)} #${s.entryId}）`, status: STATUS_TEXT[s.entryStatus] ?? s.entryStatus, formVersion: s.formVersion,
          record: form ? { schema: form.schema, uiSchema: form.uiSchema, data: s.data, files: await describeFiles(ctx.db, fileKeysIn(form.schema, s.data)), labels: await dictionaryLabelsFor(ctx.db, [{ schema: form.schema, data: s.data }]) } : null,
        });
      }
      if (items.length) groups.push({ title: r.category.title, items });
    }
    return [{ type: "achievements", groups }];
  },
};

// ---- attachments ------------------------------------------------------------------------------------
type Slots = Record<string, string[]>;
const MIME_OF: Record<string, string> = Object.fromEntries(Object.entries(FILE_KINDS).flatMap(([mime, k]) => k.extensions.map((e) => [e.slice(1), mime])));
function slotSpec(req: PlanAttrs["attachmentRequirements"][number]): FileSpec {
  return { accept: [...new Set(req.accept.map((e) => MIME_OF[e]).filter(Boolean))], maxSize: Math.round(req.maxSizeMb * 1024 * 1024) };
}
function slotIndex(ctx: StepCtx, raw: unknown) {
  const i = Number(raw);
  const req = ctx.plan.attachmentRequirements[i];
  if (!Number.isInteger(i) || !req) throw new UserError("附件项不存在", 404);
  return { i, req };
}
function slotProblems(ctx: StepCtx, slots: Slots) {
  return ctx.plan.attachmentRequirements.flatMap((r, i) => {
    const n = (slots[String(i)] ?? []).length;
    if (r.required && n === 0) return [`请上传“${r.name}”`];
    if (n > r.maxCount) return [`“${r.name}”最多 ${r.maxCount} 个文件`];
    return [];
  });
}
const attachments: StepHandler = {
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
};

// ---- confirm-submit ---------------------------------------------------------------------------------
const confirmSubmit: StepHandler = {
  async view(ctx) {
    const parts = [];
    for (const s of ctx.workflow.steps) {
      if (s.kind === "confirm-submit") continue;
      const c = { ...ctx, step: s, state: ctx.app.steps[s.id] };
      parts.push({ id: s.id, title: s.title, complete: !!c.state?.completedAt, parts: await STEP_HANDLERS[s.kind].summary(c) });
    }
    return { sections: parts, declaration: opts<ConfirmOptions>(ctx).declaration ?? null };
  },
  async next() { throw new UserError("请点击【提交】提交申报"); },
  async check() { return []; },
  async summary() { return []; },
};

export const STEP_HANDLERS: Record<StepKind, StepHandler> = {
  "plan-notice": planNotice,
  photo,
  "pledge-sign": pledgeSign,
  "pledge-preview": pledgePreview,
  form: formStep,
  "department-select": departmentSelect,
  achievements,
  attachments,
  "confirm-submit": confirmSubmit,
};
