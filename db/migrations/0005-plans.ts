// 申报计划 (declaration plans). Lists (affiliations, specialties, committees, acceptance
// departments, attachment requirements, eligibility rules) are JSON columns: short, always read
// and written whole with their plan, and exported with it in a config bundle.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0005-plans";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.createTable("plans", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    name: { type: DataTypes.STRING(128), allowNull: false },
    // 职称评审 / 职称初定 / 职称认定, and the workflow file (workflows/<applicationType>.json) it runs.
    planType: { type: DataTypes.STRING(16), allowNull: false },
    applicationType: { type: DataTypes.STRING(64), allowNull: false },
    recognitionType: { type: DataTypes.STRING(64) },
    titleSeriesId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "title_series", key: "id" } },
    titleLevel: { type: DataTypes.STRING(16), allowNull: false },
    affiliationIds: { type: J, allowNull: false },
    year: { type: DataTypes.INTEGER, allowNull: false },
    opensAt: { type: DataTypes.DATE, allowNull: false },
    closesAt: { type: DataTypes.DATE, allowNull: false },
    basicInfo: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    reviewNotes: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    applicantNotice: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    attachmentRequirements: { type: J, allowNull: false },
    eligibilityText: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    eligibilityRules: { type: J, allowNull: false },
    specialtyIds: { type: J, allowNull: false },
    committeeIds: { type: J, allowNull: false },
    acceptanceDepartmentIds: { type: J, allowNull: false },
    fee: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("plans", ["applicationType", "closesAt"]);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("plans");
}
