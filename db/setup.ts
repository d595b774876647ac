// Brings a database to the current schema and configuration: migrations, reference
// dictionaries, form files, workflow files. Idempotent; run on every start.
import type { Db } from "../app/utils/db.server";
import { syncFormFiles } from "../app/engine/form-registry.server";
import { syncWorkflowFiles } from "../app/engine/workflow/registry.server";
import { migrateUp } from "./migrate";
import { seedReferenceData } from "./seeders/reference-data";
import { seedDemo } from "./seeders/demo";

export async function setupDatabase(db: Db, opts: { demo?: boolean } = {}) {
  await migrateUp(db.sequelize);
  await seedReferenceData(db);
  const forms = await syncFormFiles(db);
  // After the forms: a workflow is checked against the forms and categories it names.
  const workflows = await syncWorkflowFiles(db);
  const demo = opts.demo ? await seedDemo(db) : null;
  return { forms, workflows, demo };
}
