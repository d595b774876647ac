// The dictionary kind: dictionaries/<id>.json (工作单位, 主管部门, 职称系列 …), stored in
// dictionary_versions. A declaration says the table, its columns (with references to other
// dictionaries), the natural key, search and order; publishing a version creates the table (and
// adds declared columns it lacks), so a new dictionary is a file — no migration, no model.
import fs from "node:fs";
import { QueryTypes, type Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ensureDictionaryTable } from "../../dictionaries.server";
import { contentHash } from "../hash";
import { at, getDefinition, latestVersion, readJsonFile, type KindSpec, type Raw } from "../lifecycle.server";

export type ColumnType = "text" | "date" | "int" | "creditCode" | "ref" | "refs" | "levels" | "children" | "pinyin-initials" | "pinyin-full";

export interface DictionaryColumn {
  name: string;
  /** Absent only on computed columns (pinyin-*), which are never shown. */
  label?: string;
  type: ColumnType;
  required?: boolean;
  unique?: boolean;
  maxLength?: number;
  /** text: the only values allowed (a fixed list, e.g. a holiday's 类型). */
  options?: string[];
  /** ref/refs: a dictionary id, or "<id>/<children column>" for a child row. */
  ref?: string;
  /** ref/refs: why a row this column points at cannot be deleted ({count}, {name}). */
  inUse?: string;
  help?: string;
  /** ref: the row named here is preselected in a 受理部门/受理评审委员会 step for this unit's applicants (or units referring to this row). */
  preselect?: boolean;
  /** pinyin-*: the column it is computed from. */
  of?: string;
  /** children: the child table and its column holding the parent's id. */
  table?: string;
  parent?: string;
}

export interface DictionaryDefinition {
  id: string;
  version: number;
  label: string;
  table: string;
  position: number;
  key: string;
  title?: string;
  optimisticLock?: boolean;
  columns: DictionaryColumn[];
  search: string[];
  order: { column: string; direction?: "asc" | "desc" }[];
  usedBy?: { table: string; column: string; message: string }[];
  inScopeMessage?: string;
}

/** The column that names a row where it is referenced. */
export const titleColumn = (d: DictionaryDefinition) => d.title ?? "name";

const STORED = (c: DictionaryColumn) => c.type !== "children";

/** How a column is stored, to refuse a version that changes it under existing rows. */
export function storageOf(c: DictionaryColumn): string {
  switch (c.type) {
    case "text": case "date": case "creditCode": case "pinyin-initials": case "pinyin-full": return "string";
    case "int": case "ref": return "integer";
    case "refs": case "levels": return "json";
    case "children": return `children:${c.table}.${c.parent}`;
  }
}

/** The column types an administrator may declare in the browser or a configuration bundle. */
export const ADMIN_COLUMN_TYPES = ["text", "date", "int", "ref"] as const satisfies readonly ColumnType[];
export const COLUMN_TYPE_LABELS: Partial<Record<ColumnType, string>> = { text: "文本", date: "日期", int: "整数", ref: "引用字典" };
/** How wide a date column's text is (YYYY-MM-DD). */
export const DATE_WIDTH = 10;
/** The stored width of a text-like column (the table's column keeps the width it was created with). */
const widthOf = (c: DictionaryColumn) => (c.type === "date" ? DATE_WIDTH : c.maxLength ?? 255);
/** Types a version may switch between: the same text, only checked differently (a text column of dates becomes a date column). */
const RETYPABLE = new Set<ColumnType>(["text", "date"]);
/** The table of a dictionary declared by an administrator: derived from its id, never chosen. */
export const adminTableOf = (id: string) => `dict_${id.replace(/-/g, "_")}`;
/** Ids a dictionary may not take (they are paths of 字典管理 itself). */
const RESERVED_IDS = new Set(["new"]);

