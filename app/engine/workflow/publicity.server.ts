// 公示 (a review-chain stage of kind "publicity", issue 15): the deciding staff (the stage's role,
// in the stage's scope) export the 公示版 review form, enter the period — its end at least the
// stage's minWorkingDays working days after its start on the stage's holiday calendar — and, once
// the Asia/Shanghai calendar day is past the end, record the outcome: 无异议 (the chain goes on as
// after 通过), or 有异议 with the 处理意见 and a decision (继续 / 退回修改 / 不通过). Both entries are
// version-checked on the application row and audited (publicity-start, publicity-end); the outcome's
// chain transition is review-machine's, through applyTransition (which refuses every other way out
// of the stage: publicity-gate.server.ts). Decision 018.
import type { Transaction } from "sequelize";
import type { ApplicationAttrs, PublicityPeriodAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import type { Person } from "~/engine/people/roles";
import { loadReviewerScope, type ReviewerScope } from "~/engine/people/scope.server";
import { bodyId, bodyText } from "~/utils/body-values";
import { dbVersion } from "~/utils/ints.server";
import type { ReviewStage, WorkflowDefinition } from "../definitions/types.generated";
import { findDictionary, rowModel } from "../dictionaries.server";
import { cnDate } from "../format-value";
import { addDays, calendarOf, earliestEnd, isCalendarDay, shanghaiDay, type HolidayCalendar } from "../working-days";
import { publicityEnded, publicityPeriodOf, publicityRefusal } from "./publicity-gate.server";
import { MAX_AHEAD_DAYS, MAX_BACKDATE_DAYS, outcomeText, periodText, PUBLICITY_OUTCOMES, type PublicityOutcome } from "./publicity";
import { stageOf, type ReviewAction } from "./review-machine";
import { applyTransition, audit, checkStaffDecision, REVIEW_CONFLICT, returnFields, stageInScope, staffMaySee } from "./review.server";
import { workflowOfApp } from "./registry.server";

const MAX_OPINION = 500;
const NOT_FOUND = "申报记录不存在或不在您的审核范围内";

/** The holiday calendar a publicity stage counts working days with (its dictionary's rows). */
export async function publicityCalendar(db: Db, stage: Pick<ReviewStage, "calendar">, t?: Transaction): Promise<HolidayCalendar> {
  const d = stage.calendar ? await findDictionary(db, stage.calendar, t) : null;
  if (!d) throw new UserError(`节假日字典「${stage.calendar ?? ""}」不存在，请联系管理员`, 409);
  const rows = await rowModel(db, d).findAll({ attributes: ["date", "kind"], raw: true, transaction: t });
  return calendarOf(rows as { date?: unknown; kind?: unknown }[]);
}

/** The stage the application waits at, when it is a publicity stage this staff member runs. */
function publicityStageFor(w: WorkflowDefinition, scope: ReviewerScope, staff: Person, app: ApplicationAttrs) {
  const stage = stageOf(w, app.stage);
  if (app.status !== "submitted" || stage?.kind !== "publicity") throw new UserError("该申报当前不在公示环节", 409);
  if (stage.role !== staff.role || !stageInScope(stage, scope, app)) throw new UserError(`该申报当前在「${stage.label}」环节，不由您办理`, 409);
  return stage;
}

/** 录入公示期: start and end (YYYY-MM-DD). The start may lie up to MAX_BACKDATE_DAYS in the past. */
export async function enterPublicityPeriod(db: Db, staff: Person, id: number, input: { start?: unknown; end?: unknown; version?: unknown }, now = new Date()) {
  if (bodyId(id) === null) throw new UserError(NOT_FOUND, 404);
  const start = bodyText(input.start).trim();
  const end = bodyText(input.end).trim();
  if (!isCalendarDay(start)) throw new UserError("请填写公示开始日期（如 2026-12-01）", 422);
  if (!isCalendarDay(end)) throw new UserError("请填写公示结束日期（如 2026-12-08）", 422);
  const expected = dbVersion(input.version);
  const scope = await loadReviewerScope(db, staff);
  return db.sequelize.transaction(async (t) => {
    const row = await db.models.Application.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    const app = row?.get({ plain: true });
    const w = app ? await workflowOfApp(db, app) : null;
    if (!app || !w || !staffMaySee(w, scope, app)) throw new UserError(NOT_FOUND, 404);
    const stage = publicityStageFor(w, scope, staff, app);
    if (app.version !== expected) throw new UserError(REVIEW_CONFLICT, 409);
    const today = shanghaiDay(now);
    const first = addDays(today, -MAX_BACKDATE_DAYS);
    const last = addDays(today, MAX_AHEAD_DAYS);
    if (start < first) throw new UserError(`公示开始日期不能早于 ${cnDate(first)}（最多补录 ${MAX_BACKDATE_DAYS} 天前开始的公示）`, 422);
    if (start > last) throw new UserError(`公示开始日期不能晚于 ${cnDate(last)}`, 422);
    const n = stage.minWorkingDays ?? 1;
    const min = earliestEnd(start, n, await publicityCalendar(db, stage, t));
    if (end < min) throw new UserError(`公示期不少于 ${n} 个工作日（节假日不计）：开始日期为 ${cnDate(start)} 时，结束日期最早为 ${cnDate(min)}`, 422);
    const values = { startDate: start, endDate: end, outcome: null, opinion: null, decision: null, enteredBy: staff.id || null, endedBy: null, endedAt: null };
    const existing = await publicityPeriodOf(db, app.id, stage.id, t);
    if (existing) await db.models.PublicityPeriod.update(values, { where: { id: existing.id }, transaction: t });
    else await db.models.PublicityPeriod.create({ applicationId: app.id, stageId: stage.id, ...values }, { transaction: t });
    const [changed] = await db.models.Application.update({ version: app.version + 1 }, { where: { id: app.id, version: app.version }, transaction: t });
    if (changed !== 1) throw new UserError(REVIEW_CONFLICT, 409);
    const state = { status: app.status, stage: app.stage };
    await audit(db, t, staff, app.id, "publicity-start", state, state, `公示期：${periodText(start, end)}`);
    return { version: app.version + 1, start, end };
  });
}

/** The outcome as posted: 无异议 (goes on), or 有异议 with 处理意见 and a decision. */
function cleanOutcome(input: { outcome?: unknown; opinion?: unknown; decision?: unknown }) {
  const outcome = input.outcome;
  if (outcome !== "none" && outcome !== "objection") throw new UserError("请选择公示结果（无异议或有异议）", 422);
  const opinion = bodyText(input.opinion).trim();
  if (opinion.length > MAX_OPINION) throw new UserError(`处理意见不能超过 ${MAX_OPINION} 个字`, 422);
  if (outcome === "none") return { outcome: outcome as PublicityOutcome, opinion: opinion || null, decision: "approve" as ReviewAction };
  if (!opinion) throw new UserError("有异议时请填写处理意见", 422);
  const decision = input.decision;
  if (decision !== "approve" && decision !== "return" && decision !== "reject") throw new UserError("请选择处理决定（继续、退回修改或不通过）", 422);
  return { outcome: outcome as PublicityOutcome, opinion, decision: decision as ReviewAction };
}

/** 录入公示结果, after the period's end: audited as publicity-end, then the chain transition. */
export async function recordPublicityOutcome(
  db: Db, staff: Person, id: number, input: { outcome?: unknown; opinion?: unknown; decision?: unknown; version?: unknown; unlock?: unknown }, now = new Date(),
) {
  if (bodyId(id) === null) throw new UserError(NOT_FOUND, 404);
  const o = cleanOutcome(input);
  const expected = dbVersion(input.version);
  const scope = await loadReviewerScope(db, staff);
  const text = outcomeText(o);
  const extra: Partial<ApplicationAttrs> = {};
  return db.sequelize.transaction((t) => applyTransition(db, t, id, o.decision, staff, {
    publicityOutcome: true, extra,
    comment: o.outcome === "none" ? `公示${PUBLICITY_OUTCOMES.none}` : o.opinion,
    check: async (app, w) => {
      checkStaffDecision(w, scope, staff, app, expected);
      const stage = publicityStageFor(w, scope, staff, app);
      const period = await publicityPeriodOf(db, app.id, stage.id, t);
      const why = publicityRefusal(stage.label, period, now);
      if (why || !period) throw new UserError(why ?? REVIEW_CONFLICT, 409);
      if (o.decision === "return") Object.assign(extra, returnFields(w, stage, input.unlock, o.opinion));
      await db.models.PublicityPeriod.update({ outcome: o.outcome, opinion: o.opinion, decision: o.decision, endedBy: staff.id || null, endedAt: now }, { where: { id: period.id }, transaction: t });
      const state = { status: app.status, stage: app.stage };
      await audit(db, t, staff, app.id, "publicity-end", state, state, `公示结果：${text}`);
    },
  }));
}

export interface PublicityView { stageId: string; label: string; start: string; end: string; period: string; ended: boolean; outcome: string | null; outcomeText: string }

/** Each publicity stage's period and outcome of an application, as the applicant and staff read them. */
export async function publicityViews(db: Db, w: WorkflowDefinition, appId: number, now = new Date()): Promise<PublicityView[]> {
  const stages = w.reviewChain.stages.filter((s) => s.kind === "publicity");
  if (!stages.length) return [];
  const rows = await db.models.PublicityPeriod.findAll({ where: { applicationId: appId }, raw: true });
  return stages.flatMap((s) => {
    const p = rows.find((r) => r.stageId === s.id);
    return p ? [viewOf(s, p, now)] : [];
  });
}

const viewOf = (s: ReviewStage, p: PublicityPeriodAttrs, now: Date): PublicityView => ({
  stageId: s.id, label: s.label, start: p.startDate, end: p.endDate, period: periodText(p.startDate, p.endDate),
  ended: publicityEnded(p, now), outcome: p.outcome, outcomeText: outcomeText(p),
});

/** What the staff page offers at a publicity stage this staff member runs (null: not at one). */
export async function publicityPanel(db: Db, staff: Person, found: { app: ApplicationAttrs; workflow: WorkflowDefinition; scope: ReviewerScope }, now = new Date()) {
  const { app, workflow: w, scope } = found;
  const stage = stageOf(w, app.stage);
  if (app.status !== "submitted" || stage?.kind !== "publicity" || stage.role !== staff.role || !stageInScope(stage, scope, app)) return null;
  const p = await publicityPeriodOf(db, app.id, stage.id);
  const current = p && !p.outcome ? p : null;
  return {
    label: stage.label, minWorkingDays: stage.minWorkingDays ?? 1, today: shanghaiDay(now),
    earliestStart: addDays(shanghaiDay(now), -MAX_BACKDATE_DAYS),
    period: current ? { start: current.startDate, end: current.endDate, text: periodText(current.startDate, current.endDate) } : null,
    /** Why the outcome can't be recorded yet (null: it can). */
    outcomeRefusal: publicityRefusal(stage.label, p, now),
  };
}

/** The 公示版 review form's source: only for staff who run a publicity stage of the application's
 * workflow in its scope (anyone else: the application does not exist for them). */
export function publicityTemplateFor(w: WorkflowDefinition, scope: ReviewerScope, staff: Person, app: ApplicationAttrs): string | null {
  const stage = w.reviewChain.stages.find((s) => s.kind === "publicity" && s.role === staff.role && s.template && stageInScope(s, scope, app));
  return stage?.template ?? null;
}


/** One short line per application of a list (我的申报记录): 单位公示：2026年12月1日至2026年12月8日，无异议. */
export async function publicityLines(db: Db, items: { app: Pick<ApplicationAttrs, "id">; workflow: WorkflowDefinition | null }[], now = new Date()) {
  const ids = items.filter((i) => i.workflow?.reviewChain.stages.some((s) => s.kind === "publicity")).map((i) => i.app.id);
  const rows = ids.length ? await db.models.PublicityPeriod.findAll({ where: { applicationId: ids }, raw: true }) : [];
  const out = new Map<number, string>();
  for (const { app, workflow } of items) {
    const lines = rows.filter((r) => r.applicationId === app.id).flatMap((r) => {
      const s = workflow ? stageOf(workflow, r.stageId) : null;
      if (!s) return [];
      const v = viewOf(s, r, now);
      return [`${v.label}：${v.period}，${r.outcome ? PUBLICITY_OUTCOMES[r.outcome] : v.ended ? "待录入结果" : "公示中"}`];
    });
    if (lines.length) out.set(app.id, lines.join("；"));
  }
  return out;
}
