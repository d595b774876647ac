import { Umzug, SequelizeStorage } from "umzug";
import type { Sequelize } from "sequelize";
import { migrations } from "./migrations/index";

export function createMigrator(sequelize: Sequelize) {
  return new Umzug({
    migrations: migrations.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: "schema_migrations" }),
    logger: undefined,
  });
}

export async function migrateUp(sequelize: Sequelize) {
  return createMigrator(sequelize).up();
}
