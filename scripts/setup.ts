// Brings a database to the current schema and configuration: migrations, reference
// dictionaries, then every definition file (forms, plan types, templates, workflows — in that
// order, see app/engine/definitions). Idempotent; run on every start.
import type { Db } from "../app/utils/db.server";
import { syncAllDefinitionFiles } from "../app/engine/definitions/index.server";
import { migrateUp } from "../db/migrate";
import { seedDeclaredColumns, seedReferenceData } from "./seeders/reference-data";
import { seedDemo } from "./seeders/demo";
import { seedHolidays } from "./seeders/holidays";

export async function setupDatabase(db: Db, opts: { demo?: boolean } = {}) {
  await migrateUp(db.sequelize);
  await seedReferenceData(db);
  const definitions = await syncAllDefinitionFiles(db);
  await seedDeclaredColumns(db);
  await seedHolidays(db);
  const demo = opts.demo ? await seedDemo(db) : null;
  return { forms: definitions.form, workflows: definitions.workflow, definitions, demo };
}
