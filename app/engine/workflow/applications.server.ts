// The wizard interpreter: an application (申报记录) walks the steps of the workflow version it was
// created with. Each step is saved on the server when left and validated there; a step is open
// only when every step before it is complete (by link, URL or raw POST alike); submission checks
// the whole application again in one transaction and happens once.
import { Op, type Transaction } from "sequelize";
import type { ApplicationAttrs, PlanAttrs, StepState } from "../../../db/models";
import { plain, type Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { dbVersion, isDbId } from "~/utils/ints.server";
import { getForm } from "../form-registry.server";
import { cnDate, latestTemplateVersions } from "../templates.server";
import { planStatus, planTypeOf, precheck } from "../plans.server";
import type { StepDef, StepDefOf, StepKind, WorkflowDefinition } from "../definitions/types.generated";
import { getWorkflow, workflowOfApp } from "./registry.server";
import { FINAL, transition } from "./review-machine";
import { recordStageVisit } from "../stats/stage-visits.server";
import { boundForms, isFinal, pluginOf, stepCtx, stepPage, summarySections, type StepScope, type StepWrite } from "./steps.server";
import { consumeToken, pledgeHtml, storeSignature, usableToken, type Signature } from "./pledge.server";

export const CONFLICT_MESSAGE = "申报信息已在其他页面或窗口中修改，请刷新页面后重试";
export type ApplicationRow = ApplicationAttrs;

const when = (d: Date | string) => cnDate(d, true);

function windowRefusal(plan: PlanAttrs, now: Date) {
  const s = planStatus(plan, now);
  if (s === "open") return null;
  return `${s === "upcoming" ? "该申报计划尚未开始申报" : "该申报计划已截止申报"}（申报时间：${when(plan.opensAt)} 至 ${when(plan.closesAt)}）`;
}

async function audit(db: Db, t: Transaction, actor: { id: number; role: string }, appId: number, action: string, from: string | null, to: string | null, comment: string | null = null) {
  const row = await db.models.AuditLog.create({ actorId: actor.id, actorRole: actor.role, entityType: "application", entityId: String(appId), action, fromState: from, toState: to, comment }, { transaction: t });
  await recordStageVisit(db, t, row.get({ plain: true }));
}

/**
 * 【马上申报】: the applicant's application for the plan — the existing one (one per applicant per
 * plan), or a new draft bound to the plan's current workflow version and form versions.
 * `initialDepartmentId` is the 受理部门 chosen on the plan list (初定/认定), if any.
 */
export async function startApplication(db: Db, userId: number, planId: number, initialDepartmentId?: number | null, now = new Date()) {
  const plan = isDbId(planId) ? plain(await db.models.Plan.findByPk(planId)) : null;
  if (!plan) throw new UserError("申报计划不存在", 404);
  const existing = plain(await db.models.Application.findOne({ where: { userId, planId } }));
  if (existing) return { id: existing.id, created: false };
  const refusal = windowRefusal(plan, now);
  if (refusal) throw new UserError(refusal, 409);
  const type = await planTypeOf(db, plan);
  const workflow = type ? await getWorkflow(db, type.applicationType) : null;
  if (!workflow) throw new UserError("该申报类型尚未配置申报流程，请联系管理员", 409);
  const formVersions: Record<string, number> = {};
  for (const formId of boundForms(workflow)) {
    const form = await getForm(db, formId);
    if (!form) throw new UserError("申报信息表单缺失，请联系管理员", 409);
    formVersions[form.id] = form.version;
  }
  const profile = await db.models.Profile.findOne({ where: { userId }, attributes: ["unitId"], raw: true });
  const dept = initialDepartmentId && plan.acceptanceDepartmentIds.includes(initialDepartmentId) ? initialDepartmentId
    : plan.acceptanceDepartmentIds.length === 1 ? plan.acceptanceDepartmentIds[0] : null;
  try {
    return await db.sequelize.transaction(async (t) => {
      const row = await db.models.Application.create({
        userId, planId, workflowId: workflow.id, workflowVersion: workflow.version, status: "draft", steps: {}, formVersions,
        unitId: profile?.unitId ?? null, acceptanceDepartmentId: dept,
        committeeId: plan.committeeIds.length === 1 ? plan.committeeIds[0] : null,
      }, { transaction: t });
      await audit(db, t, { id: userId, role: "applicant" }, row.id, "create", null, "draft");
      return { id: row.id, created: true };
    });
  } catch (e) {
    // Two clicks at once: the unique (userId, planId) index lets one insert win; the other reopens it.
    if ((e as Error).name === "SequelizeUniqueConstraintError") {
      const row = plain(await db.models.Application.findOne({ where: { userId, planId } }));
      if (row) return { id: row.id, created: false };
    }
    throw e;
  }
}

/** The applicant's own application, or null (another person's id reads as missing). */
export async function getOwnApplication(db: Db, userId: number, id: number): Promise<ApplicationRow | null> {
  if (!isDbId(id)) return null;
  return plain(await db.models.Application.findOne({ where: { id, userId } }));
}

export interface Loaded { app: ApplicationRow; plan: PlanAttrs; workflow: WorkflowDefinition }

export async function loadOwn(db: Db, userId: number, id: number): Promise<Loaded> {
  const app = await getOwnApplication(db, userId, id);
  if (!app) throw new UserError("申报记录不存在", 404);
  const plan = plain(await db.models.Plan.findByPk(app.planId));
  const workflow = await workflowOfApp(db, app);
  if (!plan || !workflow) throw new UserError("申报记录不存在", 404);
  return { app, plan, workflow };
}

export interface StepStatus { id: string; kind: string; title: string; complete: boolean; open: boolean }

/** Per step: complete (saved and validated) and open (every earlier step complete). */
export function stepStatuses(w: WorkflowDefinition, app: Pick<ApplicationRow, "steps">): StepStatus[] {
  let open = true;
  return w.steps.map((s) => {
    const complete = !!app.steps[s.id]?.completedAt;
    const st = { id: s.id, kind: s.kind, title: s.title, complete, open };
    if (!complete) open = false;
    return st;
  });
}

/** Where the applicant left off: the first step not complete (the last when all are); for a
 * returned application, the first step the reviewer unlocked. */
export function resumeStep(w: WorkflowDefinition, app: Pick<ApplicationRow, "steps" | "status" | "returnedSteps">): StepDef {
  if (app.status === "returned") {
    const open = editableSteps(w, app);
    return w.steps.find((s) => open.includes(s.id) && !app.steps[s.id]?.completedAt) ?? w.steps.find((s) => open.includes(s.id))!;
  }
  return w.steps.find((s) => !app.steps[s.id]?.completedAt) ?? w.steps[w.steps.length - 1];
}

/** The step of the application's workflow with this id; an unknown id is a 404. */
export function stepOf(l: Loaded, stepId: string) {
  const index = l.workflow.steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw new UserError("申报步骤不存在", 404);
  return { step: l.workflow.steps[index], index };
}

/** Refuses a step whose predecessors are not complete, naming the first one missing. */
export function guardStep(l: Loaded, stepId: string) {
  const { step, index } = stepOf(l, stepId);
  const missing = l.workflow.steps.slice(0, index).find((s) => !l.app.steps[s.id]?.completedAt);
  if (missing) throw new UserError(`请先完成「${missing.title}」`, 409);
  return step;
}

/** Steps the applicant may change now: every step of a draft; of a returned application, the
 * steps the reviewer unlocked plus 检查并提交 (to resubmit). Nothing once submitted. */
export function editableSteps(w: WorkflowDefinition, app: Pick<ApplicationRow, "status" | "returnedSteps">): string[] {
  if (app.status === "draft") return w.steps.map((s) => s.id);
  if (app.status === "returned") return w.steps.filter((s) => isFinal(s) || (app.returnedSteps ?? []).includes(s.id)).map((s) => s.id);
  return [];
}

function guardEditable(l: Loaded, stepId: string) {
  // An unknown step is not found, not "already submitted".
  stepOf(l, stepId);
  if (!editableSteps(l.workflow, l.app).includes(stepId)) {
    throw new UserError(l.app.status === "returned" ? "该步骤未被退回修改，不能更改" : "申报已提交，不能再修改", 409);
  }
}

export function scopeOf(db: Db, l: Loaded): StepScope {
  return { db, app: l.app, plan: l.plan, workflow: l.workflow };
}

/** A step's page (its kind and view), once every step before it is complete. */
export async function stepView(db: Db, l: Loaded, stepId: string) {
  return stepPage(scopeOf(db, l), guardStep(l, stepId));
}

/**
 * Applies one step write: the step's new state (and any application columns it sets) under the
 * optimistic lock, plus the handler's own rows in the same transaction.
 */
async function applyWrite(db: Db, l: Loaded, step: StepDef, expectedVersion: number, w: StepWrite) {
  const now = new Date();
  const prev = l.app.steps[step.id];
  const state: StepState = { data: w.data === undefined ? prev?.data ?? null : w.data, completedAt: w.complete ? now.toISOString() : null };
  const steps = { ...l.app.steps, [step.id]: state };
  await db.sequelize.transaction(async (t) => {
    const [n] = await db.models.Application.update(
      { steps, ...(w.columns ?? {}), version: expectedVersion + 1 },
      { where: { id: l.app.id, userId: l.app.userId, version: expectedVersion, status: l.app.status }, transaction: t },
    );
    if (n !== 1) {
      const now2 = await db.models.Application.findByPk(l.app.id, { attributes: ["status"], transaction: t, raw: true });
      throw new UserError(now2 && now2.status !== l.app.status ? "申报已提交，不能再修改" : CONFLICT_MESSAGE, 409);
    }
    if (w.inTransaction) await w.inTransaction(t);
  });
  return { version: expectedVersion + 1, complete: !!w.complete, message: w.message };
}

// A version past the INTEGER range is refused before it reaches a query (dbVersion).
const versionOf = dbVersion;

/**
 * A POST to a step: `next` (【下一步】 — validate and complete), or one of the step's own intents
 * (upload, extract, sign…). Refused when the application is submitted, the step is not open yet,
 * or the page was out of date (409).
 */
export async function postStep(db: Db, l: Loaded, stepId: string, intent: string, body: Record<string, unknown>, extra: { request: Request; ip: string | null }) {
  guardEditable(l, stepId);
  const step = guardStep(l, stepId);
  const expected = versionOf(body.version);
  if (expected !== l.app.version) throw new UserError(CONFLICT_MESSAGE, 409);
  return applyWrite(db, l, step, expected, await postTo(scopeOf(db, l), step, intent, body, extra));
}
async function postTo<K extends StepKind>(scope: StepScope, step: StepDefOf<K>, intent: string, body: Record<string, unknown>, extra: { request: Request; ip: string | null }): Promise<StepWrite> {
  const handler = pluginOf(step);
  const ctx = stepCtx(scope, step);
  if (intent === "next") return handler.next(ctx, body);
  if (handler.act) return handler.act(ctx, intent, body, extra);
  throw new UserError("不支持的操作");
}

/** An upload to a step (photo, attachment slot): multipart, with the intent and version in the URL. */
export async function uploadToStep(db: Db, l: Loaded, stepId: string, params: URLSearchParams, request: Request) {
  guardEditable(l, stepId);
  const step = guardStep(l, stepId);
  const expected = versionOf(params.get("version"));
  if (expected !== l.app.version) throw new UserError(CONFLICT_MESSAGE, 409);
  return applyWrite(db, l, step, expected, await uploadTo(scopeOf(db, l), step, params, request));
}
async function uploadTo<K extends StepKind>(scope: StepScope, step: StepDefOf<K>, params: URLSearchParams, request: Request): Promise<StepWrite> {
  const handler = pluginOf(step);
  if (!handler.upload) throw new UserError("该步骤不接受上传文件");
  return handler.upload(stepCtx(scope, step), params, request);
}
function checkStep<K extends StepKind>(scope: StepScope, step: StepDefOf<K>) {
  return pluginOf(step).check(stepCtx(scope, step));
}

/** A write that is not tied to the page's version (the phone signing the pledge): retried on a race. */
export async function writeStepLatest(db: Db, appId: number, stepId: string, make: (l: Loaded) => Promise<StepWrite>) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const app = plain(await db.models.Application.findByPk(appId));
    if (!app) throw new UserError("申报记录不存在", 404);
    const l = await loadOwn(db, app.userId, appId);
    guardEditable(l, stepId);
    const step = guardStep(l, stepId);
    try {
      return await applyWrite(db, l, step, l.app.version, await make(l));
    } catch (e) {
      if (!(e instanceof UserError && e.message === CONFLICT_MESSAGE)) throw e;
    }
  }
  throw new UserError(CONFLICT_MESSAGE, 409);
}

