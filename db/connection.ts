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
    retry: { max: 5, match: [/SQLITE_BUSY/] },
    // BEGIN IMMEDIATE: a transaction takes the write lock up front and waits (busy_timeout) for
    // another writer, instead of failing with SQLITE_BUSY when it upgrades from read to write.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  return withPragmas(sequelize);
}

const PRAGMAS = "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;";

/**
 * Every SQLite connection gets its pragmas before its first query. Sequelize's SQLite driver opens
 * its own connections (one shared, one per transaction) and never runs the afterConnect hook,
 * so a hook left the file in rollback-journal mode with sqlite3's 1 s busy timeout: under load a
 * reader blocked a writer past it and a login answered 500 (SQLITE_BUSY). busy_timeout goes first,
 * so the journal-mode change itself waits for another process's lock instead of failing.
 */
function withPragmas(sequelize: Sequelize) {
  const manager = sequelize.connectionManager as unknown as { getConnection(o?: object): Promise<sqlite3.Database> };
  const getConnection = manager.getConnection.bind(manager);
  const ready = new WeakMap<sqlite3.Database, Promise<void>>();
  manager.getConnection = async (o) => {
    const conn = await getConnection(o);
    let p = ready.get(conn);
    if (!p) ready.set(conn, (p = new Promise<void>((resolve, reject) => conn.exec(PRAGMAS, (e) => (e ? reject(e) : resolve())))));
    await p;
    return conn;
  };
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
