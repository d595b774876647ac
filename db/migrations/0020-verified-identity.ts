// Sign-in through an identity provider (issue 14): an applicant's account is linked to the
// person the provider verified by 身份证号 (unique), never by name or mobile. The sandbox ticket
// provider keeps its single-use tickets in identity_tickets (the demo's stand-in for the
// province's service, which keeps its own).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0020-verified-identity";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn("users", "identityIdNumber", { type: DataTypes.STRING(18), allowNull: true });
  await qi.addColumn("users", "identityName", { type: DataTypes.STRING(64), allowNull: true });
  await qi.addIndex("users", ["identityIdNumber"], { unique: true, name: "users_identity_id_number" });
  await qi.createTable("identity_tickets", {
    ticket: { type: DataTypes.STRING(64), primaryKey: true },
    person: { type: DataTypes.TEXT, allowNull: false },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    usedAt: { type: DataTypes.DATE, allowNull: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("identity_tickets");
  await qi.removeIndex("users", "users_identity_id_number");
  await qi.removeColumn("users", "identityName");
  await qi.removeColumn("users", "identityIdNumber");
}