/** Problems that stop submission: every step re-checked, the plan window, eligibility. */
export async function submissionProblems(db: Db, l: Loaded, now = new Date(), opts: { resubmit?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];
  // The window closes new submissions; an application returned for correction may come back after it.
  const refusal = opts.resubmit ? null : windowRefusal(l.plan, now);
  if (refusal) problems.push(refusal);
  for (const step of l.workflow.steps) {
    if (isFinal(step)) continue;
    if (!l.app.steps[step.id]?.completedAt) { problems.push(`「${step.title}」尚未完成`); continue; }
    for (const p of await checkStep(scopeOf(db, l), step)) problems.push(`「${step.title}」：${p}`);
  }
  const unmet = (await precheck(db, l.app.userId, l.plan, now)).filter((r) => !r.met);
  for (const r of unmet) problems.push(`资格条件不满足：${r.label}`);
  return problems;
}

export function applicationNumber(w: WorkflowDefinition, plan: PlanAttrs, id: number) {
  return `${w.numberPrefix}${plan.year}${String(id).padStart(6, "0")}`;
}

/**
 * 【提交】. Idempotent: a second submit of the same application (double click, second tab,
 * replayed POST) answers like the first and changes nothing. The draft → submitted update is
 * conditional on the version the page showed, so a change made in between is not submitted
 * unseen.
 */
