// The review chain on applications: who the applicant is (copied at submission, for staff search
// and lists without reading every profile), and what a 退回修改 asked for (reason, unlocked steps).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0008-review";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.addColumn("applications", "applicantName", { type: DataTypes.STRING(64) });
  await qi.addColumn("applications", "applicantIdNumber", { type: DataTypes.STRING(18) });
  await qi.addColumn("applications", "returnReason", { type: DataTypes.TEXT });
  // Step ids the returning reviewer unlocked for editing (null: none / not returned).
  await qi.addColumn("applications", "returnedSteps", { type: J });
  await qi.addColumn("applications", "decidedAt", { type: DataTypes.DATE });
  await qi.addIndex("applications", ["status", "stage", "submittedAt"]);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const c of ["applicantName", "applicantIdNumber", "returnReason", "returnedSteps", "decidedAt"]) await qi.removeColumn("applications", c);
}
