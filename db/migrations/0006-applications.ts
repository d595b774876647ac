// Application types (workflow versions, immutable like form versions), 申报记录 (applications)
// with their step data, the achievement snapshots extracted into them, and the single-use
// tokens of the phone pledge hand-off.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0006-applications";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.createTable("workflow_versions", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    workflowId: { type: DataTypes.STRING(64), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(64), allowNull: false },
    definition: { type: J, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("workflow_versions", ["workflowId", "version"], { unique: true });

  await qi.createTable("applications", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    // 申报编号, given on submission (prefix + year + id).
    number: { type: DataTypes.STRING(32), unique: true },
    userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" } },
    planId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "plans", key: "id" } },
    workflowId: { type: DataTypes.STRING(64), allowNull: false },
    workflowVersion: { type: DataTypes.INTEGER, allowNull: false },
    // draft → submitted → (review chain states, later)
    status: { type: DataTypes.STRING(24), allowNull: false },
    stage: { type: DataTypes.STRING(32) },
    // { [stepId]: { data, completedAt } } — each step's saved state.
    steps: { type: J, allowNull: false },
    // { [formId]: version } bound at creation; a draft keeps them until the applicant restarts.
    formVersions: { type: J, allowNull: false },
    unitId: { type: DataTypes.INTEGER },
    committeeId: { type: DataTypes.INTEGER },
    acceptanceDepartmentId: { type: DataTypes.INTEGER },
    submittedAt: { type: DataTypes.DATE },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  // One application per applicant per plan: a second 【马上申报】 reopens the first.
  await qi.addIndex("applications", ["userId", "planId"], { unique: true });
  await qi.addIndex("applications", ["planId", "status"]);

  await qi.createTable("application_achievements", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    applicationId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "applications", key: "id" }, onDelete: "CASCADE" },
    stepId: { type: DataTypes.STRING(32), allowNull: false },
    entryId: { type: DataTypes.INTEGER, allowNull: false },
    categoryId: { type: DataTypes.STRING(128), allowNull: false },
    formVersion: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "" },
    // The entry's data and status when extracted: later archive edits never change it.
    data: { type: J, allowNull: false },
    entryStatus: { type: DataTypes.STRING(16), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("application_achievements", ["applicationId", "entryId"], { unique: true });

  await qi.createTable("pledge_tokens", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    // sha256 of the token in the QR URL; the token itself is never stored.
    tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "applications", key: "id" }, onDelete: "CASCADE" },
    stepId: { type: DataTypes.STRING(32), allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    usedAt: { type: DataTypes.DATE },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("pledge_tokens", ["applicationId"]);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("pledge_tokens");
  await qi.dropTable("application_achievements");
  await qi.dropTable("applications");
  await qi.dropTable("workflow_versions");
}
