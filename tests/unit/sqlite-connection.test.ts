// The embedded database's connections: every one (the shared one and each transaction's own)
// waits 5 s for another writer's lock, and the file is in WAL mode, where readers do not block a
// writer. They had sqlite3's 1 s and rollback journal, and a login under load answered 500.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes } from "sequelize";
import { afterAll, expect, it } from "vitest";
import { createSequelize } from "../../db/connection";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-sqlite-"));
const sequelize = createSequelize({ databaseUrl: null, sqlitePath: path.join(dir, "t.sqlite") });
afterAll(async () => {
  await sequelize.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pragma = async (name: string, transaction?: import("sequelize").Transaction) =>
  Object.values((await sequelize.query<Record<string, unknown>>(`PRAGMA ${name}`, { type: QueryTypes.SELECT, transaction }))[0])[0];

it("every connection waits 5 s for a lock, keeps foreign keys, and the file is in WAL mode", async () => {
  expect(await pragma("busy_timeout")).toBe(5000);
  expect(await pragma("journal_mode")).toBe("wal");
  expect(await pragma("foreign_keys")).toBe(1);
  await sequelize.transaction(async (t) => {
    expect(await pragma("busy_timeout", t)).toBe(5000);
    expect(await pragma("foreign_keys", t)).toBe(1);
  });
});