/** Name and ID number of the applicant as staff lists show them: the profile's display-name field
 * and its 身份证号 field (the field whose format is cn-id-card), whatever the profile form calls them. */
async function applicantIdentity(db: Db, userId: number, t: Transaction) {
  const profile = await db.models.Profile.findOne({ where: { userId }, transaction: t });
  const form = profile ? await getForm(db, profile.formId, profile.formVersion) : null;
  const data = (profile?.data ?? {}) as Record<string, unknown>;
  const props = form?.schema.properties ?? {};
  const idField = Object.keys(props).find((k) => props[k].format === "cn-id-card");
  const nameField = form?.meta.displayNameField;
  const str = (v: unknown, n: number) => (typeof v === "string" ? v.slice(0, n) : null);
  return {
    unitId: profile?.unitId ?? null, applicantName: nameField ? str(data[nameField], 64) : null, applicantIdNumber: idField ? str(data[idField], 18) : null,
    profileSnapshot: profile ? { formId: profile.formId, formVersion: profile.formVersion, data } : null,
  };
}

/**
 * 【提交】 (or, for an application returned by a reviewer, 重新提交 — landing back at the stage that
 * returned it). Idempotent: a second submit of the same application (double click, second tab,
 * replayed POST) answers like the first and changes nothing. The update is conditional on the
 * version the page showed, so a change made in between is not submitted unseen.
 */
