// The plan-type kind: workflows/plan-types.json (which application type each plan type runs, its
// menu label, 认定类型 and who accepts it), one definition stored in plan_type_versions. Readers
// use the latest published version (plans.server.ts planTypes), never the file.
import fs from "node:fs";
import path from "node:path";
import { getEnv } from "~/utils/env.server";
import type { PlanTypesFile } from "../types.generated";
import { contentHash } from "../hash";
import { at, readJsonFile, type KindSpec, type Raw } from "../lifecycle.server";

export const PLAN_TYPES_ID = "plan-types";

/** The one plan-types definition: the file's content (generated type) under a fixed id. */
export type PlanTypesDefinition = Pick<PlanTypesFile, "version" | "planTypes"> & { id: string };

export const planTypesKind: KindSpec<PlanTypesDefinition, PlanTypesFile> = {
  kind: "plan-types",
  label: "申报计划类型",
  dir: () => getEnv().workflowsDir,
  folder: "workflows",
  metaSchema: "_meta/plan-types.schema.json",
  format: { current: 1, upgrades: {} },
  versioning: "declared",
  listFiles: (dir) => (fs.existsSync(path.join(dir, "plan-types.json")) ? ["plan-types.json"] : []),
  readFile: readJsonFile,
  // One definition: the file names no id.
  idOf: () => PLAN_TYPES_ID,
  toDef: (c) => ({ id: PLAN_TYPES_ID, version: c.version, planTypes: c.planTypes }),
  check: (def, { source }) => {
    const problems: string[] = [];
    for (const key of ["planType", "applicationType", "label"] as const) {
      const seen = new Set<string>();
      for (const t of def.planTypes) {
        if (seen.has(t[key])) problems.push(`${at(source)}planTypes 中 ${key}「${t[key]}」重复`);
        seen.add(t[key]);
      }
    }
    return problems;
  },
  hash: (def) => contentHash(def.planTypes),
  store: {
    model: (db) => db.models.PlanTypeVersion,
    where: () => ({}),
    toRow: (def) => ({ definition: { planTypes: def.planTypes } }),
    fromRow: (row: Raw) => ({ ...(row.definition as Raw), version: row.version }),
  },
};
