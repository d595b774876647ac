// Every definition kind, one lifecycle (docs/decisions/009). A kind is a KindSpec: where its files
// are, its meta-schema and format, its own checks, its hash and its table; lifecycle.server.ts
// loads, publishes and reads them all the same way. Boot sync, the designers and the
// configuration bundle publish through publishDefinition and nothing else.
import type { Db } from "~/utils/db.server";
import type { FormDefinition } from "../form-registry.server";
import { dictionaryKind, type DictionaryDefinition } from "./kinds/dictionary.server";
import type { WorkflowDefinition } from "./types.generated";
import { formKind } from "./kinds/form.server";
import { notificationsKind, type NotificationsDefinition } from "./kinds/notifications.server";
import { planTypesKind, type PlanTypesDefinition } from "./kinds/plan-types.server";
import { templateKind, type TemplateDefinition } from "./kinds/template.server";
import { workflowKind } from "./kinds/workflow.server";
import { syncDefinitionFiles, type KindSpec } from "./lifecycle.server";

export interface DefinitionTypes {
  form: FormDefinition;
  workflow: WorkflowDefinition;
  "plan-types": PlanTypesDefinition;
  template: TemplateDefinition;
  dictionary: DictionaryDefinition;
  notifications: NotificationsDefinition;
}
export type DefinitionKind = keyof DefinitionTypes;

export const DEFINITIONS: { [K in DefinitionKind]: KindSpec<DefinitionTypes[K], unknown> } = {
  form: formKind,
  workflow: workflowKind,
  "plan-types": planTypesKind,
  template: templateKind,
  dictionary: dictionaryKind,
  notifications: notificationsKind,
};

/** Boot order: dictionaries first (their tables), and a workflow is checked against the forms, plan types and templates it names. */
export const SYNC_ORDER = ["dictionary", "form", "plan-types", "template", "workflow", "notifications"] as const satisfies readonly DefinitionKind[];

/** Publishes every kind's files the database does not have yet (on every start; idempotent). */
export async function syncAllDefinitionFiles(db: Db) {
  const out = {} as Record<DefinitionKind, { published: number }>;
  const sync = <K extends DefinitionKind>(kind: K) => syncDefinitionFiles(db, DEFINITIONS[kind]);
  for (const kind of SYNC_ORDER) out[kind] = await sync(kind);
  return out;
}

export { DefinitionError } from "./errors";
export { getDefinition, loadDefinitionFiles, publishDefinition, syncDefinitionFiles, type KindSpec, type Published } from "./lifecycle.server";
