// Builds a Sequelize instance for Postgres (DATABASE_URL) or the embedded SQLite file.
import fs from "node:fs";
import path from "node:path";
import { Sequelize, Transaction } from "sequelize";
import pg from "pg";
import sqlite3 from "sqlite3";
import { makeStorable } from "./storable";

export interface DbTarget {
  databaseUrl: string | null;
  sqlitePath: string;
  logSql?: boolean;
}

export function createSequelize(target: DbTarget): Sequelize {
  return storableWrites(open(target));
}

type Values = { dataValues?: object };

/** Writes carry only text the database can store (db/storable.ts): create, save, update, bulk. */
function storableWrites(sequelize: Sequelize) {
  sequelize.addHook("beforeCreate", (i: Values) => makeStorable(i.dataValues));
  sequelize.addHook("beforeUpdate", (i: Values) => makeStorable(i.dataValues));
  sequelize.addHook("beforeBulkCreate", (list: Values[]) => list.forEach((i) => makeStorable(i.dataValues)));
  // Model.update(values): the values are on options.attributes while this hook runs.
  sequelize.addHook("beforeBulkUpdate", (o) => makeStorable((o as { attributes?: object }).attributes));
  sequelize.addHook("beforeUpsert", (values: object) => makeStorable(values));
  return sequelize;
}

function open(target: DbTarget): Sequelize {
  const logging = target.logSql ? (sql: string) => console.log(sql) : false;
  if (target.databaseUrl) {
    return new Sequelize(target.databaseUrl, {
      dialect: "postgres",
      // Passed explicitly so the Remix server bundle does not need to resolve the driver by name.
      dialectModule: pg,
      logging,
      pool: { max: 10, min: 0, idle: 10_000 },
    });
  }
  if (target.sqlitePath !== ":memory:") fs.mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
  const sequelize = new Sequelize({
    dialect: "sqlite",
    dialectModule: sqlite3,
    storage: target.sqlitePath,
    logging,
    // One connection: SQLite serialises writers anyway, and one connection makes the
    // WAL/busy-timeout pragmas below apply to every query.
    pool: { max: 1, min: 1, idle: 60_000 },
    retry: { max: 5, match: [/SQLITE_BUSY/] },
    // BEGIN IMMEDIATE: a transaction takes the write lock up front and waits (busy_timeout) for
    // another writer, instead of failing with SQLITE_BUSY when it upgrades from read to write.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  sequelize.addHook("afterConnect", async (conn: unknown) => {
    const db = conn as sqlite3.Database;
    await new Promise<void>((resolve, reject) =>
      db.exec("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;", (e) => (e ? reject(e) : resolve())),
    );
  });
  return sequelize;
}

export function jsonType(sequelize: Sequelize) {
  // JSONB on Postgres (indexable), JSON (text) on SQLite.
  return sequelize.getDialect() === "postgres" ? "JSONB" : "JSON";
}
