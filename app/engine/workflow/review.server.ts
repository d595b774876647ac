// The review chain at work: staff queues scoped to their units / departments / committees /
// 受理部门, the read-only view, 通过 / 退回修改 / 不通过 (one at a time or 通过 in batch), payment
// moving an application on, and the timeline. Every transition is checked by review-machine.ts
// against the application's own workflow version, written under the optimistic lock, with its
// audit row in the same transaction.
import ExcelJS from "exceljs";
import { Op, type Transaction, type WhereOptions } from "sequelize";
import type { ApplicationAttrs } from "../../../db/models";
import { plain, type Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { labelOfRole, may, type Person } from "~/engine/people/roles";
import { dbId, dbVersion, isDbId } from "~/utils/ints.server";
import { loadReviewerScope, type ReviewerScope } from "~/engine/people/scope.server";
import type { ReviewStage, StepDefOf, WorkflowDefinition } from "../definitions/types.generated";
import { bodyId, bodyText } from "~/utils/body-values";
import { getWorkflow, workflowOfApp } from "./registry.server";
import { escapeCell } from "../dictionary-admin.server";
import { getForm } from "../form-registry.server";
import { dictionaryLabelsFor } from "../dictionaries.server";
import { cnDate, lookupIn, type FormatOptions } from "../format-value";
import { formFields } from "../pdf/review-form.server";
import { refuseAtPublicity } from "./publicity-gate.server";
import { recordStageVisit } from "../stats/stage-visits.server";
import { ACTION_LABEL, isDeciding, NEEDS_REASON, stageOf, stagesFor, stateLabel, transition, type ChainAction, type ChainState, type ReviewAction } from "./review-machine";

export const REVIEW_CONFLICT = "该申报已被他人处理或已更新，请刷新页面后重试";
/** Who acts: a user, or "system" (a verified payment notification). */
export type Actor = Person;
const MAX_COMMENT = 500;

// ---- scope ------------------------------------------------------------------------------------
/** SQL for "the application is in this scope the way `stage` scopes it". */
function stageScopeWhere(stage: ReviewStage, scope: ReviewerScope): WhereOptions<ApplicationAttrs> | null {
  const none = (ids: number[]) => (ids.length ? ids : null);
  switch (stage.scope) {
    case "unit":
    case "department": { const ids = none(scope.unitIds); return ids && { unitId: { [Op.in]: ids } }; }
    case "committee": { const ids = none(scope.committeeIds); return ids && { committeeId: { [Op.in]: ids } }; }
    case "acceptanceDepartment": { const ids = none(scope.acceptanceDepartmentIds); return ids && { acceptanceDepartmentId: { [Op.in]: ids } }; }
    default: return null;
  }
}

export function stageInScope(stage: ReviewStage, scope: ReviewerScope, app: Pick<ApplicationAttrs, "unitId" | "committeeId" | "acceptanceDepartmentId">) {
  switch (stage.scope) {
    case "unit":
    case "department": return app.unitId !== null && scope.unitIds.includes(app.unitId);
    case "committee": return app.committeeId !== null && scope.committeeIds.includes(app.committeeId);
    case "acceptanceDepartment": return app.acceptanceDepartmentId !== null && scope.acceptanceDepartmentIds.includes(app.acceptanceDepartmentId);
    default: return false;
  }
}

/** Every published (workflow, version): the chain a stored application is interpreted with. */
export async function publishedWorkflows(db: Db) {
  const rows = await db.models.WorkflowVersion.findAll({ attributes: ["workflowId", "version"], raw: true });
  return (await Promise.all(rows.map((r) => getWorkflow(db, r.workflowId, r.version)))).filter((w): w is WorkflowDefinition => !!w);
}

/**
 * Applications a staff member may see (past draft, and in scope for a stage of their role), or —
 * with `actionable` — only those waiting at such a stage now: one condition per workflow version
 * (disjoint, so counts may be summed over them), each an OR of its stages' scopes, the scope kind
 * the one each chain declares for that stage.
 */
export async function visibleByChain(db: Db, scope: ReviewerScope, actionable: boolean): Promise<WhereOptions<ApplicationAttrs>[]> {
  const chains: WhereOptions<ApplicationAttrs>[] = [];
  for (const w of await publishedWorkflows(db)) {
    const branches: WhereOptions<ApplicationAttrs>[] = [];
    for (const stage of stagesFor(w, scope.role)) {
      const inScope = stageScopeWhere(stage, scope);
      if (!inScope) continue;
      branches.push({ ...inScope, ...(actionable ? { status: "submitted", stage: stage.id } : {}) } as WhereOptions<ApplicationAttrs>);
    }
    if (branches.length) chains.push({ workflowId: w.id, chainVersion: w.version, ...(actionable ? {} : { status: { [Op.ne]: "draft" } }), [Op.or]: branches } as WhereOptions<ApplicationAttrs>);
  }
  return chains;
}

async function visibleWhere(db: Db, scope: ReviewerScope, actionable: boolean): Promise<WhereOptions<ApplicationAttrs>> {
  const chains = await visibleByChain(db, scope, actionable);
  return chains.length ? { [Op.or]: chains } : { id: -1 };
}

/** Whether a staff member may read this application (else: it does not exist for them). */
export function staffMaySee(w: WorkflowDefinition, scope: ReviewerScope, app: ApplicationAttrs) {
  return app.status !== "draft" && stagesFor(w, scope.role).some((s) => stageInScope(s, scope, app));
}

export async function getForStaff(db: Db, viewer: Person, id: number) {
  if (!isDbId(id)) return null;
  const app = plain(await db.models.Application.findByPk(id));
  if (!app) return null;
  const [w, scope] = await Promise.all([workflowOfApp(db, app), loadReviewerScope(db, viewer)]);
  if (!w || !staffMaySee(w, scope, app)) return null;
  const plan = plain(await db.models.Plan.findByPk(app.planId));
  if (!plan) return null;
  return { app, plan, workflow: w, scope };
}

// ---- transitions ------------------------------------------------------------------------------
const stateOf = (a: Pick<ApplicationAttrs, "status" | "stage">): ChainState => ({ status: a.status, stage: a.stage });
const point = (s: ChainState) => (s.status === "submitted" ? s.stage : s.status);

export async function audit(db: Db, t: Transaction, actor: Actor, appId: number, action: string, from: ChainState, to: ChainState, comment: string | null) {
  const row = await db.models.AuditLog.create({
    actorId: actor.id || null, actorRole: actor.role, entityType: "application", entityId: String(appId), action,
    fromState: point(from), toState: point(to), comment,
  }, { transaction: t });
  await recordStageVisit(db, t, row.get({ plain: true }));
}

/**
 * Moves one application along its chain inside `t`: checks the transition, writes the new state
 * conditionally on the version read, and the audit row. `check` runs on the locked row (scope,
 * expected version) before anything is written.
 */
export async function applyTransition(
  db: Db, t: Transaction, id: number, action: ChainAction, actor: Actor,
  opts: {
    comment?: string | null; auditAction?: string; extra?: Partial<ApplicationAttrs>;
    check?: (app: ApplicationAttrs, w: WorkflowDefinition) => void | Promise<void>;
    /** Set only by the 公示结果 entry (publicity.server.ts), which checks the period itself. */
    publicityOutcome?: boolean;
  } = {},
) {
  const row = await db.models.Application.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
  if (!row) throw new UserError("申报记录不存在", 404);
  const app = row.get({ plain: true });
  const w = await workflowOfApp(db, app);
  if (!w) throw new UserError("申报记录不存在", 404);
  await opts.check?.(app, w);
  const from = stateOf(app);
  if (!opts.publicityOutcome) await refuseAtPublicity(db, t, app, w);
  const r = transition(w, from, action, actor.role);
  if (!r.ok) throw new UserError(r.reason, 409);
  const [n] = await db.models.Application.update(
    { status: r.to.status, stage: r.to.stage, decidedAt: new Date(), version: app.version + 1, ...(opts.extra ?? {}) },
    { where: { id, version: app.version }, transaction: t },
  );
  if (n !== 1) throw new UserError(REVIEW_CONFLICT, 409);
  await audit(db, t, actor, id, opts.auditAction ?? action, from, r.to, opts.comment ?? null);
  return { app, workflow: w, from, to: r.to, version: app.version + 1 };
}

function cleanComment(action: ReviewAction, raw: unknown) {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (NEEDS_REASON.includes(action) && !text) throw new UserError(`请填写${action === "return" ? "退回" : "不通过"}原因`, 422);
  if (text.length > MAX_COMMENT) throw new UserError(`意见不能超过 ${MAX_COMMENT} 个字`, 422);
  return text || null;
}

/** Steps a 退回修改 may unlock: any but the final 检查并提交 (which is always open for resubmission). */
/** The steps a 退回修改 at `stage` may reopen: those the stage names, else every step but the final check. */
export function unlockableSteps(w: WorkflowDefinition, stage?: ReviewStage | null) {
  const steps = stage?.reopenSteps ? w.steps.filter((s) => stage.reopenSteps!.includes(s.id)) : w.steps.filter((s) => s.kind !== "confirm-submit");
  return steps.map((s) => ({ id: s.id, title: s.title }));
}

/** What a 退回修改 at `stage` writes: the reason and the steps reopened (as posted: a list or a
 * comma-separated string; absent: every step the stage may reopen). A step it may not reopen → 422. */
export function returnFields(w: WorkflowDefinition, stage: ReviewStage | null, unlock: unknown, reason: string | null): Partial<ApplicationAttrs> {
  const allowed = unlockableSteps(w, stage).map((s) => s.id);
  // Step ids as posted; anything that is not a string is not a step (and is refused below).
  const wanted = Array.isArray(unlock) ? unlock.map((x) => bodyText(x, "\u0000")) : typeof unlock === "string" && unlock ? unlock.split(",") : allowed;
  if (!wanted.length || wanted.some((s) => !allowed.includes(s))) throw new UserError("请选择需要申请人修改的步骤", 422);
  return { returnReason: reason, returnedSteps: wanted };
}

/** The checks of a staff decision on the locked row: in scope (else 404), their stage in their
 * scope, and the version the page showed (else 409). */
export function checkStaffDecision(w: WorkflowDefinition, scope: ReviewerScope, reviewer: Person, app: ApplicationAttrs, expected: number) {
  if (!staffMaySee(w, scope, app)) throw new UserError("申报记录不存在或不在您的审核范围内", 404);
  const stage = stageOf(w, app.stage);
  if (stage && isDeciding(stage) && stage.role === reviewer.role && !stageInScope(stage, scope, app)) throw new UserError("该申报当前环节不在您的审核范围内", 409);
  if (app.version !== expected) throw new UserError(REVIEW_CONFLICT, 409);
  return stage;
}

/**
 * 通过 / 退回修改 / 不通过 by a reviewer. Out of scope (or unknown) → 404; not this reviewer's
 * stage, a final state, or a page that was out of date (another reviewer, an applicant's change) → 409.
 */
export async function decideApplication(
  db: Db, reviewer: Person, id: number, action: unknown, comment: unknown, expectedVersion: unknown, unlock?: unknown,
) {
  if (action !== "approve" && action !== "return" && action !== "reject") throw new UserError("不支持的操作");
  // The id comes from the URL: anything but a record id names no application (NaN would reach the SQL).
  if (bodyId(id) === null) throw new UserError("申报记录不存在或不在您的审核范围内", 404);
  const text = cleanComment(action, comment);
  const expected = dbVersion(expectedVersion);
  const scope = await loadReviewerScope(db, reviewer);
  return db.sequelize.transaction(async (t) => {
    // Filled in by the check (on the locked row) and written with the transition.
    const extra: Partial<ApplicationAttrs> = {};
    return applyTransition(db, t, id, action, reviewer, {
      comment: text, extra,
      check: (app, w) => {
        const stage = checkStaffDecision(w, scope, reviewer, app, expected);
        if (action === "return") Object.assign(extra, returnFields(w, stage, unlock, text));
      },
    });
  });
}

/** 批量通过: each selected application at the version the reviewer saw; all or nothing. */
export async function batchApprove(db: Db, reviewer: Person, items: unknown) {
  if (!Array.isArray(items) || !items.length || items.length > 200) throw new UserError("请选择要通过的申报（一次最多 200 条）");
  const list = items.map((x) => {
    const item: object = Object(x);
    const id = dbId(Reflect.get(item, "id"));
    if (id === null) throw new UserError("提交的数据格式不正确");
    return { id, version: dbVersion(Reflect.get(item, "version")) };
  });
  const scope = await loadReviewerScope(db, reviewer);
  await db.sequelize.transaction(async (t) => {
    for (const item of list) {
      await applyTransition(db, t, item.id, "approve", reviewer, {
        check: (app, w) => {
          if (!staffMaySee(w, scope, app)) throw new UserError(`申报 ${item.id} 不存在或不在您的审核范围内`, 404);
          const stage = stageOf(w, app.stage);
          if (stage && isDeciding(stage) && !stageInScope(stage, scope, app)) throw new UserError(`申报 ${app.number ?? item.id} 当前环节不在您的审核范围内`, 409);
          if (app.version !== item.version) throw new UserError(`申报 ${app.number ?? item.id}：${REVIEW_CONFLICT}`, 409);
        },
      });
    }
  });
  return { count: list.length };
}

/**
 * A payment stage completed: online (the payment provider's verified notification, actor
 * "system") or offline (an acceptance office that can see the application, with a note).
 * Runs inside the caller's transaction so the order and the application move together.
 */
export async function completePaymentStage(db: Db, t: Transaction, id: number, actor: Actor, note: string | null, offline = false) {
  let scope: ReviewerScope | null = null;
  // Offline payment is confirmed by the office that accepts the fee, never by other staff.
  if (offline && !may(actor.role, "offline-payment")) throw new UserError("只有受理部门/评委会办事机构可以确认线下缴费", 403);
  if (offline) scope = await loadReviewerScope(db, actor);
  return applyTransition(db, t, id, "pay", actor, {
    comment: note, auditAction: offline ? "offline-pay" : "pay",
    check: (app, w) => {
      if (scope && !staffMaySee(w, scope, app)) throw new UserError("申报记录不存在或不在您的范围内", 404);
    },
  });
}

// ---- queue -------------------------------------------------------------------------------------
export interface QueueFilters {
  view: "todo" | "all";
  planId?: number | null;
  titleSeriesId?: number | null;
  status?: string | null;
  unitId?: number | null;
  from?: string | null;
  to?: string | null;
  q?: string;
  offset: number;
  pageSize: number;
}

export async function queueWhere(db: Db, scope: ReviewerScope, f: QueueFilters) {
  return { [Op.and]: [await visibleWhere(db, scope, f.view === "todo"), ...(await queueFilterWheres(db, f))] } as WhereOptions<ApplicationAttrs>;
}

/** The queue's filters (plan, series, status, unit, dates, search) without the scope. */
export async function queueFilterWheres(db: Db, f: Omit<QueueFilters, "view" | "offset" | "pageSize">) {
  const and: WhereOptions<ApplicationAttrs>[] = [];
  if (f.planId) and.push({ planId: f.planId });
  if (f.titleSeriesId) {
    const ids = (await db.models.Plan.findAll({ where: { titleSeriesId: f.titleSeriesId }, attributes: ["id"], raw: true })).map((p) => p.id);
    and.push({ planId: { [Op.in]: ids.length ? ids : [-1] } });
  }
  if (f.status && ["submitted", "returned", "approved", "rejected"].includes(f.status)) and.push({ status: f.status });
  if (f.unitId) and.push({ unitId: f.unitId });
  const from = f.from && /^\d{4}-\d{2}-\d{2}$/.test(f.from) ? new Date(`${f.from}T00:00:00+08:00`) : null;
  const to = f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to) ? new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000) : null;
  if (from) and.push({ submittedAt: { [Op.gte]: from } });
  if (to) and.push({ submittedAt: { [Op.lt]: to } });
  const q = (f.q ?? "").replace(/[%_\\]/g, "").trim();
  if (q) and.push(/^[0-9Xx]{6,18}$/.test(q) ? { applicantIdNumber: { [Op.like]: `${q.toUpperCase()}%` } } : { [Op.or]: [{ applicantName: { [Op.like]: `%${q}%` } }, { number: q }] });
  return and;
}

