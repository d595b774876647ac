// What a step kind is to the engine (one folder per kind under app/engine/workflow/steps/, listed
// by the generated registry.generated.ts): what its page shows (view — the type its client body
// receives), what 【下一步】 validates and stores (next), its own actions (act/upload), the re-check
// at submission (check), its part of the 检查申报信息 summary, its rules inside a workflow and its
// part of the data a review-form template receives. Nothing here knows a kind by name.
import type { Transaction } from "sequelize";
import type { ApplicationAttrs, PlanAttrs, StepState } from "../../../../db/models";
import type { Db } from "~/utils/db.server";
import type { FormSchema, UiSchema } from "../../json-schema";
import { isFileKey } from "../../file-storage.server";
import { planRefs, planView } from "../../plans.server";
import type { PublishedForm } from "../../form-registry.server";
import type { ColumnFormat, DictionaryLabels } from "../../format-value";
import type { PlanTypeDef, StepDef, StepDefOf, StepKind, StepOptionsMap, WorkflowDefinition } from "../../definitions/types.generated";

export interface StepCtx<K extends StepKind = StepKind> {
  db: Db; app: ApplicationAttrs; plan: PlanAttrs; workflow: WorkflowDefinition;
  step: StepDefOf<K>;
  /** The step's options ({} where the workflow gives none: then its options schema requires nothing). */
  options: StepOptionsMap[K];
  state: StepState | undefined;
  /** The 检查申报信息 summary of every other step (for the final step). */
  summaries(): Promise<SummarySection[]>;
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

/** A record shown read-only: its form version, data, files and the labels of its dictionary values. */
export interface RecordPart { schema: FormSchema; uiSchema: UiSchema; data: Record<string, unknown>; files: Record<string, { name: string; size: number; mimeType: string }>; labels: DictionaryLabels }
/** An extracted snapshot, shown with the form version it was saved with. */
export interface AchievementItem { title: string; status: string; formVersion: number; record: RecordPart | null }
export type SummaryPart =
  | { type: "text"; items: { label: string; value: string }[] }
  | ({ type: "record" } & RecordPart)
  | { type: "image"; url: string; alt: string }
  | { type: "html"; html: string; title: string }
  | { type: "achievements"; groups: { title: string; items: AchievementItem[] }[] }
  | { type: "files"; slots: { name: string; files: { key: string; name: string }[] }[] };
export interface SummarySection { id: string; title: string; complete: boolean; parts: SummaryPart[] }

/** What a review-form contribution is given: the application with its workflow and plan, and the
 * engine's print helpers (passed in, so a kind's folder does not import the review form). */
export interface ReviewFormCtx {
  db: Db; app: ApplicationAttrs; plan: PlanAttrs; workflow: WorkflowDefinition;
  print: {
    /** A form's fields as printed (display order, values as text, dictionary values by label). */
    fields(form: PublishedForm, data: unknown): Promise<{ name: string; title: string; value: string; long: boolean }[]>;
    /** A stored file as a data: URL (the renderer fetches nothing). */
    image(key: unknown, mime: string): Promise<string | null>;
    /** The cell formatter of a table of records of `form` (compact dates, from–to ranges, the
     * labels of the dictionary values these records hold). */
    cells(form: PublishedForm, records: Record<string, unknown>[]): Promise<(c: ColumnFormat, data: Record<string, unknown>) => string>;
    /** 1 → 一 (section numbers). */
    ordinal(n: number): string;
  };
}

export interface StepPlugin<K extends StepKind, V = unknown> {
  kind: K;
  /** At most one step of this kind in a workflow. */
  once?: boolean;
  /** The step that submits: exactly one, the last (the engine opens it to a returned application). */
  final?: boolean;
  view(ctx: StepCtx<K>): Promise<V>;
  next(ctx: StepCtx<K>, body: Record<string, unknown>): Promise<StepWrite>;
  act?(ctx: StepCtx<K>, intent: string, body: Record<string, unknown>, extra: { request: Request; ip: string | null }): Promise<StepWrite>;
  upload?(ctx: StepCtx<K>, params: URLSearchParams, request: Request): Promise<StepWrite>;
  check(ctx: StepCtx<K>): Promise<string[]>;
  summary(ctx: StepCtx<K>): Promise<SummaryPart[]>;
  /** The forms a step binds when an application starts (their versions are kept for its life). */
  forms?(options: StepOptionsMap[K]): string[];
  /** Rules between the steps of a workflow that the meta-schema cannot say (messages after `at`). */
  rules?(steps: StepDefOf<K>[], all: StepDef[], at: string): string[];
  /** Names the step references (forms, fields, categories) that must exist. */
  references?(step: StepDefOf<K>, catalog: WorkflowCatalog, at: string): string[];
  /** The kind's part of the data a review-form template receives (keys described by its
   * review-form.schema.json), given every step of the kind in the workflow (maybe none). */
  reviewForm?: { schema: ReviewFormSchema; data(ctx: ReviewFormCtx, steps: StepDefOf<K>[]): Promise<Record<string, unknown>> };
}

/** A review-form contribution's description: top-level keys of the review-form data. */
export interface ReviewFormSchema { required: string[]; properties: Record<string, unknown>; $defs?: Record<string, unknown> }

/** What a workflow may reference: published forms (by id), the profile's fields, category slugs,
 * plan types and templates. */
export interface WorkflowCatalog {
  forms: Map<string, { kind: string; schema: FormSchema }>;
  profileFields: Set<string>;
  categories: Set<string>;
  planTypes: PlanTypeDef[];
  templates: Set<string>;
}

/** A step kind's server side; the view type is inferred from `view` and reaches the client body. */
export function defineStep<K extends StepKind, V>(plugin: StepPlugin<K, V>): StepPlugin<K, V> {
  return plugin;
}

/** The view a kind's handler returns (before JSON). */
export type ViewOf<P extends { view(ctx: never): Promise<unknown> }> = Awaited<ReturnType<P["view"]>>;

/** The step's saved data, as the step itself wrote it. */
export const saved = <T>(ctx: { state: StepState | undefined }) => (ctx.state?.data ?? null) as T | null;
export const truthy = (v: unknown) => v === true || v === "true" || v === "on" || v === "1";

/** A stored file of the applicant's (a photo, a signature) still exists. */
export async function fileExists(db: Db, key: unknown, ownerId: number) {
  return isFileKey(key) && !!(await db.models.StoredFile.findOne({ where: { key, ownerId }, attributes: ["id"] }));
}

/** The plan's lists a step may choose from: names (for forms) and ids with labels (for the columns). */
export async function planLists(db: Db, plan: PlanAttrs) {
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
