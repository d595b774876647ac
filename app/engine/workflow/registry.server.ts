// Workflow registry: the application-type kind of the definitions (workflows/<id>.json → checked
// → immutable versions in workflow_versions, decisions 008 and 009): the checks a workflow must
// pass (shape, rules between steps, every name it references) and reading published versions. An
// application records the (workflowId, version) it was created with and is always interpreted
// with that version.
import type { Transaction } from "sequelize";
import type { ApplicationAttrs } from "../../../db/models";
import { getEnv } from "~/utils/env.server";
import type { Db } from "~/utils/db.server";
import { aggregateRows } from "~/utils/aggregate.server";
import { readFormFiles, type FormDefinition } from "../form-registry.server";
import { declaredDictionaryIds } from "../dictionaries.server";
import { planTypes } from "../plans.server";
import { CATEGORY_KIND } from "../archive.server";
import { PROFILE_FORM_ID } from "~/engine/people/profile.server";
import { may, rolesThatMay } from "~/engine/people/roles";
import { contentHash } from "../definitions/hash";
import { checkedContent, getDefinition, loadDefinitionFiles, syncDefinitionFiles, unpublished } from "../definitions/lifecycle.server";
import { workflowKind } from "../definitions/kinds/workflow.server";
import { formKind } from "../definitions/kinds/form.server";
import { planTypesKind } from "../definitions/kinds/plan-types.server";
import { templateKind } from "../definitions/kinds/template.server";
import type { PlanTypeDef, WorkflowDefinition } from "../definitions/types.generated";
import { passRuleProblems } from "./vote-rule";
import { stepReferences, stepRules, type WorkflowCatalog } from "./steps.server";

export type { WorkflowCatalog };

export function workflowsDir() {
  return getEnv().workflowsDir;
}

export function hashWorkflow(def: WorkflowDefinition) {
  const { version: _v, ...rest } = def as WorkflowDefinition & { $comment?: string };
  delete (rest as { $comment?: string }).$comment;
  return contentHash(rest);
}

/** Structural problems (meta-schema and rules between steps), in Chinese, each naming the file. */
export function checkWorkflowShape(def: unknown, source: string): string[] {
  const checked = checkedContent(workflowKind, def, source);
  return "problems" in checked ? checked.problems : checkWorkflowRules(checked.content, source);
}

/** The rules between steps and stages that the meta-schema cannot say. */
export function checkWorkflowRules(w: WorkflowDefinition, source: string): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const s of w.steps) {
    if (ids.has(s.id)) out.push(`${source}: 步骤 id「${s.id}」重复`);
    ids.add(s.id);
  }
  out.push(...stepRules(w, source));
  const stageIds = new Set<string>();
  for (const st of w.reviewChain.stages) {
    if (stageIds.has(st.id)) out.push(`${source}: 评审环节 id「${st.id}」重复`);
    stageIds.add(st.id);
    if (st.role !== undefined && !may(st.role, "applications")) {
      out.push(`${source}: 评审环节「${st.id}」的 role「${st.role}」不是审核申报的角色（可选：${rolesThatMay("applications").join("、")}）`);
    }
    if (st.kind === "vote") {
      for (const p of passRuleProblems(st.passRule)) out.push(`${source}: 表决环节「${st.id}」：${p}`);
      if (st.role !== undefined && !may(st.role, "committee-votes")) out.push(`${source}: 表决环节「${st.id}」的 role「${st.role}」不能召开评审会议（可选：${rolesThatMay("committee-votes").join("、")}）`);
      if (st.scope !== undefined && st.scope !== "committee") out.push(`${source}: 表决环节「${st.id}」由评审委员会的评审会议表决，scope 须为 committee`);
      if (st.decisions || st.reopenSteps) out.push(`${source}: 表决环节「${st.id}」由表决票数决定，不能设置 decisions 或 reopenSteps`);
    }
    if (st.kind === "payment" && (st.decisions || st.reopenSteps)) out.push(`${source}: 缴费环节「${st.id}」不做审核决定，不能设置 decisions 或 reopenSteps`);
    // 公示: the outcome decides (无异议 → 继续; 有异议 → 继续 / 退回修改 / 不通过), so all three stay open.
    if (st.kind === "publicity" && st.decisions) out.push(`${source}: 公示环节「${st.id}」的决定由公示结果给出，不能设置 decisions`);
    if (st.kind === "publicity" && st.calendar && !declaredDictionaryIds().has(st.calendar)) out.push(`${source}: 公示环节「${st.id}」的节假日字典「${st.calendar}」不存在（dictionaries/${st.calendar}.json）`);
    for (const s of st.reopenSteps ?? []) {
      if (!ids.has(s)) out.push(`${source}: 评审环节「${st.id}」的 reopenSteps 中的步骤「${s}」不存在（可选：${[...ids].join("、")}）`);
    }
    if (st.reopenSteps && st.decisions && !st.decisions.includes("return")) out.push(`${source}: 评审环节「${st.id}」不允许退回修改，不应设置 reopenSteps`);
  }
  if (w.fee.source === "fixed" && w.fee.amountFen === undefined) out.push(`${source}: fee.source 为 fixed 时必须给出 amountFen`);
  if (w.fee.source !== "none" && !w.reviewChain.stages.some((s) => s.kind === "payment")) out.push(`${source}: 收费的申报类型必须在评审流程中有 payment 环节`);
  return out;
}

