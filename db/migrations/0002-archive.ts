// 业绩档案库 entries and stored files.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0002-archive";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
  await qi.createTable("achievement_entries", {
    id,
    userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    categoryId: { type: DataTypes.STRING(128), allowNull: false },
    formVersion: { type: DataTypes.INTEGER, allowNull: false },
    data: { type: J, allowNull: false },
    title: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "" },
    // Lower-cased values of the category's searchFields, for LIKE search on both dialects.
    searchText: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    status: { type: DataTypes.STRING(16), allowNull: false },
    returnReason: { type: DataTypes.TEXT },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    submittedAt: { type: DataTypes.DATE, allowNull: false },
    reviewedAt: { type: DataTypes.DATE },
    reviewerId: { type: DataTypes.INTEGER },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("achievement_entries", ["userId", "categoryId", "status"]);
  await qi.addIndex("achievement_entries", ["status", "categoryId", "submittedAt"]);
  // The reviewer queue: per applicant, pending entries in submission order (partial index, so
  // it stays small however many approved entries accumulate).
  await qi.addIndex("achievement_entries", ["userId", "submittedAt", "id"], {
    name: "achievement_entries_pending_queue",
    where: { status: "pending" },
  });

  await qi.createTable("stored_files", {
    id,
    key: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    ownerId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    originalName: { type: DataTypes.STRING(255), allowNull: false },
    mimeType: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("stored_files", ["ownerId"]);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("stored_files");
  await qi.dropTable("achievement_entries");
}
