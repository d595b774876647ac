// Dictionaries are declared (dictionaries/*.json, decision 010): each declaration is published as
// an immutable version like every definition (decision 009), and the engine creates a declared
// dictionary's table from it — a new dictionary needs no migration of its own.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0018-dictionary-versions";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.createTable("dictionary_versions", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    dictionaryId: { type: DataTypes.STRING(64), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    definition: { type: J, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    formatVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("dictionary_versions", ["dictionaryId", "version"], { unique: true });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("dictionary_versions");
}