/** Admin input (designer, bundle) may declare only simple columns, in a table of its own, and no raw-SQL usedBy. */
function checkUntrusted(d: DictionaryDefinition, source: string): string[] {
  const p: string[] = [];
  if (RESERVED_IDS.has(d.id)) p.push(`${at(source)}编号「${d.id}」是保留字，请换一个`);
  if (d.table !== adminTableOf(d.id)) p.push(`${at(source)}table 应为「${adminTableOf(d.id)}」`);
  if (d.usedBy?.length) p.push(`${at(source)}usedBy 只能在字典文件中声明`);
  for (const [i, c] of d.columns.entries()) {
    if (!(ADMIN_COLUMN_TYPES as readonly string[]).includes(c.type)) {
      p.push(`${at(source)}第 ${i + 1} 列「${c.name}」的类型「${c.type}」不可用（可选：${ADMIN_COLUMN_TYPES.map((t) => COLUMN_TYPE_LABELS[t]).join("、")}）`);
    }
  }
  return p;
}

function checkDictionary(d: DictionaryDefinition, source: string, untrusted: boolean): string[] {
  const p: string[] = untrusted ? checkUntrusted(d, source) : [];
  const names = new Set<string>();
  for (const c of d.columns) {
    if (names.has(c.name) || c.name === "id" || c.name === "version") p.push(`${at(source)}列名「${c.name}」重复或为保留字`);
    names.add(c.name);
  }
  const stored = new Set(["id", ...d.columns.filter(STORED).map((c) => c.name)]);
  const need = (what: string, col: string) => { if (!stored.has(col)) p.push(`${at(source)}${what}「${col}」不是本字典的列`); };
  need("key", d.key);
  need("title", d.title ?? "name");
  for (const s of d.search) {
    need("search", s);
    // The keyword search is a LIKE, which Postgres refuses on a number.
    const c = d.columns.find((x) => x.name === s);
    if (c && storageOf(c) !== "string") p.push(`${at(source)}search「${s}」应为文本列（按关键字查找只搜索文本）`);
  }
  for (const o of d.order) need("order", o.column);
  for (const c of d.columns) if (c.of) need(`${c.name}.of`, c.of);
  for (const c of d.columns) {
    if (c.type === "date" && c.maxLength !== undefined) p.push(`${at(source)}列「${c.name}」是日期列，不设最大长度（固定为 ${DATE_WIDTH} 个字符）`);
    const long = c.options?.filter((o) => o !== o.trim() || o.length > widthOf(c)) ?? [];
    if (long.length) p.push(`${at(source)}列「${c.name}」的可选值「${long.join("、")}」超过最大长度 ${widthOf(c)} 或首尾有空格`);
  }
  const key = d.columns.find((c) => c.name === d.key);
  if (key && !key.unique && !key.required) p.push(`${at(source)}key「${d.key}」应为必填且不重复的列`);
  return p;
}

const typeName = (t: ColumnType) => COLUMN_TYPE_LABELS[t] ?? t;

/** Does any row hold a value in this column (an int column always does)? */
async function columnHoldsValues(db: Db, d: DictionaryDefinition, c: DictionaryColumn, transaction?: Transaction) {
  const qi = db.sequelize.getQueryInterface();
  if (!(await qi.tableExists(d.table, { transaction }))) return false;
  const col = qi.quoteIdentifier(c.name);
  const empty = storageOf(c) === "string" ? ` AND ${col} <> ''` : "";
  const rows = await db.sequelize.query<{ one: number }>(`SELECT 1 AS one FROM ${qi.quoteIdentifier(d.table)} WHERE ${col} IS NOT NULL${empty} LIMIT 1`, { type: QueryTypes.SELECT, transaction });
  return rows.length > 0;
}

/** A ref's target: the dictionary, and the children column when it names one ("title-series/specialties"). */
export function refTarget(ref: string) {
  const [dictionary, child] = ref.split("/");
  return { dictionary, child: child ?? null };
}

