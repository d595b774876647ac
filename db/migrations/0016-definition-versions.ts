// One lifecycle for every definition (docs/decisions/009): the format each stored version was
// published in, versions of plan-types.json and of templates (with the partials they use), and the
// template versions an application prints with, pinned at (re)submission.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0016-definition-versions";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  // Everything stored so far is format 1 (the first numbered format).
  for (const t of ["form_versions", "workflow_versions"]) {
    await qi.addColumn(t, "formatVersion", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  }
  await qi.createTable("plan_type_versions", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    definition: { type: J, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    formatVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable("template_versions", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    templateId: { type: DataTypes.STRING(128), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    source: { type: DataTypes.TEXT, allowNull: false },
    partials: { type: J, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    formatVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("template_versions", ["templateId", "version"], { unique: true });
  await qi.addColumn("applications", "templateVersions", { type: J });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn("applications", "templateVersions");
  await qi.dropTable("template_versions");
  await qi.dropTable("plan_type_versions");
  for (const t of ["form_versions", "workflow_versions"]) await qi.removeColumn(t, "formatVersion");
}
