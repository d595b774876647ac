// The step kinds as the engine uses them: every kind is a folder under steps/ (kit.server.ts says
// what a kind is; registry.generated.ts lists them). This module runs a step's handler with its
// context, and applies what the kinds declare to a whole workflow: their options schemas (in the
// meta-schema check), their rules and references, their summaries and review-form data.
import type { ApplicationAttrs, PlanAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import type { StepDef, StepDefOf, StepKind, StepOptionsMap, WorkflowDefinition } from "../definitions/types.generated";
import type { ReviewFormCtx, StepCtx, StepPlugin, SummarySection, WorkflowCatalog } from "./steps/kit.server";
import type { StepViews } from "./steps/views";
import { STEP_PLUGINS } from "./steps/registry.generated";

export type { StepCtx, StepWrite, SummaryPart, SummarySection, WorkflowCatalog } from "./steps/kit.server";

type Plugins = { [K in StepKind]: StepPlugin<K, StepViews[K]> };
const PLUGINS: Plugins = STEP_PLUGINS;

/** The handler of a step's kind. */
export function pluginOf<K extends StepKind>(step: StepDefOf<K>): Plugins[K] {
  return PLUGINS[step.kind];
}

export interface StepScope { db: Db; app: ApplicationAttrs; plan: PlanAttrs; workflow: WorkflowDefinition }

/** A step's context: its options ({} where the workflow gives none — the meta-schema check
 * requires options of every kind whose options schema requires a property). */
export function stepCtx<K extends StepKind>(scope: StepScope, step: StepDefOf<K>): StepCtx<K> {
  return {
    ...scope, step, state: scope.app.steps[step.id],
    options: (step.options ?? {}) as StepOptionsMap[K],
    summaries: () => summarySections(scope),
  };
}

/** The page of a step: its kind with the view its body receives. */
export type StepPage<K extends StepKind = StepKind> = { [P in K]: { kind: P; view: StepViews[P] } }[K];

export async function stepPage<K extends StepKind>(scope: StepScope, step: StepDefOf<K>): Promise<StepPage<K>> {
  return { kind: step.kind, view: await pluginOf(step).view(stepCtx(scope, step)) };
}

/** Is this the step that submits (the last; the engine opens it to a returned application)? */
export function isFinal(step: StepDef): boolean {
  return !!pluginOf(step).final;
}

/** Every step's read-only summary but the final one's: the 检查申报信息 view and the record page. */
export async function summarySections(scope: StepScope): Promise<SummarySection[]> {
  const out: SummarySection[] = [];
  for (const s of scope.workflow.steps) {
    if (isFinal(s)) continue;
    out.push({ id: s.id, title: s.title, complete: !!scope.app.steps[s.id]?.completedAt, parts: await summaryOf(scope, s) });
  }
  return out;
}
function summaryOf<K extends StepKind>(scope: StepScope, step: StepDefOf<K>) {
  return pluginOf(step).summary(stepCtx(scope, step));
}

/** The forms the workflow's steps bind when an application starts. */
export function boundForms(w: WorkflowDefinition): string[] {
  return w.steps.flatMap((s) => formsOf(s));
}
function formsOf<K extends StepKind>(step: StepDefOf<K>): string[] {
  const p = pluginOf(step);
  return p.forms ? p.forms((step.options ?? {}) as StepOptionsMap[K]) : [];
}

const kinds = Object.keys(PLUGINS) as StepKind[];
const isKind = <K extends StepKind>(s: StepDef, kind: K): s is StepDef & StepDefOf<K> => s.kind === kind;
const stepsOf = <K extends StepKind>(w: WorkflowDefinition, kind: K): StepDefOf<K>[] => w.steps.filter((s) => isKind(s, kind));

/** The rules between steps that the meta-schema cannot say: the final step, steps of a kind that
 * may appear once, and each kind's own rules. */
export function stepRules(w: WorkflowDefinition, source: string): string[] {
  const out: string[] = [];
  const finals = w.steps.filter(isFinal);
  const finalKinds = kinds.filter((k) => PLUGINS[k].final);
  if (finals.length !== 1 || !isFinal(w.steps[w.steps.length - 1])) out.push(`${source}: 最后一步必须是唯一的 ${finalKinds.join("/")}（检查并提交）`);
  for (const k of kinds) {
    const steps = stepsOf(w, k);
    if (PLUGINS[k].once && steps.length > 1) out.push(`${source}: 步骤类型 ${k} 只能出现一次`);
    out.push(...kindRules(k, steps, w.steps, `${source}: `));
  }
  return out;
}
function kindRules<K extends StepKind>(kind: K, steps: StepDefOf<K>[], all: StepDef[], at: string): string[] {
  const rules = PLUGINS[kind].rules;
  return rules && steps.length ? rules(steps, all, at) : [];
}

/** Names the steps reference that must exist (forms and their fields, categories). */
export function stepReferences(w: WorkflowDefinition, source: string, catalog: WorkflowCatalog): string[] {
  return w.steps.flatMap((s) => referencesOf(s, catalog, `${source}: 步骤「${s.id}」`));
}
function referencesOf<K extends StepKind>(step: StepDefOf<K>, catalog: WorkflowCatalog, at: string): string[] {
  const p = pluginOf(step);
  return p.references ? p.references(step, catalog, at) : [];
}

/** The step kinds' part of the review-form data: every kind that contributes, given its steps. */
export async function stepReviewFormData(ctx: ReviewFormCtx): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of kinds) Object.assign(out, await kindReviewFormData(k, ctx));
  return out;
}
async function kindReviewFormData<K extends StepKind>(kind: K, ctx: ReviewFormCtx) {
  const r = PLUGINS[kind].reviewForm;
  return r ? r.data(ctx, stepsOf(ctx.workflow, kind)) : {};
}

/** The review-form data schema: the engine's own keys (templates/_meta/review-form-data.schema.json)
 * plus each step kind's (its review-form.schema.json). */
export function withStepReviewFormKeys(base: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...(base.properties as Record<string, unknown>) };
  const required = [...(base.required as string[])];
  for (const k of kinds) {
    const part = PLUGINS[k].reviewForm?.schema;
    if (!part) continue;
    for (const key of Object.keys(part.properties)) if (key in properties) throw new Error(`步骤类型 ${k} 的评审表数据键「${key}」已被占用`);
    Object.assign(properties, part.properties);
    required.push(...part.required);
  }
  return { ...base, properties, required };
}
