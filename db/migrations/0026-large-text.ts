// 大字版 (issue 16 item 15): a signed-in user's choice of larger type and higher contrast is kept
// with the account, so it follows the person to another browser or computer. Anonymous visitors
// keep it in a cookie (app/engine/people/preferences.server.ts).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0026-large-text";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn("users", "largeText", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn("users", "largeText");
}
