// Dictionaries at run time, all from their published declarations (dictionaries/*.json, the
// dictionary kind of app/engine/definitions): the rows' model and table, the labels rows are
// referenced by, look-ups by natural key (reviewer scopes), and the check that a value a schema
// field points at with "x-dictionary" exists. Nothing here names a dictionary.
import fs from "node:fs";
import path from "node:path";
import { DataTypes, Op, type Model, type ModelAttributeColumnOptions, type ModelStatic, type Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";
import { UserError } from "~/engine/errors";
import { sameValueBranches } from "./schema-compile";
import { getDefinition } from "./definitions/lifecycle.server";
import { DATE_WIDTH, dictionaryKind, refTarget, titleColumn, type DictionaryColumn, type DictionaryDefinition } from "./definitions/kinds/dictionary.server";

export type { DictionaryColumn, DictionaryDefinition };

// ---- declarations ----------------------------------------------------------------------------

/** Every published dictionary (its latest version), in the 字典管理 order. */
export async function listDictionaries(db: Db, t?: Transaction): Promise<DictionaryDefinition[]> {
  const rows = await db.models.DictionaryVersion.findAll({ attributes: ["dictionaryId"], group: ["dictionaryId"], raw: true, transaction: t });
  const defs = await Promise.all(rows.map((r) => getDefinition(db, dictionaryKind, r.dictionaryId, undefined, { transaction: t })));
  return defs.filter((d): d is NonNullable<typeof d> => !!d).sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
}

export async function findDictionary(db: Db, id: string, t?: Transaction): Promise<DictionaryDefinition | null> {
  return /^[a-z][a-z0-9-]{1,47}$/.test(id) ? getDefinition(db, dictionaryKind, id, undefined, { transaction: t }) : null;
}

/** The published dictionary `id`; an unknown one is a 404. */
export async function dictionaryOf(db: Db, id: string | undefined, t?: Transaction): Promise<DictionaryDefinition> {
  const d = id ? await findDictionary(db, id, t) : null;
  if (!d) throw new UserError("字典不存在", 404);
  return d;
}

/** The ids of the dictionary files (what a form file may name with x-dictionary, checked without a database). */
export function declaredDictionaryIds(dir = getEnv().dictionariesDir): Set<string> {
  const ids = new Set<string>();
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith(".json")) : []) {
    try {
      const id = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")).id;
      if (typeof id === "string") ids.add(id);
    } catch {
      // A broken file is reported by the dictionary kind's own load.
    }
  }
  return ids;
}

// ---- rows: model and table -------------------------------------------------------------------

export type DictRow = Model<Record<string, unknown>, Record<string, unknown>>;
export type DictModel = ModelStatic<DictRow>;

const shown = (c: DictionaryColumn) => !c.type.startsWith("pinyin-");
/** The columns an administrator sees and edits (computed ones are not). */
export const editableColumns = (d: DictionaryDefinition) => d.columns.filter(shown);
export const childColumns = (d: DictionaryDefinition) => d.columns.filter((c) => c.type === "children");

function columnAttribute(db: Db, c: DictionaryColumn): ModelAttributeColumnOptions | null {
  const J = db.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  switch (c.type) {
    case "text": return { type: DataTypes.STRING(c.maxLength ?? 255), allowNull: !c.required };
    case "date": return { type: DataTypes.STRING(DATE_WIDTH), allowNull: !c.required };
    case "creditCode": return { type: DataTypes.STRING(18), allowNull: !c.required };
    case "pinyin-initials": return { type: DataTypes.STRING(128), allowNull: false, defaultValue: "" };
    case "pinyin-full": return { type: DataTypes.STRING(512), allowNull: false, defaultValue: "" };
    case "int": return { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
    case "ref": return { type: DataTypes.INTEGER, allowNull: !c.required };
    case "refs": case "levels": return { type: J };
    case "children": return null;
  }
}

function tableAttributes(db: Db, d: DictionaryDefinition) {
  const attrs: Record<string, ModelAttributeColumnOptions> = { id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false } };
  for (const c of d.columns) {
    const a = columnAttribute(db, c);
    if (a) attrs[c.name] = a;
  }
  // Optimistic lock (conditional UPDATE … WHERE version = ?).
  if (d.optimisticLock) attrs.version = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
  return attrs;
}

