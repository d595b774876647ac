// 单位注册 (issue 14): a unit signed in through the 法人 login names its 经办人 and uploads its
// signed and stamped 用人单位委托证明 (PDF); its 主管部门 or an admin approves or refuses it. The
// approved 经办人's unit_reviewer account is recorded on the row. At most one 待审核 registration
// per unit (a partial unique index: SQLite and Postgres both have them).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0022-unit-registrations";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable("unit_registrations", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    unitId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "units", key: "id" } },
    status: { type: DataTypes.STRING(16), allowNull: false },
    agentName: { type: DataTypes.STRING(64), allowNull: false },
    agentIdNumber: { type: DataTypes.STRING(18), allowNull: false },
    agentMobile: { type: DataTypes.STRING(11), allowNull: false },
    submittedByName: { type: DataTypes.STRING(64), allowNull: false },
    submittedByIdNumber: { type: DataTypes.STRING(18), allowNull: false },
    fileKey: { type: DataTypes.STRING(52), allowNull: false },
    fileName: { type: DataTypes.STRING(255), allowNull: false },
    fileSize: { type: DataTypes.INTEGER, allowNull: false },
    fileSha256: { type: DataTypes.STRING(64), allowNull: false },
    refuseReason: { type: DataTypes.TEXT, allowNull: true },
    reviewerId: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" } },
    reviewedAt: { type: DataTypes.DATE, allowNull: true },
    userId: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" } },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("unit_registrations", ["unitId"], { unique: true, where: { status: "pending" }, name: "unit_registrations_one_pending" });
  await qi.addIndex("unit_registrations", ["unitId", "createdAt"], { name: "unit_registrations_unit" });
  await qi.addIndex("unit_registrations", ["agentIdNumber"], { name: "unit_registrations_agent" });
  await qi.addIndex("unit_registrations", ["status", "createdAt"], { name: "unit_registrations_status" });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("unit_registrations");
}
