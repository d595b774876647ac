// Batch exports survive a killed server or worker: the runner writes heartbeatAt while it works,
// and a job silent for EXPORT_HEARTBEAT_TIMEOUT_SECONDS is restarted (attempts counts the runs, so
// a job that keeps killing its runner ends as failed instead of looping).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0014-export-heartbeat";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn("export_jobs", "heartbeatAt", { type: DataTypes.DATE });
  await qi.addColumn("export_jobs", "attempts", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn("export_jobs", "attempts");
  await qi.removeColumn("export_jobs", "heartbeatAt");
}
