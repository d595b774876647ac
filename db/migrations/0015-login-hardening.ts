// Login hardening (issue 10).
// - users.usernameNormalized: the username after NFKC, trim and lower-case, unique, so
//   " DEMO_APPLICANT" or a full-width "ｄｅｍｏ_applicant" can no longer sit beside
//   "demo_applicant". Backfilled here. Should look-alikes already exist, the oldest account keeps
//   the plain key and each later one gets "<key>#<id>" ('#' is never in a username, so no new
//   name can take it): the migration never fails on them, nobody loses data, and a later
//   look-alike still signs in with its exact spelling (login tries the exact name first). They
//   are listed on the console for an administrator.
// - login_attempts: failed-login counters that are not a user's own row, by key:
//   "name:<normalized>" for usernames that do not exist (so they answer exactly like real ones)
//   and "ip:<address>" for the per-address limit. In the DB, not in memory: cluster workers
//   (WEB_CONCURRENCY) and several app instances share one database and must share one count,
//   and a restart must not reset it.
import { DataTypes, QueryTypes, type QueryInterface } from "sequelize";

export const name = "0015-login-hardening";

// A copy of the rule at the time of writing (a migration never changes with later code).
const normalize = (s: string) => s.normalize("NFKC").trim().toLowerCase();

export async function up({ context: qi }: { context: QueryInterface }) {
  const sequelize = qi.sequelize;
  await qi.addColumn("users", "usernameNormalized", { type: DataTypes.STRING(80), allowNull: true });
  const users = await sequelize.query<{ id: number; username: string }>(
    `SELECT id, username FROM users ORDER BY id`, { type: QueryTypes.SELECT },
  );
  const seen = new Set<string>();
  const lookAlikes: string[] = [];
  for (const u of users) {
    let key = normalize(u.username);
    if (seen.has(key)) {
      lookAlikes.push(`${u.username}（编号 ${u.id}）`);
      key = `${key}#${u.id}`;
    }
    seen.add(key);
    await sequelize.query(`UPDATE users SET "usernameNormalized" = :key WHERE id = :id`, { replacements: { key, id: u.id } });
  }
  if (lookAlikes.length) {
    console.warn(`[0015] 以下账户的用户名与更早注册的账户仅大小写或全角/半角不同，已保留，只能以原样的用户名登录，请管理员核实：${lookAlikes.join("、")}`);
  }
  // SQLite cannot add NOT NULL to an existing column without rebuilding the table (which the
  // foreign keys to users make unsafe); the model requires the value there.
  if (sequelize.getDialect() === "postgres") {
    await sequelize.query(`ALTER TABLE users ALTER COLUMN "usernameNormalized" SET NOT NULL`);
  }
  await qi.addIndex("users", ["usernameNormalized"], { unique: true, name: "users_username_normalized" });

  await qi.createTable("login_attempts", {
    key: { type: DataTypes.STRING(200), primaryKey: true },
    failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    firstFailedAt: { type: DataTypes.DATE, allowNull: true },
    lockedUntil: { type: DataTypes.DATE, allowNull: true },
  });
  // For the sweep of expired rows.
  await qi.addIndex("login_attempts", ["firstFailedAt"], { name: "login_attempts_first_failed" });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("login_attempts");
  await qi.removeIndex("users", "users_username_normalized");
  await qi.removeColumn("users", "usernameNormalized");
}
