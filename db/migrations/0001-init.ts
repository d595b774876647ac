// Initial schema. Written with queryInterface + DataTypes only, so it runs unchanged on
// SQLite and Postgres.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0001-init";

export async function up({ context: qi }: { context: QueryInterface }) {
  const pg = qi.sequelize.getDialect() === "postgres";
  const J = pg ? DataTypes.JSONB : DataTypes.JSON;
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
  const ts = {
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  };

  await qi.createTable("users", {
    id,
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    passwordHash: { type: DataTypes.STRING(255), allowNull: false },
    role: { type: DataTypes.STRING(32), allowNull: false },
    displayName: { type: DataTypes.STRING(64) },
    isDemo: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    firstFailedAt: { type: DataTypes.DATE },
    lockedUntil: { type: DataTypes.DATE },
    profileCompletedAt: { type: DataTypes.DATE },
    lastLoginAt: { type: DataTypes.DATE },
    ...ts,
  });
  await qi.addIndex("users", ["role"]);

  await qi.createTable("affiliations", {
    id,
    name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  await qi.createTable("departments", {
    id,
    name: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    region: { type: DataTypes.STRING(32) },
  });
  await qi.createTable("units", {
    id,
    name: { type: DataTypes.STRING(128), allowNull: false },
    creditCode: { type: DataTypes.STRING(18), allowNull: false, unique: true },
    affiliationId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "affiliations", key: "id" } },
    departmentId: { type: DataTypes.INTEGER, references: { model: "departments", key: "id" } },
    region: { type: DataTypes.STRING(32) },
    pinyinInitials: { type: DataTypes.STRING(128), allowNull: false },
    pinyinFull: { type: DataTypes.STRING(512), allowNull: false },
  });
  await qi.addIndex("units", ["name"]);
  await qi.addIndex("units", ["pinyinInitials"]);
  await qi.createTable("committees", {
    id,
    name: { type: DataTypes.STRING(128), allowNull: false, unique: true },
  });

  await qi.createTable("user_scopes", {
    id,
    userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    refId: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("user_scopes", ["userId", "kind", "refId"], { unique: true });
  await qi.addIndex("user_scopes", ["kind", "refId"]);

  await qi.createTable("sessions", {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    data: { type: J, allowNull: false },
    expiresAt: { type: DataTypes.DATE },
    userId: { type: DataTypes.INTEGER },
    ...ts,
  });
  await qi.addIndex("sessions", ["expiresAt"]);
  await qi.addIndex("sessions", ["userId"]);

  await qi.createTable("form_versions", {
    id,
    formId: { type: DataTypes.STRING(128), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    title: { type: DataTypes.STRING(128), allowNull: false },
    schema: { type: J, allowNull: false },
    uiSchema: { type: J, allowNull: false },
    meta: { type: J, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("form_versions", ["formId", "version"], { unique: true });

  await qi.createTable("profiles", {
    id,
    userId: { type: DataTypes.INTEGER, allowNull: false, unique: true, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    formId: { type: DataTypes.STRING(128), allowNull: false },
    formVersion: { type: DataTypes.INTEGER, allowNull: false },
    unitId: { type: DataTypes.INTEGER, references: { model: "units", key: "id" } },
    data: { type: J, allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...ts,
  });
  await qi.addIndex("profiles", ["unitId"]);

  await qi.createTable("audit_logs", {
    id,
    actorId: { type: DataTypes.INTEGER },
    actorRole: { type: DataTypes.STRING(32) },
    entityType: { type: DataTypes.STRING(32), allowNull: false },
    entityId: { type: DataTypes.STRING(64), allowNull: false },
    action: { type: DataTypes.STRING(32), allowNull: false },
    fromState: { type: DataTypes.STRING(32) },
    toState: { type: DataTypes.STRING(32) },
    comment: { type: DataTypes.TEXT },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("audit_logs", ["entityType", "entityId"]);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const t of ["audit_logs", "profiles", "form_versions", "sessions", "user_scopes", "committees", "units", "departments", "affiliations", "users"]) {
    await qi.dropTable(t);
  }
}
