// 申报计划 (declaration plans): admin CRUD with validation and an optimistic lock, applicant
// listing/detail, and the eligibility pre-check. Plan types are data (workflows/plan-types.json,
// published as versions like every definition — decision 009): each names the application type —
// the workflow file workflows/<applicationType>.json — it runs; no code branches on a plan type
// beyond what this table says (e.g. which filters the applicant sees).
//
// Formatted text (基本信息, 评审计划说明, 申报须知) is HTML limited to a small tag whitelist,
// sanitised with sanitize-html (maintained, parser-based — a regex sanitiser is not safe against
// malformed markup) when saved AND again when displayed, so a row written by an older version or
// directly in the database cannot inject script either.
import sanitizeHtml from "sanitize-html";
import { Op, type Transaction, type WhereOptions } from "sequelize";
import { TITLE_LEVELS, type AttachmentRequirement, type EligibilityRule, type PlanAttrs } from "../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { aggregateRows } from "~/utils/aggregate.server";
import { dbVersion } from "~/utils/ints.server";
import { buildFacts, checkRules, evaluateRules, ruleFacts, type CategoryTitles, type RuleResult } from "./eligibility";
import { listCategories, slugOf } from "./archive.server";
import { getDefinition } from "./definitions/lifecycle.server";
import { PLAN_TYPES_ID, planTypesKind } from "./definitions/kinds/plan-types.server";
import { bodyNumber, bodyText } from "~/utils/body-values";
import type { PlanTypeDef } from "./definitions/types.generated";

export type { PlanTypeDef };

/** The plan types: the latest published version (published from workflows/plan-types.json at start). */
export async function planTypes(db: Db, transaction?: Transaction): Promise<PlanTypeDef[]> {
  const def = await getDefinition(db, planTypesKind, PLAN_TYPES_ID, undefined, { transaction });
  if (!def) throw new Error("申报计划类型尚未发布（workflows/plan-types.json）");
  return def.planTypes;
}

export async function planTypeOf(db: Db, by: { planType?: string | null; applicationType?: string | null }, transaction?: Transaction) {
  return (await planTypes(db, transaction)).find((t) => t.planType === by.planType || t.applicationType === by.applicationType) ?? null;
}

export const CONFLICT_MESSAGE = "该申报计划已被他人修改，请刷新页面后重试";

// ---- formatted text ------------------------------------------------------------------------
const RICH: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "span", "blockquote"],
  allowedAttributes: { a: ["href", "title", "target", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  // <script>/<style> contents are dropped with the tag, not kept as text.
  nonTextTags: ["script", "style", "textarea", "option", "noscript"],
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer", target: "_blank" }) },
};

export function sanitizeRich(html: unknown): string {
  return sanitizeHtml(typeof html === "string" ? html : "", RICH).trim();
}

// ---- validation ----------------------------------------------------------------------------
const MAX_RICH = 50_000;
type Input = Record<string, unknown>;
export type PlanValues = Omit<PlanAttrs, "id" | "version" | "createdAt" | "updatedAt">;

function ids(raw: unknown, valid: Set<number>, label: string, errors: string[]): number[] {
  if (raw == null || raw === "") return [];
  if (!Array.isArray(raw)) { errors.push(`${label}格式不正确`); return []; }
  const out = [...new Set(raw.map(bodyNumber))];
  if (out.some((id) => !valid.has(id))) errors.push(`所选${label}不存在`);
  return out;
}

function date(raw: unknown, label: string, errors: string[]): Date {
  const d = typeof raw === "string" || typeof raw === "number" ? new Date(raw) : raw instanceof Date ? raw : new Date(NaN);
  if (Number.isNaN(d.getTime())) errors.push(`${label}不能为空或格式不正确`);
  return d;
}

function attachments(raw: unknown, errors: string[]): AttachmentRequirement[] {
  if (raw == null || raw === "") return [];
  if (!Array.isArray(raw)) { errors.push("附件要求格式不正确"); return []; }
  return raw.map((a, i) => {
    const r = (a && typeof a === "object" ? a : {}) as Record<string, unknown>;
    const name = typeof r.name === "string" ? r.name.trim() : "";
    if (!name || name.length > 64) errors.push(`附件要求第 ${i + 1} 项：名称不能为空且不超过 64 个字符`);
    const accept = Array.isArray(r.accept) ? r.accept.map((x) => bodyText(x, "?").trim().toLowerCase()).filter(Boolean) : [];
    if (!accept.length || accept.some((x) => !/^\.?[a-z0-9]{1,8}$/.test(x))) errors.push(`附件要求第 ${i + 1} 项：允许的文件类型不正确（如 pdf、jpg）`);
    const maxSizeMb = bodyNumber(r.maxSizeMb);
    if (!Number.isFinite(maxSizeMb) || maxSizeMb <= 0 || maxSizeMb > 100) errors.push(`附件要求第 ${i + 1} 项：单个文件大小上限应在 0–100 MB 之间`);
    const maxCount = bodyNumber(r.maxCount);
    if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > 50) errors.push(`附件要求第 ${i + 1} 项：文件数量上限应为 1–50 的整数`);
    return { name, required: r.required === true, accept: accept.map((x) => x.replace(/^\./, "")), maxSizeMb, maxCount };
  });
}

