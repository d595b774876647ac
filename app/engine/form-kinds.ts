// The kinds of form definition, shared by server and browser code (a constant imported from a
// .server module is undefined in the browser bundle, so a page comparing against it renders
// differently after hydration).
import type { FormDefinition } from "./definitions/types.generated";

export type FormKind = FormDefinition["kind"];

export const FORM_KINDS = ["profile", "achievement", "application"] as const satisfies readonly FormKind[];

/** Chinese names of the kinds, for lists. */
export const KIND_LABELS: Record<string, string> = { profile: "个人基本信息", achievement: "业绩类别", application: "申报表" } satisfies Record<FormKind, string>;
