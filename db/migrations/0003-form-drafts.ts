// Form designer drafts: one working copy per form id, edited under an optimistic lock (version).
// Publishing copies a draft into form_versions (immutable) and removes the draft.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0003-form-drafts";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.createTable("form_drafts", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    formId: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    title: { type: DataTypes.STRING(128), allowNull: false },
    schema: { type: J, allowNull: false },
    uiSchema: { type: J, allowNull: false },
    meta: { type: J, allowNull: false },
    updatedBy: { type: DataTypes.STRING(64), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("form_drafts");
}