/** Validates and normalises plan input (also used by the configuration bundle import, inside its transaction). */
export async function normalisePlan(db: Db, input: Input, t?: Transaction): Promise<PlanValues> {
  const errors: string[] = [];
  const m = db.models;
  const [series, specs, affs, comms, depts] = await Promise.all([
    m.TitleSeries.findAll({ transaction: t }), m.Specialty.findAll({ attributes: ["id", "seriesId"], transaction: t }), m.Affiliation.findAll({ attributes: ["id"], transaction: t }),
    m.Committee.findAll({ attributes: ["id"], transaction: t }), m.AcceptanceDepartment.findAll({ attributes: ["id"], transaction: t }),
  ]);
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (!name) errors.push("计划名称不能为空");
  else if (name.length > 128) errors.push("计划名称不能超过 128 个字符");
  const types = await planTypes(db, t);
  const type = types.find((x) => x.planType === bodyText(input.planType)) ?? null;
  if (!type) errors.push(`计划类型必须是 ${types.map((x) => x.planType).join("、")} 之一`);
  const recognitionType = typeof input.recognitionType === "string" && input.recognitionType.trim() ? input.recognitionType.trim() : null;
  if (type && type.recognitionTypes.length && (!recognitionType || !type.recognitionTypes.includes(recognitionType))) errors.push(`认定类型必须是 ${type.recognitionTypes.join("、")} 之一`);
  const titleSeriesId = bodyNumber(input.titleSeriesId);
  const s = series.find((x) => x.id === titleSeriesId);
  if (!s) errors.push("请选择职称系列");
  const titleLevel = bodyText(input.titleLevel);
  if (!(TITLE_LEVELS as readonly string[]).includes(titleLevel)) errors.push("请选择申报级别");
  else if (s && !s.levels.includes(titleLevel)) errors.push(`职称系列「${s.name}」没有「${titleLevel}」级别`);
  const year = bodyNumber(input.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) errors.push("年度必须是 2000–2100 的整数");
  const opensAt = date(input.opensAt, "开始时间", errors);
  const closesAt = date(input.closesAt, "截止时间", errors);
  if (!Number.isNaN(opensAt.getTime()) && !Number.isNaN(closesAt.getTime()) && opensAt >= closesAt) errors.push("开始时间必须早于截止时间");
  const rich = (k: string, label: string) => {
    const v = sanitizeRich(input[k]);
    if (v.length > MAX_RICH) errors.push(`${label}不能超过 ${MAX_RICH} 个字符`);
    return v;
  };
  const basicInfo = rich("basicInfo", "基本信息");
  const reviewNotes = rich("reviewNotes", "评审计划说明");
  const applicantNotice = rich("applicantNotice", "申报须知");
  const eligibilityText = typeof input.eligibilityText === "string" ? input.eligibilityText.trim() : "";
  if (eligibilityText.length > 10_000) errors.push("申报对象资格说明不能超过 10000 个字符");
  const rules = input.eligibilityRules ?? [];
  errors.push(...checkRules(rules, await categoryTitles(db)));
  const affiliationIds = ids(input.affiliationIds, new Set(affs.map((x) => x.id)), "单位隶属关系", errors);
  if (!affiliationIds.length) errors.push("请选择至少一个单位隶属关系");
  const specialtyIds = ids(input.specialtyIds, new Set(specs.filter((x) => x.seriesId === titleSeriesId).map((x) => x.id)), "可评审专业（须属于所选职称系列）", errors);
  const committeeIds = ids(input.committeeIds, new Set(comms.map((x) => x.id)), "受理评审委员会", errors);
  const acceptanceDepartmentIds = ids(input.acceptanceDepartmentIds, new Set(depts.map((x) => x.id)), "受理部门", errors);
  if (type?.acceptedBy === "committees" && !committeeIds.length) errors.push("请选择受理评审委员会");
  if (type?.acceptedBy === "departments" && !acceptanceDepartmentIds.length) errors.push("请选择受理部门");
  const fee = input.fee == null || input.fee === "" ? 0 : bodyNumber(input.fee);
  if (!Number.isInteger(fee) || fee < 0 || fee > 10_000_000) errors.push("评审费用（分）必须是非负整数");
  const attachmentRequirements = attachments(input.attachmentRequirements, errors);
  if (errors.length) throw new UserError(errors.join("；"), 400);
  return {
    name, planType: type!.planType, applicationType: type!.applicationType, recognitionType: type!.recognitionTypes.length ? recognitionType : null,
    titleSeriesId, titleLevel, affiliationIds, year, opensAt, closesAt, basicInfo, reviewNotes, applicantNotice,
    attachmentRequirements, eligibilityText, eligibilityRules: rules as EligibilityRule[], specialtyIds, committeeIds, acceptanceDepartmentIds, fee,
  };
}