const childAttributes = (c: DictionaryColumn): Record<string, ModelAttributeColumnOptions> => ({
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
  [c.parent!]: { type: DataTypes.INTEGER, allowNull: false },
  name: { type: DataTypes.STRING(64), allowNull: false },
});

// A declared model per (database, dictionary version): a new version may add columns.
const models = () => singleton("dictionaries.models", () => new WeakMap<object, Map<string, DictModel>>());
function cached(db: Db, key: string, define: () => DictModel): DictModel {
  let m = models().get(db.sequelize);
  if (!m) models().set(db.sequelize, (m = new Map()));
  let model = m.get(key);
  if (!model) m.set(key, (model = define()));
  return model;
}
const modelName = (...parts: string[]) => `Dictionary_${parts.join("_").replace(/[^A-Za-z0-9]/g, "_")}`;

/** The rows' model, defined from the declaration (JSON lists read back as [] when NULL). */
export function rowModel(db: Db, d: DictionaryDefinition): DictModel {
  // Keyed by content too: a version published in a transaction that rolled back (a bundle preview)
  // may be published again with other columns under the same number.
  return cached(db, `${d.id}@${d.version}#${d.table}:${JSON.stringify(d.columns)}:${!!d.optimisticLock}`, () => {
    const attrs = tableAttributes(db, d);
    for (const c of d.columns) {
      if (c.type !== "refs" && c.type !== "levels") continue;
      attrs[c.name] = { ...attrs[c.name], get(this: DictRow) { return this.getDataValue(c.name) ?? []; } };
    }
    return db.sequelize.define<DictRow>(modelName(d.id, String(d.version)), attrs, { tableName: d.table, timestamps: false });
  });
}

/** A children column's rows: { id, <parent>, name }. */
export function childModel(db: Db, d: DictionaryDefinition, c: DictionaryColumn): DictModel {
  return cached(db, `${d.id}@${d.version}/${c.name}`, () =>
    db.sequelize.define<DictRow>(modelName(d.id, String(d.version), c.name), childAttributes(c), { tableName: c.table!, timestamps: false }));
}

/**
 * Creates the declared table (and its child tables) when missing, and adds declared columns an
 * existing table lacks (as nullable or with their default). Never drops or alters a column: a
 * version may not change how a column is stored (the dictionary kind refuses it).
 */
export async function ensureDictionaryTable(db: Db, d: DictionaryDefinition, t?: Transaction) {
  const qi = db.sequelize.getQueryInterface();
  const ensure = async (table: string, attrs: Record<string, ModelAttributeColumnOptions>, uniques: string[][]) => {
    if (!(await qi.tableExists(table, { transaction: t }))) {
      await qi.createTable(table, attrs, { transaction: t });
      for (const cols of uniques) await qi.addIndex(table, cols, { unique: true, transaction: t });
      return;
    }
    // (The typings leave out `transaction`, which describeTable passes on to its query.)
    const inTransaction = { logging: false as const, transaction: t };
    const have = await qi.describeTable(table, inTransaction);
    for (const [name, a] of Object.entries(attrs)) {
      if (!(name in have)) await qi.addColumn(table, name, a.defaultValue === undefined ? { ...a, allowNull: true } : a, { transaction: t });
    }
  };
  await ensure(d.table, tableAttributes(db, d), d.columns.filter((c) => c.unique).map((c) => [c.name]));
  for (const c of childColumns(d)) await ensure(c.table!, childAttributes(c), [[c.parent!, "name"]]);
}

// ---- references --------------------------------------------------------------------------------

export interface RefOption { id: number; label: string }
/** Every row a ref/refs column may point at, by ref ("affiliations", "title-series/specialties"). */
export type RefTables = Record<string, RefOption[]>;

export const orderOf = (d: DictionaryDefinition): [string, "ASC" | "DESC"][] => d.order.map((o) => [o.column, o.direction === "desc" ? "DESC" : "ASC"]);

