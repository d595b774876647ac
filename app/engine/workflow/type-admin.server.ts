// 申报类型管理: application types (workflows) listed, checked and published from the browser. A
// version goes through the one publisher (every check a workflow file gets); a new type gets its
// plan type in the same transaction. Publishing moves the applications in review onto the new
// chain (decision 012) — one waiting at a stage the new version no longer has is "stranded" and
// the publish is refused until the administrator maps that stage to one of the new version.
import { Op, type Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { aggregateRows } from "~/utils/aggregate.server";
import { rolesThatMay, roleLabel, SCOPE_KINDS } from "~/engine/people/roles";
import { DefinitionError } from "../definitions/errors";
import { getDefinition, latestVersion, publishDefinition, unpublished } from "../definitions/lifecycle.server";
import { workflowKind } from "../definitions/kinds/workflow.server";
import { PLAN_TYPES_ID, planTypesKind } from "../definitions/kinds/plan-types.server";
import { formKind } from "../definitions/kinds/form.server";
import type { PlanTypeDef, ReviewStage, WorkflowDefinition } from "../definitions/types.generated";
import { listCategories } from "../archive.server";
import { parseDefinitionText } from "../schema-safety.server";
import { STEP_OPTIONS_SCHEMAS } from "./steps/options.generated";
import { stageOf } from "./review-machine";
import { recordStageVisit } from "../stats/stage-visits.server";

/** Where an application is "in review": it follows its type's chain and may be moved to a new one. */
const IN_REVIEW = ["submitted", "returned"];

/** Who a stage's scope kind names, in the words of the scope kinds. */
const STAGE_SCOPE_LABELS: Record<NonNullable<ReviewStage["scope"]>, string> = {
  unit: SCOPE_KINDS.unit.label, department: SCOPE_KINDS.department.label,
  committee: SCOPE_KINDS.committee.label, acceptanceDepartment: SCOPE_KINDS.acceptance.label,
};

export interface TypeVersionRow { version: number; createdBy: string; createdAt: string; drafts: number; inReview: number; finished: number }
export interface TypeRow { id: string; name: string; planType: string; latest: number; createdBy: string; createdAt: string; versions: TypeVersionRow[] }

/** Every application type with its versions and how many applications use each. */
export async function listTypes(db: Db, o: { q?: string; page: number; pageSize: number }) {
  const versions = await db.models.WorkflowVersion.findAll({ attributes: ["workflowId", "version", "name", "createdBy", "createdAt"], order: [["workflowId", "ASC"], ["version", "DESC"]], raw: true });
  const counts = await aggregateRows<{ workflowId: string; workflowVersion: number; status: string; n: number }>(db.models.Application.findAll({
    attributes: ["workflowId", "workflowVersion", "status", [db.sequelize.fn("COUNT", db.sequelize.col("id")), "n"]],
    group: ["workflowId", "workflowVersion", "status"], raw: true,
  }));
  const count = (id: string, v: number, statuses: (s: string) => boolean) =>
    counts.filter((c) => c.workflowId === id && Number(c.workflowVersion) === v && statuses(c.status)).reduce((n, c) => n + Number(c.n), 0);
  const rows: TypeRow[] = [];
  for (const v of versions) {
    let row = rows.find((r) => r.id === v.workflowId);
    if (!row) {
      const w = (await getDefinition(db, workflowKind, v.workflowId, v.version))!;
      row = { id: v.workflowId, name: w.name, planType: w.planType, latest: v.version, createdBy: v.createdBy, createdAt: new Date(v.createdAt).toISOString(), versions: [] };
      rows.push(row);
    }
    row.versions.push({
      version: v.version, createdBy: v.createdBy, createdAt: new Date(v.createdAt).toISOString(),
      drafts: count(v.workflowId, v.version, (s) => s === "draft"), inReview: count(v.workflowId, v.version, (s) => IN_REVIEW.includes(s)),
      finished: count(v.workflowId, v.version, (s) => s !== "draft" && !IN_REVIEW.includes(s)),
    });
  }
  const q = o.q?.trim();
  const hits = q ? rows.filter((r) => r.id.includes(q) || r.name.includes(q) || r.planType.includes(q)) : rows;
  return { rows: hits.slice((o.page - 1) * o.pageSize, o.page * o.pageSize), total: hits.length };
}

/** A step kind's options schema as the designer's form shows it (descriptions are its help text). */
function stepKinds() {
  return Object.entries(STEP_OPTIONS_SCHEMAS).map(([kind, schema]) => {
    const description = String((schema as { description?: string }).description ?? kind);
    return { kind, label: description.split("：")[0].replace(/步骤$/, ""), schema: schema as Record<string, unknown> };
  });
}

/** What the designer offers to pick from: step kinds and their options, forms, categories, roles, scopes, templates, plan types. */
export async function designerChoices(db: Db) {
  const formIds = (await db.models.FormVersion.findAll({ attributes: ["formId"], where: { kind: "application" }, group: ["formId"], raw: true })).map((r) => r.formId).sort();
  const forms = [];
  for (const id of formIds) {
    const f = await getDefinition(db, formKind, id);
    if (f) forms.push({ id, title: f.title, schema: f.schema, uiSchema: f.uiSchema });
  }
  const templates = (await db.models.TemplateVersion.findAll({ attributes: ["templateId"], group: ["templateId"], raw: true })).map((r) => r.templateId).sort();
  const plan = await getDefinition(db, planTypesKind, PLAN_TYPES_ID);
  return {
    stepKinds: stepKinds(),
    forms,
    categories: (await listCategories(db)).map((c) => ({ slug: c.slug, title: c.title })),
    roles: rolesThatMay("applications").map((r) => ({ value: r, label: roleLabel(r) })),
    scopes: Object.entries(STAGE_SCOPE_LABELS).map(([value, label]) => ({ value, label })),
    templates,
    planTypes: plan?.planTypes ?? [],
  };
}

/** The latest version of a type as the designer edits it (without what publishing added). */
export async function typeForDesigner(db: Db, id: string) {
  const w = await getDefinition(db, workflowKind, id);
  return w ? unpublished(w) : null;
}

export interface Stranded { id: number; number: string | null; applicantName: string | null; status: string; stage: string; stageLabel: string }
export interface TypeImpact { version: number; isNew: boolean; drafts: number; moving: number; stranded: Stranded[]; newPlanType: boolean }
export type PublishTypeResult =
  | { ok: true; published: boolean; impact: TypeImpact }
  | { ok: false; problems: string[]; impact?: TypeImpact };

/** What the page posts: the definition text, the plan type's menu label and acceptance for a new
 * plan type, and the stage map for stranded applications (old stage id → new stage id). */
export interface TypeInput { text: unknown; planTypeLabel?: unknown; acceptedBy?: unknown; stageMap?: unknown; isNew?: boolean; id?: string }

class Rollback extends Error {}

/**
 * 检查 (dryRun) and 发布新版本: everything runs in one transaction — plan type, the version through
 * the publisher, the chain move — and a check rolls it back, so both answer with the same problems
 * and the same impact.
 */
export async function publishType(db: Db, actor: { username: string; id: number; role: string }, input: TypeInput, o: { dryRun: boolean }): Promise<PublishTypeResult> {
  const parsed = parseDefinitionText(typeof input.text === "string" ? input.text : "");
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const raw = parsed.value;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, problems: ["申报类型定义应为 JSON 对象"] };
  const def = { ...(raw as Record<string, unknown>) };
  for (const k of ["version", "$schema", "formatVersion"]) Reflect.deleteProperty(def, k);
  if (input.id && def.id !== input.id) return { ok: false, problems: [`编号不可修改：本页面编辑的是「${input.id}」`] };
  const id = typeof def.id === "string" ? def.id : "";
  const stageMap = input.stageMap && typeof input.stageMap === "object" && !Array.isArray(input.stageMap) ? (input.stageMap as Record<string, unknown>) : {};
  let result: PublishTypeResult | null = null;
  try {
    await db.sequelize.transaction(async (t) => {
      const latest = id ? await latestVersion(db, workflowKind, id, t) : null;
      if (input.isNew && latest !== null) { result = { ok: false, problems: [`编号「${id}」已被使用`] }; throw new Rollback(); }
      const version = (latest ?? 0) + 1;
      const problems: string[] = [];
      const newPlanType = await ensurePlanType(db, actor, def, input, t, problems);
      let published: WorkflowDefinition | null = null;
      if (!problems.length) {
        try {
          published = (await publishDefinition(db, workflowKind, def, { by: actor.username, untrusted: true, version, transaction: t })).def;
        } catch (e) {
          if (!(e instanceof DefinitionError)) throw e;
          problems.push(...e.problems.map((p) => p.replace(/^: /, "")));
        }
      }
      const impact: TypeImpact = { version, isNew: latest === null, newPlanType, drafts: 0, moving: 0, stranded: [] };
      if (published && latest !== null) {
        Object.assign(impact, await moveToChain(db, actor, published, stageMap, t, problems));
      }
      result = problems.length ? { ok: false, problems, impact } : { ok: true, published: !o.dryRun, impact };
      if (problems.length || o.dryRun) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return result!;
}

/** A type whose plan type is not yet published gets it (menu label and acceptance from the page). */
async function ensurePlanType(db: Db, actor: { username: string }, def: Record<string, unknown>, input: TypeInput, t: Transaction, problems: string[]) {
  const current = await getDefinition(db, planTypesKind, PLAN_TYPES_ID, undefined, { transaction: t });
  const types: PlanTypeDef[] = current?.planTypes ?? [];
  if (typeof def.planType !== "string" || !def.planType || types.some((p) => p.planType === def.planType)) return false;
  const label = typeof input.planTypeLabel === "string" && input.planTypeLabel.trim() ? input.planTypeLabel.trim() : String(def.name ?? "");
  const acceptedBy = input.acceptedBy === "departments" ? "departments" : "committees";
  try {
    await publishDefinition(db, planTypesKind, { planTypes: [...types, { planType: def.planType, applicationType: String(def.id ?? ""), label, recognitionTypes: [], acceptedBy }] }, { by: actor.username, untrusted: true, transaction: t });
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    problems.push(...e.problems.map((p) => `计划类型：${p.replace(/^: /, "")}`));
  }
  return true;
}

/**
 * The applications in review of `w`'s type onto its chain, audited. One at a stage `w` lacks goes
 * to `stageMap[stage]` (a stage of `w`); without one it is listed as stranded and a problem is added.
 */
async function moveToChain(db: Db, actor: { username: string; id: number; role: string }, w: WorkflowDefinition, stageMap: Record<string, unknown>, t: Transaction, problems: string[]) {
  const apps = await db.models.Application.findAll({ where: { workflowId: w.id, status: { [Op.in]: IN_REVIEW } }, order: [["id", "ASC"]], transaction: t, lock: t.LOCK.UPDATE });
  const drafts = await db.models.Application.count({ where: { workflowId: w.id, status: "draft" }, transaction: t });
  const stranded: Stranded[] = [];
  for (const row of apps) {
    const a = row.get({ plain: true });
    let stage = a.stage;
    if (stage && !stageOf(w, stage)) {
      const to = stageMap[stage];
      const target = typeof to === "string" ? stageOf(w, to) : null;
      // A returned application waits for the applicant: any stage will do. One in review waits for a reviewer: a review stage.
      if (!target) {
        const old = await workflowStageLabel(db, a.workflowId, a.chainVersion, stage);
        stranded.push({ id: a.id, number: a.number, applicantName: a.applicantName, status: a.status, stage, stageLabel: old });
        continue;
      }
      stage = target.id;
    }
    await row.update({ chainVersion: w.version, stage, version: a.version + 1 }, { transaction: t });
    const log = await db.models.AuditLog.create({
      actorId: actor.id || null, actorRole: actor.role, entityType: "application", entityId: String(a.id), action: "chain-upgrade",
      fromState: a.status === "submitted" ? a.stage : a.status, toState: a.status === "submitted" ? stage : a.status,
      comment: `申报类型「${w.name}」发布第 ${w.version} 版，评审流程随之更新`,
    }, { transaction: t });
    await recordStageVisit(db, t, log.get({ plain: true }));
  }
  if (stranded.length) {
    const stages = [...new Set(stranded.map((s) => `「${s.stageLabel}」`))].join("、");
    problems.push(`有 ${stranded.length} 份申报停在新版本已删除的环节 ${stages}：请为每个环节选择新版本中的一个环节后再发布`);
  }
  return { drafts, moving: apps.length - stranded.length, stranded };
}

async function workflowStageLabel(db: Db, id: string, version: number, stage: string) {
  const w = await getDefinition(db, workflowKind, id, version);
  return (w && stageOf(w, stage)?.label) ?? stage;
}

/** Whether a URL's id can name a type at all (anything else names none). */
export const isTypeId = (v: string | undefined): v is string => !!v && /^[a-z][a-z0-9-]{1,63}$/.test(v);
