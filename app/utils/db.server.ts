// The app's database: one Sequelize instance and its models per process.
import type { Model, Sequelize } from "sequelize";
import { createSequelize } from "../../db/connection";
import { defineModels, type Models } from "../../db/models";
import { getEnv } from "./env.server";
import { singleton } from "./singleton.server";

export interface Db { sequelize: Sequelize; models: Models }

export function openDb(target: Parameters<typeof createSequelize>[0]): Db {
  const sequelize = createSequelize(target);
  return { sequelize, models: defineModels(sequelize) };
}

export function getDb(): Db {
  return singleton("db", () => {
    const env = getEnv();
    return openDb({ databaseUrl: env.databaseUrl, sqlitePath: env.sqlitePath, logSql: env.logSql, readUrls: env.databaseReadUrls });
  });
}

/** A model row as a plain object (JSON columns parsed: `raw: true` leaves them as text on SQLite). */
export function plain<A extends object>(row: Model<A, any> | null): A | null {
  return row ? (row.get({ plain: true }) as A) : null;
}