// ---- admin ---------------------------------------------------------------------------------
export async function createPlan(db: Db, input: Input) {
  const v = await normalisePlan(db, input);
  const row = await db.models.Plan.create(v);
  return { id: row.id };
}

export async function updatePlan(db: Db, id: number, input: Input, rawVersion: unknown) {
  const row = await db.models.Plan.findByPk(id);
  if (!row) throw new UserError("申报计划不存在或已被删除", 404);
  const version = dbVersion(rawVersion);
  const v = await normalisePlan(db, input);
  const [n] = await db.models.Plan.update({ ...v, version: version + 1 }, { where: { id, version } });
  if (n === 0) throw new UserError(CONFLICT_MESSAGE, 409);
  return { id };
}

export async function deletePlan(db: Db, id: number, version: unknown) {
  const n = await db.models.Plan.destroy({ where: { id, version: dbVersion(version) } });
  if (n === 0) throw new UserError((await db.models.Plan.findByPk(id)) ? CONFLICT_MESSAGE : "申报计划不存在或已被删除", (await db.models.Plan.findByPk(id)) ? 409 : 404);
  return { id };
}

export function planStatus(p: Pick<PlanAttrs, "opensAt" | "closesAt">, now = new Date()): "upcoming" | "open" | "closed" {
  if (now < new Date(p.opensAt)) return "upcoming";
  if (now > new Date(p.closesAt)) return "closed";
  return "open";
}
export const STATUS_LABEL = { upcoming: "未开始", open: "申报中", closed: "已截止" } as const;

export interface PlanFilters { q?: string; planType?: string | null; applicationType?: string | null; titleSeriesId?: number | null; affiliationId?: number | null; recognitionType?: string | null; acceptanceDepartmentId?: number | null; openOnly?: boolean; offset: number; pageSize: number }

export async function listPlans(db: Db, f: PlanFilters) {
  const where: WhereOptions<PlanAttrs> & Record<string, unknown> = {};
  const q = (f.q ?? "").replace(/[%_\\]/g, "");
  if (q) where.name = { [Op.like]: `%${q}%` };
  if (f.planType) where.planType = f.planType;
  if (f.applicationType) where.applicationType = f.applicationType;
  if (f.titleSeriesId) where.titleSeriesId = f.titleSeriesId;
  if (f.recognitionType) where.recognitionType = f.recognitionType;
  if (f.openOnly) {
    const now = new Date();
    where.opensAt = { [Op.lte]: now };
    where.closesAt = { [Op.gte]: now };
  }
  let rows = await db.models.Plan.findAll({ where, order: [["opensAt", "DESC"], ["id", "DESC"]] });
  // JSON-array membership filters run in memory (tens of plans a year; portable across dialects).
  if (f.affiliationId) rows = rows.filter((p) => p.affiliationIds.includes(f.affiliationId!));
  if (f.acceptanceDepartmentId) rows = rows.filter((p) => p.acceptanceDepartmentIds.includes(f.acceptanceDepartmentId!));
  return { total: rows.length, rows: rows.slice(f.offset, f.offset + f.pageSize) };
}