/** A staff queue page: rows with plan, unit and state labels, newest submissions last in 待办. */
export async function reviewQueue(db: Db, viewer: Person, f: QueueFilters) {
  const scope = await loadReviewerScope(db, viewer);
  const where = await queueWhere(db, scope, f);
  const { rows, count } = await db.models.Application.findAndCountAll({
    where, order: [["submittedAt", f.view === "todo" ? "ASC" : "DESC"], ["id", "ASC"]], offset: f.offset, limit: f.pageSize,
  });
  return { rows: await describeRows(db, rows.map((r) => r.get({ plain: true }))), total: count };
}

/** Rows for lists and the Excel export: ids resolved to names, state as a label. */
export async function describeRows(db: Db, rows: ApplicationAttrs[]) {
  const planIds = [...new Set(rows.map((r) => r.planId))];
  const unitIds = [...new Set(rows.map((r) => r.unitId).filter((x): x is number => x !== null))];
  const [plans, units, series] = await Promise.all([
    db.models.Plan.findAll({ where: { id: { [Op.in]: planIds.length ? planIds : [-1] } }, attributes: ["id", "name", "titleSeriesId", "titleLevel"], raw: true }),
    db.models.Unit.findAll({ where: { id: { [Op.in]: unitIds.length ? unitIds : [-1] } }, attributes: ["id", "name"], raw: true }),
    db.models.TitleSeries.findAll({ attributes: ["id", "name"], raw: true }),
  ]);
  const out = [];
  for (const r of rows) {
    const w = await workflowOfApp(db, r);
    const plan = plans.find((p) => p.id === r.planId);
    out.push({
      id: r.id, version: r.version, number: r.number, applicantName: r.applicantName ?? "", idNumber: r.applicantIdNumber ?? "",
      planId: r.planId, planName: plan?.name ?? "", series: series.find((s) => s.id === plan?.titleSeriesId)?.name ?? "", level: plan?.titleLevel ?? "",
      typeName: w?.name ?? r.workflowId, unit: units.find((u) => u.id === r.unitId)?.name ?? "",
      status: r.status, stage: r.stage, stateLabel: w ? stateLabel(w, r) : r.status,
      submittedAt: r.submittedAt ? new Date(r.submittedAt).toISOString() : null,
    });
  }
  return out;
}

