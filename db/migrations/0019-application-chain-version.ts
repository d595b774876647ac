// An application's review chain may follow a newer version of its application type than the one
// it was filled in with (decision 012): publishing a type moves applications in review onto the
// new chain, while their steps and forms stay those of the version they were created with.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0019-application-chain-version";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn("applications", "chainVersion", { type: DataTypes.INTEGER, allowNull: true });
  const q = (s: string) => qi.quoteIdentifier(s);
  await qi.sequelize.query(`UPDATE ${q("applications")} SET ${q("chainVersion")} = ${q("workflowVersion")}`);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn("applications", "chainVersion");
}
