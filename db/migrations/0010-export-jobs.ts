// Staff batch export of review forms (导出评审表): one row per job with its applications,
// progress (done / failed of total), the errors met and the ZIP it produced.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0010-export-jobs";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.createTable("export_jobs", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    // queued → running → done | failed
    status: { type: DataTypes.STRING(16), allowNull: false },
    applicationIds: { type: J, allowNull: false },
    total: { type: DataTypes.INTEGER, allowNull: false },
    done: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    failed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // [{ id, number, name, message }] for each application that could not be exported.
    errors: { type: J, allowNull: false },
    message: { type: DataTypes.TEXT },
    // The ZIP under DATA_DIR/exports (random name) and its size, once done.
    fileName: { type: DataTypes.STRING(80) },
    fileSize: { type: DataTypes.INTEGER },
    // Who runs it: "pg-boss", or "local:<pid>" for the in-process queue (SQLite).
    runner: { type: DataTypes.STRING(64) },
    startedAt: { type: DataTypes.DATE },
    finishedAt: { type: DataTypes.DATE },
    expiresAt: { type: DataTypes.DATE },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("export_jobs", ["userId", "createdAt"]);
  // One unfinished job per user, enforced by the database (two clicks at once).
  await qi.addIndex("export_jobs", ["userId"], { unique: true, where: { status: ["queued", "running"] }, name: "export_jobs_one_active" });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("export_jobs");
}