export async function submitApplication(db: Db, userId: number, id: number, expectedVersion: unknown, now = new Date()) {
  const l = await loadOwn(db, userId, id);
  if (l.app.status !== "draft" && l.app.status !== "returned") return { number: l.app.number!, already: true, final: FINAL.includes(l.app.status) };
  const resubmit = l.app.status === "returned";
  const step = l.workflow.steps[l.workflow.steps.length - 1];
  guardStep(l, step.id);
  const expected = versionOf(expectedVersion);
  if (expected !== l.app.version) throw new UserError(CONFLICT_MESSAGE, 409);
  const problems = await submissionProblems(db, l, now, { resubmit });
  if (problems.length) throw new UserError(`申报信息未通过检查，请修改后再提交：${problems.join("；")}`, 422);
  const number = l.app.number ?? applicationNumber(l.workflow, l.plan, l.app.id);
  const result = await db.sequelize.transaction(async (t) => {
    const who = await applicantIdentity(db, userId, t);
    // The review form and the pledge print with the template versions of this (re)submission.
    const templateVersions = await latestTemplateVersions(db, Object.values(l.workflow.templates), t);
    const steps = { ...l.app.steps, [step.id]: { data: { submittedAt: now.toISOString() }, completedAt: now.toISOString() } };
    const to = resubmit ? transition(l.workflow, { status: "returned", stage: l.app.stage }, "resubmit", "applicant") : { ok: true as const, to: { status: "submitted", stage: l.workflow.reviewChain.stages[0]?.id ?? null } };
    if (!to.ok) throw new UserError(to.reason, 409);
    const [n] = await db.models.Application.update(
      {
        status: to.to.status, stage: to.to.stage, number, steps, unitId: who.unitId ?? l.app.unitId, applicantName: who.applicantName, applicantIdNumber: who.applicantIdNumber, profileSnapshot: who.profileSnapshot,
        templateVersions, returnedSteps: null, version: expected + 1, ...(resubmit ? {} : { submittedAt: now }),
      },
      { where: { id, userId, status: l.app.status, version: expected }, transaction: t },
    );
    if (n !== 1) return null;
    await audit(db, t, { id: userId, role: "applicant" }, id, resubmit ? "resubmit" : "submit", resubmit ? "returned" : "draft", to.to.stage ?? to.to.status);
    return { number, already: false, final: false };
  });
  if (result) return result;
  const again = await getOwnApplication(db, userId, id);
  if (again && again.status !== "draft" && again.status !== "returned") return { number: again.number!, already: true, final: FINAL.includes(again.status) };
  throw new UserError(CONFLICT_MESSAGE, 409);
}