// ---- timeline ----------------------------------------------------------------------------------
/** Every transition of an application, oldest first, with who (name and role) and the stage labels. */
export async function timeline(db: Db, w: WorkflowDefinition, appId: number) {
  const rows = await db.models.AuditLog.findAll({ where: { entityType: "application", entityId: String(appId) }, order: [["createdAt", "ASC"], ["id", "ASC"]], raw: true });
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is number => !!x))];
  const users = await db.models.User.findAll({ where: { id: { [Op.in]: actorIds.length ? actorIds : [-1] } }, attributes: ["id", "displayName", "username"], raw: true });
  const label = (p: string | null) => {
    if (!p) return "";
    const s = stageOf(w, p);
    if (s) return s.label;
    return ({ draft: "草稿", submitted: "已提交", returned: "退回申请人", approved: "评审通过", rejected: "不通过" } as Record<string, string>)[p] ?? p;
  };
  return rows.map((r) => {
    const u = users.find((x) => x.id === r.actorId);
    return {
      id: r.id, at: new Date(r.createdAt).toISOString(), action: r.action, actionLabel: (ACTION_LABEL as Record<string, string>)[r.action] ?? r.action,
      actor: r.actorRole === "system" ? "系统" : u?.displayName ?? u?.username ?? "", actorRole: r.actorRole ? labelOfRole(r.actorRole) ?? r.actorRole : "",
      from: label(r.fromState), to: label(r.toState), comment: r.comment,
    };
  });
}