/** Each dictionary's rows by its title, and each children column's rows as "父/子", for id ↔ label. */
export async function refTables(db: Db, t?: Transaction, dicts?: DictionaryDefinition[]): Promise<RefTables> {
  const out: RefTables = {};
  for (const d of dicts ?? (await listDictionaries(db, t))) {
    const rows = await rowModel(db, d).findAll({ attributes: ["id", titleColumn(d)], order: orderOf(d), transaction: t });
    out[d.id] = rows.map((r) => ({ id: Number(r.get("id")), label: String(r.get(titleColumn(d)) ?? "") }));
    const title = new Map(out[d.id].map((r) => [r.id, r.label]));
    for (const c of childColumns(d)) {
      const kids = await childModel(db, d, c).findAll({ order: [["id", "ASC"]], transaction: t });
      out[`${d.id}/${c.name}`] = kids.map((k) => ({ id: Number(k.get("id")), label: `${title.get(Number(k.get(c.parent!))) ?? "?"}/${String(k.get("name"))}` }));
    }
  }
  return out;
}

/** The dictionaries and their columns that point at `target` (its rows, or a children column's rows). */
export function referencesTo(dicts: DictionaryDefinition[], target: string) {
  return dicts.flatMap((d) => d.columns.filter((c) => c.ref === target).map((c) => ({ dict: d, column: c })));
}

// ---- look-ups ------------------------------------------------------------------------------------

/** The row whose natural key (a unit's credit code, a name) is `key`, or null. */
export async function dictionaryRowByKey(db: Db, id: string, key: string, t?: Transaction): Promise<{ id: number } | null> {
  const d = await dictionaryOf(db, id, t);
  const row = await rowModel(db, d).findOne({ where: { [d.key]: key }, attributes: ["id"], transaction: t });
  return row ? { id: Number(row.get("id")) } : null;
}

export async function dictionaryRowExists(db: Db, id: string, rowId: number, t?: Transaction) {
  const d = await dictionaryOf(db, id, t);
  return !!(await rowModel(db, d).findByPk(rowId, { attributes: ["id"], transaction: t }));
}

/** Rows' labels (their title): the given ids in id order, or every row by title. */
export async function dictionaryLabels(db: Db, id: string, ids?: number[]): Promise<RefOption[]> {
  const d = await dictionaryOf(db, id);
  const title = titleColumn(d);
  const rows = await rowModel(db, d).findAll({
    where: ids ? { id: { [Op.in]: ids } } : {}, attributes: ["id", title], order: [ids ? ["id", "ASC"] : [title, "ASC"]],
  });
  return rows.map((r) => ({ id: Number(r.get("id")), label: String(r.get(title) ?? "") }));
}

// ---- x-dictionary ----------------------------------------------------------------------------------

/** (path, dictionary) pairs declared in a schema, conditional fields included; arrays are marked
 * with "*". */
export function dictionaryFields(schema: any): { path: string[]; dictionary: string }[] {
  const seen = new Set<string>();
  const key = (f: { path: string[]; dictionary: string }) => `${f.path.join(".")}\u0000${f.dictionary}`;
  return walkDictionaryFields(schema, []).filter((f) => !seen.has(key(f)) && !!seen.add(key(f)));
}

function walkDictionaryFields(schema: any, prefix: string[]): { path: string[]; dictionary: string }[] {
  const out: { path: string[]; dictionary: string }[] = [];
  if (!schema || typeof schema !== "object") return out;
  if (typeof schema["x-dictionary"] === "string") out.push({ path: prefix, dictionary: schema["x-dictionary"] });
  for (const [k, sub] of Object.entries<any>(schema.properties ?? {})) out.push(...walkDictionaryFields(sub, [...prefix, k]));
  if (schema.items && typeof schema.items === "object") out.push(...walkDictionaryFields(schema.items, [...prefix, "*"]));
  for (const branch of sameValueBranches(schema)) out.push(...walkDictionaryFields(branch, prefix));
  return out;
}