/** The catalog of a database: the latest published version of every form, the published plan
 * types and templates. */
export async function catalogFromDb(db: Db, transaction?: Transaction): Promise<WorkflowCatalog> {
  const rows = await aggregateRows<{ formId: string; latest: number }>(db.models.FormVersion.findAll({ attributes: ["formId", [db.sequelize.fn("MAX", db.sequelize.col("version")), "latest"]], group: ["formId"], raw: true, transaction }));
  const forms: WorkflowCatalog["forms"] = new Map();
  for (const r of rows) {
    const f = await getDefinition(db, formKind, r.formId, Number(r.latest), { transaction });
    if (f) forms.set(f.id, { kind: f.kind, schema: f.schema });
  }
  const templates = await db.models.TemplateVersion.findAll({ attributes: ["templateId"], group: ["templateId"], raw: true, transaction });
  const types = await planTypes(db, transaction).catch(() => []);
  return catalogOf(forms, types, new Set(templates.map((t) => t.templateId)));
}

/** The catalog of the files (the contract test checks workflows/ against forms/, plan-types.json
 * and templates/ without a DB). */
export function catalogFromFiles(formsDir?: string, dirs: { workflowsDir?: string; templatesDir?: string } = {}): WorkflowCatalog {
  const latest = new Map<string, FormDefinition>();
  for (const { def } of readFormFiles(formsDir)) {
    if ((latest.get(def.id)?.version ?? 0) < def.version) latest.set(def.id, def);
  }
  const types = loadDefinitionFiles(planTypesKind, dirs.workflowsDir).sort((a, b) => b.def.version - a.def.version)[0]?.def.planTypes ?? [];
  const templates = new Set(loadDefinitionFiles(templateKind, dirs.templatesDir).map((t) => t.def.id));
  return catalogOf(new Map([...latest].map(([id, d]) => [id, { kind: d.kind, schema: d.schema }])), types, templates);
}

function catalogOf(forms: WorkflowCatalog["forms"], planTypes: PlanTypeDef[], templates: Set<string>): WorkflowCatalog {
  const categories = new Set([...forms.entries()].filter(([, f]) => f.kind === CATEGORY_KIND).map(([id]) => id.slice(CATEGORY_KIND.length + 1)));
  return { forms, profileFields: new Set(Object.keys(forms.get(PROFILE_FORM_ID)?.schema.properties ?? {})), categories, planTypes, templates };
}

/** Every name the definition references must exist: plan type, forms and their fields, profile fields, categories, templates. */
export function checkWorkflowReferences(w: WorkflowDefinition, source: string, catalog: WorkflowCatalog): string[] {
  const out: string[] = [];
  const type = catalog.planTypes.find((t) => t.planType === w.planType);
  if (!type) out.push(`${source}: 计划类型「${w.planType}」不在 plan-types.json 中`);
  else if (type.applicationType !== w.id) out.push(`${source}: plan-types.json 中「${w.planType}」对应的申报类型是 ${type.applicationType}，不是 ${w.id}`);
  out.push(...stepReferences(w, source, catalog));
  for (const [k, id] of Object.entries(w.templates)) {
    if (!catalog.templates.has(id)) out.push(`${source}: 模板 ${k}「${id}」不存在（templates/${id}.hbs）`);
  }
  for (const st of w.reviewChain.stages) {
    if (st.template && !catalog.templates.has(st.template)) out.push(`${source}: 公示环节「${st.id}」的公示版评审表模板「${st.template}」不存在（templates/${st.template}.hbs）`);
  }
  return out;
}

/** The workflow files (every *.json in workflows/ except plan-types.json and _meta), shape-checked. */
export function readWorkflowFiles(dir?: string): { file: string; def: WorkflowDefinition }[] {
  return loadDefinitionFiles(workflowKind, dir).map(({ file, def }) => ({ file, def }));
}

/** Publishes the workflow files (after the forms, plan types and templates they reference). */
export function syncWorkflowFiles(db: Db, dir?: string) {
  return syncDefinitionFiles(db, workflowKind, dir);
}

/**
 * The workflow an application is interpreted with: the steps, forms and templates of the version
 * it was created with, the review chain and fee of the version it follows (decision 012: a type
 * published while the application is in review moves it onto the new chain).
 */
export async function workflowOfApp(db: Db, app: Pick<ApplicationAttrs, "workflowId" | "workflowVersion" | "chainVersion">): Promise<WorkflowDefinition | null> {
  const w = await getWorkflow(db, app.workflowId, app.workflowVersion);
  if (!w || app.chainVersion == null || app.chainVersion === app.workflowVersion) return w;
  const chain = await getWorkflow(db, app.workflowId, app.chainVersion);
  return chain ? { ...w, reviewChain: chain.reviewChain, fee: chain.fee } : null;
}

/** A published workflow: the given version, or the latest. Versions never change, so they are cached. */
export async function getWorkflow(db: Db, workflowId: string, version?: number): Promise<WorkflowDefinition | null> {
  const w = await getDefinition(db, workflowKind, workflowId, version);
  return w && unpublished(w);
}