/** The queue's filters from its URL (unknown values are ignored, never an error). */
export function queueFiltersFrom(url: URL, p: { q: string; offset: number; pageSize: number }): QueueFilters {
  const num = (k: string) => dbId(url.searchParams.get(k));
  const date = (k: string) => { const v = url.searchParams.get(k); return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null; };
  const status = url.searchParams.get("status");
  return {
    view: url.searchParams.get("view") === "all" ? "all" : "todo",
    planId: num("plan"), titleSeriesId: num("series"), unitId: num("unit"),
    status: status && ["submitted", "returned", "approved", "rejected"].includes(status) ? status : null,
    from: date("from"), to: date("to"), q: p.q, offset: p.offset, pageSize: p.pageSize,
  };
}

/** What the queue's filter selects offer a staff member. */
export async function staffQueueOptions(db: Db, viewer: Person) {
  const scope = await loadReviewerScope(db, viewer);
  const [plans, series, units] = await Promise.all([
    db.models.Plan.findAll({ attributes: ["id", "name"], order: [["opensAt", "DESC"], ["id", "DESC"]], limit: 200, raw: true }),
    db.models.TitleSeries.findAll({ attributes: ["id", "name"], order: [["sortOrder", "ASC"], ["id", "ASC"]], raw: true }),
    scope.unitIds.length && scope.unitIds.length <= 500 ? db.models.Unit.findAll({ where: { id: { [Op.in]: scope.unitIds } }, attributes: ["id", "name"], order: [["name", "ASC"]], raw: true }) : [],
  ]);
  return {
    plans: plans.map((p) => ({ value: p.id, label: p.name })),
    series: series.map((s) => ({ value: s.id, label: s.name })),
    units: units.map((u) => ({ value: u.id, label: u.name })),
    scopeEmpty: !scope.unitIds.length && !scope.committeeIds.length && !scope.acceptanceDepartmentIds.length,
  };
}