export const dictionaryKind: KindSpec<DictionaryDefinition> = {
  kind: "dictionary",
  label: "字典",
  dir: () => getEnv().dictionariesDir,
  folder: "dictionaries",
  metaSchema: "_meta/dictionary.schema.json",
  format: { current: 1, upgrades: {} },
  versioning: "declared",
  listFiles: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : []),
  readFile: readJsonFile,
  idOf: (raw) => (typeof raw.id === "string" ? raw.id : null),
  toDef: (content) => {
    const { $comment: _c, ...c }: typeof content & { $comment?: unknown } = content;
    return { ...c, id: String(c.id), version: Number(c.version) } as DictionaryDefinition;
  },
  check: (def, { source, untrusted }) => checkDictionary(def, source, untrusted),
  checkFiles: (files) => {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const { file, def } of files) {
      for (const [what, v] of [["position", String(def.position)], ["table", def.table]] as const) {
        const k = `${what}:${v}`;
        const other = seen.get(k);
        if (other && other !== def.id) problems.push(`${file}: ${what} ${v} 与字典 ${other} 重复`);
        seen.set(k, def.id);
      }
    }
    return problems;
  },
  // References name dictionaries published (or published with it); a version never changes how
  // an existing column or table is stored.
  checkPublished: async (db, def, { source, transaction, others }) => {
    const problems: string[] = [];
    const find = async (id: string) => others?.get(id) ?? (await getDefinition(db, dictionaryKind, id, undefined, { transaction }));
    for (const c of def.columns) {
      if (!c.ref) continue;
      const t = refTarget(c.ref);
      const target = t.dictionary === def.id ? def : await find(t.dictionary);
      if (!target) problems.push(`${at(source)}列「${c.name}」引用了未知字典「${t.dictionary}」`);
      else if (t.child && !target.columns.some((x) => x.name === t.child && x.type === "children")) problems.push(`${at(source)}列「${c.name}」引用的「${c.ref}」不是字典的子项列`);
    }
    const latest = await latestVersion(db, dictionaryKind, def.id, transaction);
    const prev = latest === null || latest === def.version ? null : await getDefinition(db, dictionaryKind, def.id, latest, { transaction });
    if (prev) {
      if (prev.table !== def.table) problems.push(`${at(source)}table 不能从「${prev.table}」改为「${def.table}」`);
      if (prev.key !== def.key) problems.push(`${at(source)}关键列不能从「${prev.key}」改为「${def.key}」（导入与配置包按关键列识别已有的行）`);
      for (const c of def.columns) {
        const old = prev.columns.find((x) => x.name === c.name);
        if (!old) continue;
        if (storageOf(old) !== storageOf(c)) problems.push(`${at(source)}列「${c.name}」的存储方式不能修改（${storageOf(old)} → ${storageOf(c)}）`);
        else if (old.type !== c.type && !(RETYPABLE.has(old.type) && RETYPABLE.has(c.type))) problems.push(`${at(source)}列「${c.name}」的类型不能修改（${typeName(old.type)} → ${typeName(c.type)}）`);
        else if ((old.ref ?? null) !== (c.ref ?? null)) problems.push(`${at(source)}列「${c.name}」引用的字典不能修改（${old.ref} → ${c.ref}）`);
        // The table's column keeps the width it was created with: text → date needs room for a date.
        if (RETYPABLE.has(old.type) && RETYPABLE.has(c.type)) {
          if (c.type === "date" && old.type === "text" && widthOf(old) < DATE_WIDTH) problems.push(`${at(source)}列「${c.name}」的最大长度为 ${widthOf(old)}，放不下日期，不能改为日期列`);
          else if (c.type === "text" && widthOf(old) !== widthOf(c)) problems.push(`${at(source)}列「${c.name}」的最大长度不能修改（${widthOf(old)} → ${widthOf(c)}）`);
        }
      }
      // A column left out of a new version is no longer shown nor exported: only one that holds no value may go.
      for (const old of prev.columns.filter((x) => STORED(x) && !def.columns.some((c) => c.name === x.name))) {
        if (await columnHoldsValues(db, prev, old, transaction)) problems.push(`${at(source)}列「${old.label ?? old.name}」（${old.name}）已有数据，不能删除`);
      }
    }
    return problems;
  },
  afterPublish: (db, def, t) => ensureDictionaryTable(db, def, t),
  hash: ({ version: _v, ...content }) => contentHash(content),
  store: {
    model: (db) => db.models.DictionaryVersion,
    where: (id) => ({ dictionaryId: id }),
    toRow: ({ version: _v, ...content }) => ({ dictionaryId: content.id, definition: content }),
    fromRow: (row: Raw) => ({ ...(row.definition as Raw), version: row.version }),
  },
};
