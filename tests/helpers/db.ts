// Real databases for tests: a fresh SQLite file, or a fresh Postgres database created on the
// server named by TEST_DATABASE_URL (dropped afterwards).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDb, type Db } from "../../app/utils/db.server";
import { setupDatabase } from "../../scripts/setup";

export type DbKind = "sqlite" | "postgres";

export interface TestTarget {
  kind: DbKind;
  databaseUrl: string | null;
  sqlitePath: string;
  /** DATA_DIR of servers on this target (uploads, exports): its own, so parallel test files never
   * see each other's files (job ids and upload clean-up are per database). */
  dataDir: string;
  drop(): Promise<void>;
}

/** The DB kind of the current vitest project (TEST_DB), sqlite by default. */
export function currentKind(): DbKind {
  return process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
}

export async function createTestTarget(kind: DbKind = currentKind()): Promise<TestTarget> {
  const tag = `t_${Date.now().toString(36)}_${crypto.randomBytes(4).toString("hex")}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-test-"));
  const dataDir = path.join(dir, "data");
  if (kind === "sqlite") {
    const sqlitePath = path.join(dir, `${tag}.sqlite`);
    return { kind, databaseUrl: null, sqlitePath, dataDir, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error("TEST_DATABASE_URL is not set");
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${tag}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${tag}`;
  return {
    kind,
    databaseUrl: url.toString(),
    sqlitePath: ":memory:",
    dataDir,
    drop: async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${tag}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated, seeded database opened in the test process. */
export async function createTestDb(kind: DbKind = currentKind(), opts: { demo?: boolean; setup?: boolean } = {}) {
  const target = await createTestTarget(kind);
  const db: Db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  if (opts.setup !== false) await setupDatabase(db, { demo: opts.demo });
  return {
    db,
    target,
    async close() {
      await db.sequelize.close();
      await target.drop();
    },
  };
}