export const MAX_EXPORT_ROWS = 10_000;

/** A spreadsheet cell: empty stays empty, ID numbers in full (the sheet is for staff in scope). */
const SHEET: FormatOptions = { empty: "" };

/** Each application's 申报信息 as its review form prints it (every form step of its workflow version,
 * read with the form version it is bound to), keyed by field title; titles in first-seen order. */
async function infoCells(db: Db, rows: ApplicationAttrs[]) {
  const titles: string[] = [];
  const cells: Map<string, string>[] = [];
  for (const r of rows) {
    const w = await getWorkflow(db, r.workflowId, r.workflowVersion);
    const m = new Map<string, string>();
    for (const step of w?.steps.filter((s): s is StepDefOf<"form"> => s.kind === "form") ?? []) {
      const formId = step.options?.form;
      if (!formId) continue;
      const form = await getForm(db, formId, r.formVersions[formId]);
      if (!form) continue;
      const data = r.steps[step.id]?.data;
      for (const f of formFields(form, data, { ...SHEET, lookup: lookupIn(await dictionaryLabelsFor(db, [{ schema: form.schema, data }])) })) {
        if (!titles.includes(f.title)) titles.push(f.title);
        if (!m.has(f.title)) m.set(f.title, f.value);
      }
    }
    cells.push(m);
  }
  return { titles, cells };
}

