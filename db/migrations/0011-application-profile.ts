// The applicant's 个人基本信息 as it was at (re)submission, with the profile form version: the
// review form prints it, so a later profile edit never changes a submitted application.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0011-application-profile";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.addColumn("applications", "profileSnapshot", { type: J });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn("applications", "profileSnapshot");
}
