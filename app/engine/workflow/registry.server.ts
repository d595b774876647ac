// Workflow registry: the application-type kind of the definitions (workflows/<id>.json → checked
// → immutable versions in workflow_versions, decisions 008 and 009): the checks a workflow must
// pass (shape, rules between steps, every name it references) and reading published versions. An
// application records the (workflowId, version) it was created with and is always interpreted
// with that version.
import type { Transaction } from "sequelize";
import { getEnv } from "~/utils/env.server";
import type { Db } from "~/utils/db.server";
import { readFormFiles, type FormDefinition } from "../form-registry.server";
import { planTypes, type PlanTypeDef } from "../plans.server";
import { CATEGORY_KIND } from "../archive.server";
import { PROFILE_FORM_ID } from "~/engine/people/profile.server";
import { may, rolesThatMay } from "~/engine/people/roles";
import { contentHash } from "../definitions/hash";
import { getDefinition, loadDefinitionFiles, metaSchemaProblems, syncDefinitionFiles, unpublished } from "../definitions/lifecycle.server";
import { workflowKind } from "../definitions/kinds/workflow.server";
import { formKind } from "../definitions/kinds/form.server";
import { planTypesKind } from "../definitions/kinds/plan-types.server";
import { templateKind } from "../definitions/kinds/template.server";
import type { WorkflowDefinition, FormStepOptions, AchievementsOptions } from "./definition";

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
  const meta = metaSchemaProblems(workflowKind, def, source);
  return meta.length ? meta : checkWorkflowRules(def as WorkflowDefinition, source);
}

/** The rules between steps and stages that the meta-schema cannot say. */
export function checkWorkflowRules(w: WorkflowDefinition, source: string): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const s of w.steps) {
    if (ids.has(s.id)) out.push(`${source}: 步骤 id「${s.id}」重复`);
    ids.add(s.id);
  }
  const kinds = w.steps.map((s) => s.kind);
  if (kinds.filter((k) => k === "confirm-submit").length !== 1 || kinds[kinds.length - 1] !== "confirm-submit") {
    out.push(`${source}: 最后一步必须是唯一的 confirm-submit（检查并提交）`);
  }
  const sign = kinds.indexOf("pledge-sign");
  const preview = kinds.indexOf("pledge-preview");
  if (preview >= 0 && (sign < 0 || preview < sign)) out.push(`${source}: pledge-preview 必须在 pledge-sign 之后`);
  for (const k of ["photo", "pledge-sign", "attachments", "plan-notice"] as const) {
    if (kinds.filter((x) => x === k).length > 1) out.push(`${source}: 步骤类型 ${k} 只能出现一次`);
  }
  const sources = w.steps.filter((s) => s.kind === "department-select").map((s) => s.options.source);
  if (new Set(sources).size !== sources.length) out.push(`${source}: 同一受理对象（${sources.join("、")}）只能选择一次`);
  const stageIds = new Set<string>();
  for (const st of w.reviewChain.stages) {
    if (stageIds.has(st.id)) out.push(`${source}: 评审环节 id「${st.id}」重复`);
    stageIds.add(st.id);
    if (st.role !== undefined && !may(st.role, "applications")) {
      out.push(`${source}: 评审环节「${st.id}」的 role「${st.role}」不是审核申报的角色（可选：${rolesThatMay("applications").join("、")}）`);
    }
  }
  if (w.fee.source === "fixed" && w.fee.amountFen === undefined) out.push(`${source}: fee.source 为 fixed 时必须给出 amountFen`);
  if (w.fee.source !== "none" && !w.reviewChain.stages.some((s) => s.kind === "payment")) out.push(`${source}: 收费的申报类型必须在评审流程中有 payment 环节`);
  return out;
}

/** What a workflow may reference: published forms (by id), the profile's fields, category slugs,
 * plan types and templates. */
export interface WorkflowCatalog {
  forms: Map<string, { kind: string; schema: Record<string, any> }>;
  profileFields: Set<string>;
  categories: Set<string>;
  planTypes: PlanTypeDef[];
  templates: Set<string>;
}

/** The catalog of a database: the latest published version of every form, the published plan
 * types and templates. */
export async function catalogFromDb(db: Db, transaction?: Transaction): Promise<WorkflowCatalog> {
  const rows = await db.models.FormVersion.findAll({ attributes: ["formId", [db.sequelize.fn("MAX", db.sequelize.col("version")), "latest"]], group: ["formId"], raw: true, transaction }) as unknown as { formId: string; latest: number }[];
  const forms = new Map<string, { kind: string; schema: Record<string, any> }>();
  for (const r of rows) {
    const f = await getDefinition(db, formKind, r.formId, Number(r.latest), { transaction });
    if (f) forms.set(f.id, { kind: f.kind, schema: f.schema as Record<string, any> });
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
  return catalogOf(new Map([...latest].map(([id, d]) => [id, { kind: d.kind, schema: d.schema as Record<string, any> }])), types, templates);
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
  for (const s of w.steps) {
    const at = `${source}: 步骤「${s.id}」`;
    if (s.kind === "form") {
      const o = s.options as FormStepOptions;
      const form = catalog.forms.get(o.form);
      if (!form) { out.push(`${at} 引用的表单 ${o.form} 不存在`); continue; }
      if (form.kind !== "application") out.push(`${at} 引用的表单 ${o.form} 不是申报信息表单（kind 应为 application）`);
      const fields = form.schema.properties ?? {};
      for (const [field, from] of Object.entries(o.prefill ?? {})) {
        if (!fields[field]) out.push(`${at} prefill 的字段「${field}」不在表单 ${o.form} 中`);
        if (from.startsWith("profile.") && !catalog.profileFields.has(from.slice(8))) out.push(`${at} prefill 的来源「${from}」不是个人基本信息的字段`);
      }
      for (const field of Object.keys(o.planChoices ?? {})) {
        if (fields[field]?.type !== "string") out.push(`${at} planChoices 的字段「${field}」不是表单 ${o.form} 的文本字段`);
      }
    }
    if (s.kind === "achievements") {
      const o = s.options as AchievementsOptions;
      if (o.categories !== "all") {
        for (const c of o.categories) {
          if (!catalog.categories.has(c.category)) out.push(`${at} 业绩类别「${c.category}」不存在（${CATEGORY_KIND}/${c.category}）`);
          if (c.min !== undefined && c.max !== undefined && c.min > c.max) out.push(`${at} 业绩类别「${c.category}」的 min 大于 max`);
        }
      }
      if (o.minTotal !== undefined && o.maxTotal !== undefined && o.minTotal > o.maxTotal) out.push(`${at} minTotal 大于 maxTotal`);
    }
  }
  for (const [k, id] of Object.entries(w.templates)) {
    if (!catalog.templates.has(id)) out.push(`${source}: 模板 ${k}「${id}」不存在（templates/${id}.hbs）`);
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

/** A published workflow: the given version, or the latest. Versions never change, so they are cached. */
export async function getWorkflow(db: Db, workflowId: string, version?: number): Promise<WorkflowDefinition | null> {
  const w = await getDefinition(db, workflowKind, workflowId, version);
  return w && unpublished(w);
}
