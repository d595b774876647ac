// The application-type (workflow) kind: workflows/<id>.json, stored in workflow_versions.
import fs from "node:fs";
import { getEnv } from "~/utils/env.server";
import type { WorkflowDefinition } from "../types.generated";
import { catalogFromDb, checkWorkflowReferences, checkWorkflowRules, hashWorkflow } from "../../workflow/registry.server";
import { readJsonFile, type KindSpec, type Raw } from "../lifecycle.server";
import { withStepOptions } from "../../workflow/steps/options.server";
import { NOTIFICATIONS_FILE } from "./notifications.server";

export const workflowKind: KindSpec<WorkflowDefinition> = {
  kind: "workflow",
  label: "申报类型",
  dir: () => getEnv().workflowsDir,
  folder: "workflows",
  metaSchema: "_meta/workflow.schema.json",
  extendMetaSchema: withStepOptions,
  format: { current: 1, upgrades: {} },
  versioning: "declared",
  // plan-types.json lives beside the workflows but is a kind of its own.
  // plan-types.json and notifications.json are kinds of their own in the same folder.
  listFiles: (dir) => fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "plan-types.json" && f !== NOTIFICATIONS_FILE).sort(),
  readFile: readJsonFile,
  idOf: (raw) => (typeof raw.id === "string" ? raw.id : null),
  toDef: (c) => c,
  check: (def, { source }) => checkWorkflowRules(def, source),
  checkPublished: async (db, def, { source, transaction }) => checkWorkflowReferences(def, source, await catalogFromDb(db, transaction)),
  hash: (def) => hashWorkflow(def),
  store: {
    model: (db) => db.models.WorkflowVersion,
    where: (id) => ({ workflowId: id }),
    toRow: (def) => ({ workflowId: def.id, name: def.name, definition: def }),
    fromRow: (row: Raw) => row.definition as Raw,
  },
};