/** Names for the ids a plan holds, and the options an editor/filter offers. */
export async function planRefs(db: Db) {
  const m = db.models;
  const [series, specs, affs, comms, depts] = await Promise.all([
    m.TitleSeries.findAll({ order: [["sortOrder", "ASC"], ["id", "ASC"]] }), m.Specialty.findAll({ order: [["id", "ASC"]] }),
    m.Affiliation.findAll({ order: [["sortOrder", "ASC"], ["id", "ASC"]] }), m.Committee.findAll({ order: [["id", "ASC"]] }),
    m.AcceptanceDepartment.findAll({ order: [["id", "ASC"]] }),
  ]);
  return {
    series: series.map((s) => ({ id: s.id, label: s.name, levels: s.levels })),
    specialties: specs.map((s) => ({ id: s.id, label: s.name, seriesId: s.seriesId })),
    affiliations: affs.map((a) => ({ id: a.id, label: a.name })),
    committees: comms.map((c) => ({ id: c.id, label: c.name })),
    departments: depts.map((d) => ({ id: d.id, label: d.name })),
  };
}
export type PlanRefs = Awaited<ReturnType<typeof planRefs>>;

const names = (list: { id: number; label: string }[], wanted: number[]) => wanted.map((id) => list.find((x) => x.id === id)?.label).filter((x): x is string => !!x);

/** A plan as the pages show it: ids resolved to names, formatted text sanitised again. */
export function planView(p: PlanAttrs, refs: PlanRefs, now = new Date()) {
  const status = planStatus(p, now);
  return {
    id: p.id, name: p.name, planType: p.planType, applicationType: p.applicationType, recognitionType: p.recognitionType,
    titleSeriesId: p.titleSeriesId, titleSeries: refs.series.find((s) => s.id === p.titleSeriesId)?.label ?? "", titleLevel: p.titleLevel,
    year: p.year, opensAt: new Date(p.opensAt).toISOString(), closesAt: new Date(p.closesAt).toISOString(), status, statusLabel: STATUS_LABEL[status],
    affiliationIds: p.affiliationIds, affiliations: names(refs.affiliations, p.affiliationIds),
    basicInfo: sanitizeRich(p.basicInfo), reviewNotes: sanitizeRich(p.reviewNotes), applicantNotice: sanitizeRich(p.applicantNotice),
    attachmentRequirements: p.attachmentRequirements, eligibilityText: p.eligibilityText, eligibilityRules: p.eligibilityRules,
    specialtyIds: p.specialtyIds, specialties: names(refs.specialties, p.specialtyIds),
    committeeIds: p.committeeIds, committees: names(refs.committees, p.committeeIds),
    acceptanceDepartmentIds: p.acceptanceDepartmentIds, acceptanceDepartments: names(refs.departments, p.acceptanceDepartmentIds),
    fee: p.fee, version: p.version,
  };
}
export type PlanView = ReturnType<typeof planView>;

/** Category slug → title: the approved.<slug> facts this install's rules may read. */
async function categoryTitles(db: Db): Promise<CategoryTitles> {
  return Object.fromEntries((await listCategories(db)).map((c) => [c.slug, c.title]));
}

/** The facts the plan editor offers for eligibility rules. */
export async function eligibilityFacts(db: Db) {
  return ruleFacts(await categoryTitles(db));
}

// ---- applicant -----------------------------------------------------------------------------
/** The eligibility pre-check for one applicant: profile + approved archive entries → rule results. */
export async function precheck(db: Db, userId: number, plan: Pick<PlanAttrs, "eligibilityRules">, now = new Date()): Promise<RuleResult[]> {
  const profile = await db.models.Profile.findOne({ where: { userId } });
  const rows = await aggregateRows<{ categoryId: string; n: number }>(db.models.AchievementEntry.findAll({
    where: { userId, status: "approved" },
    attributes: ["categoryId", [db.sequelize.fn("COUNT", db.sequelize.col("id")), "n"]],
    group: ["categoryId"],
    raw: true,
  }));
  const titles = await categoryTitles(db);
  const approved: Record<string, number> = Object.fromEntries(Object.keys(titles).map((slug) => [slug, 0]));
  for (const r of rows) approved[slugOf(r.categoryId)] = Number(r.n);
  return evaluateRules(plan.eligibilityRules, buildFacts(profile?.data ?? null, approved, now), titles);
}
