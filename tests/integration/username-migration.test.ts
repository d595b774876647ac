// Migration 0015 on a database that already holds look-alike usernames (possible before it):
// it must not fail, the oldest account keeps the name, the later ones a key no name can take
// (their login by exact spelling is in auth.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { createTestDb } from "../helpers/db";
import { createMigrator } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import * as m0015 from "../../db/migrations/0015-login-hardening";
import { hashPassword } from "~/utils/password.server";

let ctx: Awaited<ReturnType<typeof createTestDb>>;

beforeAll(async () => {
  ctx = await createTestDb(undefined, { setup: false });
});
afterAll(async () => ctx?.close());

describe("migration 0015 (normalized usernames)", () => {
  it("backfills the key, keeps the oldest of look-alikes and suffixes the others", async () => {
    const { sequelize } = ctx.db;
    const before = migrations[migrations.findIndex((m) => m.name === m0015.name) - 1].name;
    await createMigrator(sequelize).up({ to: before });
    const hash = await hashPassword("unused-in-this-test");
    for (const username of ["Old_Name", "old_name", "OLD_NAME", "other.user"]) {
      await sequelize.query(
        `INSERT INTO users (username, "passwordHash", role, "isDemo", "failedLoginCount", "createdAt", "updatedAt") VALUES (:username, :hash, 'applicant', false, 0, :now, :now)`,
        { replacements: { username, hash, now: new Date() } },
      );
    }
    await createMigrator(sequelize).up();
    const rows = await sequelize.query<{ id: number; username: string; usernameNormalized: string }>(
      `SELECT id, username, "usernameNormalized" FROM users ORDER BY id`, { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => [r.username, r.usernameNormalized])).toEqual([
      ["Old_Name", "old_name"],
      ["old_name", `old_name#${rows[1].id}`],
      ["OLD_NAME", `old_name#${rows[2].id}`],
      ["other.user", "other.user"],
    ]);
    // The unique index now refuses a new look-alike.
    await expect(ctx.db.models.User.create({ username: "oLD_name", usernameNormalized: "old_name", passwordHash: hash, role: "applicant" }))
      .rejects.toThrow();
  });
});