/** The filtered queue as an Excel sheet (every page, up to MAX_EXPORT_ROWS): the list's columns,
 * then each application's 申报信息 (a column per field title not already among them). Cells a
 * spreadsheet would run as formulas are escaped. */
export async function exportQueue(db: Db, viewer: Person, f: QueueFilters) {
  const scope = await loadReviewerScope(db, viewer);
  const where = await queueWhere(db, scope, f);
  const total = await db.models.Application.count({ where });
  if (total > MAX_EXPORT_ROWS) throw new UserError(`符合条件的申报有 ${total} 条，超过单次导出上限 ${MAX_EXPORT_ROWS} 条，请缩小筛选范围`, 422);
  const rows = (await db.models.Application.findAll({ where, order: [["submittedAt", "ASC"], ["id", "ASC"]] })).map((r) => r.get({ plain: true }));
  const list = await describeRows(db, rows);
  const info = await infoCells(db, rows);
  const header = ["申报编号", "姓名", "身份证号", "工作单位", "申报计划", "申报类型", "职称系列", "级别", "提交时间", "当前状态"];
  const extra = info.titles.filter((t) => !header.includes(t));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(f.view === "todo" ? "待我审核" : "全部申报");
  ws.addRow([...header, ...extra.map(escapeCell)]);
  list.forEach((r, i) => {
    const fixed = [r.number ?? "", r.applicantName, r.idNumber, r.unit, r.planName, r.typeName, r.series, r.level, r.submittedAt ? cnDate(r.submittedAt, true) : "", r.stateLabel];
    ws.addRow([...fixed, ...extra.map((t) => info.cells[i].get(t) ?? "")].map((v) => escapeCell(String(v))));
  });
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c, i) => { c.width = [16, 10, 22, 28, 36, 18, 10, 10, 20, 18][i] ?? 16; });
  const stamp = cnDate(new Date()).replace(/[年月]/g, "-").replace("日", "");
  return { filename: `申报列表-${stamp}.xlsx`, body: Buffer.from(await wb.xlsx.writeBuffer()) };
}
