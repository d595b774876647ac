// Workflow registry: workflows/<id>.json → checked (meta-schema + every reference) → immutable
// published versions in workflow_versions, like forms (decision 001). An application records the
// (workflowId, version) it was created with and is always interpreted with that version.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { plain, type Db } from "~/utils/db.server";
import { createAjv, toFieldErrors } from "../validator";
import { canonical, FormConfigError, getForm, readFormFiles, type FormDefinition } from "../form-registry.server";
import { planTypes } from "../plans.server";
import { CATEGORY_KIND } from "../archive.server";
import { PROFILE_FORM_ID } from "~/utils/profile.server";
import { templateExists } from "../templates.server";
import type { WorkflowDefinition, FormStepOptions, AchievementsOptions } from "./definition";

export function workflowsDir() {
  return getEnv().workflowsDir;
}

const metaValidator = () => singleton("workflow.meta", () => {
  const meta = JSON.parse(fs.readFileSync(path.join(workflowsDir(), "_meta", "workflow.schema.json"), "utf8"));
  return createAjv({ strict: true }).compile({ ...meta, $id: undefined });
});

export function hashWorkflow(def: WorkflowDefinition) {
  const { version: _v, ...rest } = def as WorkflowDefinition & { $comment?: string };
  delete (rest as { $comment?: string }).$comment;
  return crypto.createHash("sha256").update(canonical(rest)).digest("hex");
}

/** Structural problems (meta-schema and rules between steps), in Chinese, each naming the file. */
export function checkWorkflowShape(def: unknown, source: string): string[] {
  const validate = metaValidator();
  if (!validate(def)) {
    return Object.entries(toFieldErrors(validate.errors)).map(([field, msgs]) => `${source}: ${field || "（根）"} ${msgs.join("；")}`);
  }
  const w = def as WorkflowDefinition;
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
  }
  if (w.fee.source === "fixed" && w.fee.amountFen === undefined) out.push(`${source}: fee.source 为 fixed 时必须给出 amountFen`);
  if (w.fee.source !== "none" && !w.reviewChain.stages.some((s) => s.kind === "payment")) out.push(`${source}: 收费的申报类型必须在评审流程中有 payment 环节`);
  return out;
}

/** What a workflow may reference: published forms (by id), the profile's fields, category slugs. */
export interface WorkflowCatalog {
  forms: Map<string, { kind: string; schema: Record<string, any> }>;
  profileFields: Set<string>;
  categories: Set<string>;
}

/** The catalog of a database: the latest published version of every form. */
export async function catalogFromDb(db: Db): Promise<WorkflowCatalog> {
  const rows = await db.models.FormVersion.findAll({ attributes: ["formId", [db.sequelize.fn("MAX", db.sequelize.col("version")), "latest"]], group: ["formId"], raw: true }) as unknown as { formId: string; latest: number }[];
  const forms = new Map<string, { kind: string; schema: Record<string, any> }>();
  for (const r of rows) {
    const f = await getForm(db, r.formId, Number(r.latest));
    if (f) forms.set(f.id, { kind: f.kind, schema: f.schema as Record<string, any> });
  }
  return catalogOf(forms);
}

/** The catalog of form files (the contract test checks workflows/ against forms/ without a DB). */
export function catalogFromFiles(dir?: string): WorkflowCatalog {
  const latest = new Map<string, FormDefinition>();
  for (const { def } of readFormFiles(dir)) {
    if ((latest.get(def.id)?.version ?? 0) < def.version) latest.set(def.id, def);
  }
  return catalogOf(new Map([...latest].map(([id, d]) => [id, { kind: d.kind, schema: d.schema as Record<string, any> }])));
}

function catalogOf(forms: WorkflowCatalog["forms"]): WorkflowCatalog {
  const categories = new Set([...forms.entries()].filter(([, f]) => f.kind === CATEGORY_KIND).map(([id]) => id.slice(CATEGORY_KIND.length + 1)));
  return { forms, profileFields: new Set(Object.keys(forms.get(PROFILE_FORM_ID)?.schema.properties ?? {})), categories };
}

/** Every name the definition references must exist: plan type, forms and their fields, profile fields, categories, templates. */
export function checkWorkflowReferences(w: WorkflowDefinition, source: string, catalog: WorkflowCatalog): string[] {
  const out: string[] = [];
  const type = planTypes().find((t) => t.planType === w.planType);
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
    if (!templateExists(id)) out.push(`${source}: 模板 ${k}「${id}」不存在（templates/${id}.hbs）`);
  }
  return out;
}

/** The workflow files (every *.json in workflows/ except plan-types.json and _meta), shape-checked. */
export function readWorkflowFiles(dir = workflowsDir()): { file: string; def: WorkflowDefinition }[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "plan-types.json").sort();
  const out: { file: string; def: WorkflowDefinition }[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const source = `workflows/${f}`;
    let def: unknown;
    try {
      def = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    } catch (e) {
      problems.push(`${source}: 不是合法的 JSON：${(e as Error).message}`);
      continue;
    }
    const p = checkWorkflowShape(def, source);
    if (p.length) { problems.push(...p); continue; }
    const w = def as WorkflowDefinition;
    const key = `${w.id}@${w.version}`;
    if (seen.has(key)) problems.push(`${source}: ${key} 与 ${seen.get(key)} 重复`);
    seen.set(key, source);
    out.push({ file: source, def: w });
  }
  if (problems.length) throw new FormConfigError(problems);
  return out;
}

/** Publishes the workflow files (after the forms they reference). Same rules as forms: a
 * published version with different content is an error. */
export async function syncWorkflowFiles(db: Db, dir = workflowsDir()) {
  const { WorkflowVersion } = db.models;
  const problems: string[] = [];
  let published = 0;
  const catalog = await catalogFromDb(db);
  for (const { file, def } of readWorkflowFiles(dir)) {
    problems.push(...checkWorkflowReferences(def, file, catalog));
    const hash = hashWorkflow(def);
    const existing = await WorkflowVersion.findOne({ where: { workflowId: def.id, version: def.version } });
    if (existing) {
      if (existing.hash !== hash) problems.push(`${file}: ${def.id} 的第 ${def.version} 版已发布且内容不同；已发布的版本不可修改，请把 version 加 1`);
      continue;
    }
    if (problems.length) continue;
    await WorkflowVersion.create({ workflowId: def.id, version: def.version, name: def.name, definition: def as unknown as Record<string, unknown>, hash, createdBy: `seed:${file}` });
    published++;
  }
  if (problems.length) throw new FormConfigError(problems);
  return { published };
}

const cache = () => singleton("workflows.published", () => new WeakMap<object, Map<string, WorkflowDefinition>>());

/** A published workflow: the given version, or the latest. Versions never change, so they are cached. */
export async function getWorkflow(db: Db, workflowId: string, version?: number): Promise<WorkflowDefinition | null> {
  const { WorkflowVersion } = db.models;
  if (version === undefined) {
    const latest = await WorkflowVersion.max("version", { where: { workflowId } });
    if (latest === null || latest === undefined) return null;
    version = Number(latest);
  }
  const all = cache();
  let c = all.get(db.sequelize);
  if (!c) all.set(db.sequelize, (c = new Map()));
  const key = `${workflowId}@${version}`;
  const hit = c.get(key);
  if (hit) return hit;
  const row = plain(await WorkflowVersion.findOne({ where: { workflowId, version } }));
  if (!row) return null;
  const def = { ...(row.definition as unknown as WorkflowDefinition), version: row.version };
  c.set(key, def);
  return def;
}