/** 放弃草稿: deletes a draft (its snapshots and tokens go with it); submitted ones stay. */
export async function discardDraft(db: Db, userId: number, id: number, expectedVersion: unknown) {
  const app = await getOwnApplication(db, userId, id);
  if (!app) throw new UserError("申报记录不存在", 404);
  if (app.status !== "draft") throw new UserError("已提交的申报不能删除", 409);
  const expected = versionOf(expectedVersion);
  await db.sequelize.transaction(async (t) => {
    await db.models.ApplicationAchievement.destroy({ where: { applicationId: id }, transaction: t });
    await db.models.PledgeToken.destroy({ where: { applicationId: id }, transaction: t });
    const n = await db.models.Application.destroy({ where: { id, userId, status: "draft", version: expected }, transaction: t });
    if (n !== 1) throw new UserError(CONFLICT_MESSAGE, 409);
    await audit(db, t, { id: userId, role: "applicant" }, id, "discard", "draft", null);
  });
}

/** 我的申报记录: the applicant's applications, newest first, with their plan. */
export async function listOwnApplications(db: Db, userId: number, opts: { offset: number; pageSize: number; status?: string | null }) {
  const where: Record<string, unknown> = { userId };
  if (opts.status) where.status = opts.status;
  const found = await db.models.Application.findAndCountAll({ where, order: [["updatedAt", "DESC"], ["id", "DESC"]], offset: opts.offset, limit: opts.pageSize });
  const rows = found.rows.map((r) => r.get({ plain: true }));
  const count = found.count;
  const plans = (await db.models.Plan.findAll({ where: { id: { [Op.in]: [...new Set(rows.map((r) => r.planId))] } } })).map((p) => p.get({ plain: true }));
  const out = [];
  for (const r of rows) {
    const w = await workflowOfApp(db, r);
    const plan = plans.find((p) => p.id === r.planId);
    out.push({ app: r, plan, workflow: w, resume: w && r.status === "draft" ? resumeStep(w, r) : null });
  }
  return { rows: out, total: count };
}

// ---- the phone page of the pledge hand-off (no login: the token is the credential) -------------

/** What the phone shows for a token: the pledge to sign, or a UserError (invalid/used/expired). */
export async function phoneSignView(db: Db, token: string) {
  const row = await usableToken(db, token);
  const app = plain(await db.models.Application.findByPk(row.applicationId));
  if (!app) throw new UserError("二维码无效", 404);
  const l = await loadOwn(db, app.userId, app.id);
  if (l.app.status !== "draft") throw new UserError("该申报已提交，无需再签署", 410);
  return { html: await pledgeHtml(db, l.workflow, l.app, l.plan, null), expiresAt: new Date(row.expiresAt).toISOString(), planName: l.plan.name };
}

/** Signing on the phone: the token is used once (a second use, even at the same instant, is refused). */
export async function phoneSign(db: Db, token: string, signature: unknown, meta: { ip: string | null; userAgent: string | null }) {
  const row = await usableToken(db, token);
  const key = await storeSignature(db, row.userId, signature);
  const sig: Signature = { key, signedAt: new Date().toISOString(), ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null, via: "phone" };
  return writeStepLatest(db, row.applicationId, row.stepId, async () => ({
    data: sig, complete: true,
    inTransaction: async (t) => {
      if (!(await consumeToken(db, row.id, t))) throw new UserError("该二维码已使用过或已过期，请在电脑上刷新页面获取新的二维码", 410);
    },
  }));
}

/** For the desktop page's poll: has the pledge step been signed (on the phone) yet? */
export async function pledgeSigned(db: Db, userId: number, id: number, stepId: string) {
  const app = await getOwnApplication(db, userId, id);
  if (!app) throw new UserError("申报记录不存在", 404);
  return { signed: !!app.steps[stepId]?.completedAt, version: app.version };
}

/** Every step's read-only summary (the 检查申报信息 view), for the record page. */
export async function applicationSummary(db: Db, l: Loaded) {
  return { sections: await summarySections(scopeOf(db, l)) };
}