/** Values at a schema path ("*" = every array item), each with its dotted data path. */
export function valuesAt(data: unknown, path: string[], at: string[] = []): { path: string; value: unknown }[] {
  if (path.length === 0) return data === undefined || data === null ? [] : [{ path: at.join("."), value: data }];
  const [head, ...rest] = path;
  if (head === "*") {
    return Array.isArray(data) ? data.flatMap((v, i) => valuesAt(v, rest, [...at, String(i)])) : [];
  }
  if (data && typeof data === "object") return valuesAt(Reflect.get(data, head), rest, [...at, head]);
  return [];
}

/** Per-field errors for values that are not in their dictionary (rows are referenced by id). */
export async function checkDictionaryRefs(db: Db, schema: unknown, data: unknown) {
  const errors: Record<string, string[]> = {};
  for (const f of dictionaryFields(schema)) {
    const found = valuesAt(data, f.path);
    const dict = found.length ? await findDictionary(db, f.dictionary) : null;
    if (!dict) continue;
    const wanted = found.map((v) => v.value).filter((v): v is number => Number.isInteger(v));
    const rows = wanted.length ? await rowModel(db, dict).findAll({ where: { id: { [Op.in]: wanted } }, attributes: ["id"] }) : [];
    const known = new Set(rows.map((r) => Number(r.get("id"))));
    for (const v of found) if (!known.has(v.value as number)) (errors[v.path] ??= []).push(`所选${dict.label}不存在，请重新选择`);
  }
  return errors;
}

// ---- 字典选择 (form fields picking a row by keyword search) -----------------------------------------

/** The dictionaries a form field may pick from (the form designer's 字典选择). */
export async function dictionaryChoices(db: Db) {
  return (await listDictionaries(db)).map((d) => ({ id: d.id, label: d.label }));
}

export const DICTIONARY_SEARCH_LIMIT = 20;

/**
 * Rows of a dictionary for a picker: those whose searched columns hold the keyword (or the row
 * `id`, to show a stored value's label), by their title. Unknown dictionary → 404.
 */
export async function searchDictionary(db: Db, id: string | undefined, p: { q?: string; id?: number | null }) {
  const d = await dictionaryOf(db, id);
  const title = titleColumn(d);
  const lower = new Set(d.columns.filter((c) => c.type.startsWith("pinyin-")).map((c) => c.name));
  const q = (p.q ?? "").replace(/[%_\\]/g, "").trim().slice(0, 50);
  if (p.id === undefined || p.id === null) {
    if (!q) return { results: [], hint: `请输入关键字查找${d.label}` };
  }
  const where = p.id !== undefined && p.id !== null
    ? { id: p.id }
    : { [Op.or]: d.search.map((f) => ({ [f]: { [Op.like]: `%${lower.has(f) ? q.toLowerCase() : q}%` } })) };
  const rows = await rowModel(db, d).findAll({ where, attributes: ["id", title], order: orderOf(d), limit: DICTIONARY_SEARCH_LIMIT });
  const results = rows.map((r) => ({ id: Number(r.get("id")), label: String(r.get(title) ?? "") }));
  return { results, hint: results.length ? null : `未找到匹配的${d.label}，请换个关键字试试` };
}

/** Labels of the dictionary values in records of these schemas ({ dictionary: { id: label } }), for format-value's lookup. */
export async function dictionaryLabelsFor(db: Db, items: { schema: unknown; data: unknown }[]): Promise<Record<string, Record<string, string>>> {
  const wanted = new Map<string, Set<number>>();
  for (const { schema, data } of items) {
    for (const f of dictionaryFields(schema)) {
      for (const v of valuesAt(data, f.path)) if (Number.isInteger(v.value)) (wanted.get(f.dictionary) ?? wanted.set(f.dictionary, new Set()).get(f.dictionary)!).add(v.value as number);
    }
  }
  const out: Record<string, Record<string, string>> = {};
  for (const [id, ids] of wanted) {
    if (!(await findDictionary(db, id))) continue;
    out[id] = Object.fromEntries((await dictionaryLabels(db, id, [...ids])).map((r) => [String(r.id), r.label]));
  }
  return out;
}

export { refTarget, titleColumn };
