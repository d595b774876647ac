// 公示 (issue 15): one row per application and publicity stage — the period the deciding staff
// entered (calendar days, Asia/Shanghai) and, after its end, the outcome (无异议, or 有异议 with the
// 处理意见 and the decision taken). Re-entering the period after a 退回修改 round replaces the row;
// the audit log keeps every round.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0023-publicity";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable("publicity_periods", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "applications", key: "id" } },
    stageId: { type: DataTypes.STRING(32), allowNull: false },
    startDate: { type: DataTypes.STRING(10), allowNull: false },
    endDate: { type: DataTypes.STRING(10), allowNull: false },
    outcome: { type: DataTypes.STRING(16), allowNull: true },
    opinion: { type: DataTypes.TEXT, allowNull: true },
    decision: { type: DataTypes.STRING(16), allowNull: true },
    enteredBy: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" } },
    endedBy: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" } },
    endedAt: { type: DataTypes.DATE, allowNull: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("publicity_periods", ["applicationId", "stageId"], { unique: true, name: "publicity_periods_app_stage" });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("publicity_periods");
}
