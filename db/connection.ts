// Builds a Sequelize instance for Postgres (DATABASE_URL) or the embedded SQLite file.
import fs from "node:fs";
import path from "node:path";
import { AsyncLocalStorage } from "node:async_hooks";
import { Sequelize, Transaction, type Options } from "sequelize";
import pg from "pg";
import sqlite3 from "sqlite3";
import { makeStorable } from "./storable";

export interface DbTarget {
  databaseUrl: string | null;
  sqlitePath: string;
  logSql?: boolean;
  /** Postgres read replicas: reads outside a transaction may go to them (see readFromReplicas). */
  readUrls?: string[];
}

// Which work may read a replica: only what a request marks so (a page view with no recent write
// by its user). Everything else — writes, background jobs, start-up, scripts — reads the primary,
// so nothing acts on a lagging copy. One context per process (globalThis: server.ts and the Remix
// bundle each load this module, and both must see the same one).
const REPLICA_OK = Symbol.for("zcps.replicaReadsAllowed");
const replicaContext = ((globalThis as Record<symbol, unknown>)[REPLICA_OK] ??= new AsyncLocalStorage<boolean>()) as AsyncLocalStorage<boolean>;

/** Runs `fn` with its reads outside transactions sent to the read replicas (if any). */
export function readFromReplicas<T>(fn: () => T): T {
  return replicaContext.run(true, fn);
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
    const options: Options = {
      dialect: "postgres",
      // Passed explicitly so the Remix server bundle does not need to resolve the driver by name.
      dialectModule: pg,
      logging,
      pool: { max: 10, min: 0, idle: 10_000 },
    };
    if (!target.readUrls?.length) return new Sequelize(target.databaseUrl, options);
    // Replication: SELECTs outside a transaction go to the replicas (round robin) where
    // readFromReplicas() allows it; everything else to the primary.
    const sequelize = new Sequelize({ ...options, replication: { write: hostOf(target.databaseUrl), read: target.readUrls.map(hostOf) } });
    sequelize.addHook("beforePoolAcquire", (o: { useMaster?: boolean }) => {
      if (!replicaContext.getStore()) o.useMaster = true;
    });
    return sequelize;
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

function hostOf(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname, port: u.port || "5432", database: decodeURIComponent(u.pathname.slice(1)),
    username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) || undefined,
  };
}

export function jsonType(sequelize: Sequelize) {
  // JSONB on Postgres (indexable), JSON (text) on SQLite.
  return sequelize.getDialect() === "postgres" ? "JSONB" : "JSON";
}
