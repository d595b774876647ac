// Dictionaries for plans and committees: 职称系列 (with the levels each allows), 专业, what a
// 评审委员会 accepts, 受理部门 for 初定/认定, and an optimistic-lock version on units.
//
// Committee "accepts" and the affiliations of an acceptance department are JSON arrays of ids
// (seriesIds, specialtyIds, levels, affiliationIds) rather than join tables: they are short
// lists always read and written whole with their committee, and import/export them as one cell.
// Deleting a referenced series/specialty/affiliation is refused by the dictionary engine, which
// scans these arrays (the tables hold tens of rows).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0004-dictionaries";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
  await qi.createTable("title_series", {
    id,
    name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // Allowed levels, a subset of 初级员级, 初级助理级, 中级, 副高级, 正高级.
    levels: { type: J },
  });
  await qi.createTable("specialties", {
    id,
    seriesId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "title_series", key: "id" } },
    name: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.addIndex("specialties", ["seriesId", "name"], { unique: true });
  await qi.addColumn("committees", "seriesIds", { type: J });
  await qi.addColumn("committees", "specialtyIds", { type: J });
  await qi.addColumn("committees", "levels", { type: J });
  await qi.addColumn("committees", "affiliationIds", { type: J });
  await qi.createTable("acceptance_departments", {
    id,
    name: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    region: { type: DataTypes.STRING(32) },
    affiliationIds: { type: J },
  });
  await qi.addColumn("units", "version", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn("units", "version");
  await qi.dropTable("acceptance_departments");
  for (const c of ["seriesIds", "specialtyIds", "levels", "affiliationIds"]) await qi.removeColumn("committees", c);
  await qi.dropTable("specialties");
  await qi.dropTable("title_series");
}
