// The shape of a workflow (application type) definition: workflows/<id>.json, checked against
// workflows/_meta/workflow.schema.json. Client-safe (types and pure helpers only).
export const STEP_KINDS = ["plan-notice", "photo", "pledge-sign", "pledge-preview", "form", "department-select", "achievements", "attachments", "confirm-submit"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface PlanNoticeOptions { sections?: ("basicInfo" | "reviewNotes" | "applicantNotice" | "eligibilityText" | "attachmentRequirements")[]; acknowledge?: string }
export interface PhotoOptions { maxSizeMb: number; minWidth: number; minHeight: number; maxPixels?: number; width: number; height: number }
export interface PledgeSignOptions { tokenMinutes?: number; allowDesktop?: boolean }
export interface FormStepOptions { form: string; prefill?: Record<string, string>; planChoices?: Record<string, PlanList> }
export type PlanList = "specialties" | "committees" | "acceptanceDepartments";
export interface DepartmentOptions { source: "committees" | "acceptanceDepartments"; mode?: "select" | "change"; label?: string }
export interface AchievementsOptions {
  statuses: ("approved" | "pending")[];
  categories: "all" | { category: string; min?: number; max?: number }[];
  minTotal?: number;
  maxTotal?: number;
}
export interface ConfirmOptions { declaration?: string }

export interface StepDef<O = any> { id: string; kind: StepKind; title: string; hint?: string; options?: O }

export interface ReviewStage {
  id: string;
  label: string;
  kind: "review" | "payment";
  /** Review stages: who acts, a role that decides applications (app/engine/people/roles.ts). */
  role?: string;
  scope?: "unit" | "department" | "committee" | "acceptanceDepartment";
  opinionLabel?: string;
}

export interface WorkflowDefinition {
  id: string;
  version: number;
  name: string;
  planType: string;
  numberPrefix: string;
  steps: StepDef[];
  reviewChain: { stages: ReviewStage[] };
  fee: { source: "plan" | "fixed" | "none"; amountFen?: number };
  templates: { reviewForm: string; pledge: string };
}
