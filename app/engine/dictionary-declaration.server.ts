// 【新建字典】 and 【编辑字典定义】: an administrator declares a dictionary in the browser (id, 名称,
// columns of the simple kinds — text (with an optional fixed list of values), date, int, ref —,
// which column is the key and which names a row, which columns are searched). The declaration becomes a dictionary definition published through
// the one lifecycle publisher (app/engine/definitions), exactly like a file in dictionaries/: the
// meta-schema and the dictionary kind's checks decide what is valid (admin input: the untrusted
// rules of the kind), and the kind's afterPublish creates the rows' table or adds new columns.
// Here: the admin's shape ↔ the definition, the version check (409) and locating the publisher's
// messages on the page's own terms.
import { UniqueConstraintError } from "sequelize";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { DefinitionError } from "./definitions/errors";
import { getDefinition, latestVersion, publishDefinition } from "./definitions/lifecycle.server";
import { ADMIN_COLUMN_TYPES, adminTableOf, COLUMN_TYPE_LABELS, dictionaryKind, type DictionaryDefinition } from "./definitions/kinds/dictionary.server";
import { declaredDictionaryIds, listDictionaries } from "./dictionaries.server";

export { ADMIN_COLUMN_TYPES, COLUMN_TYPE_LABELS };

/** One column as the 字典定义 page edits it. */
export interface DeclaredColumn { name: string; label: string; type: string; required?: boolean; maxLength?: number; options?: string[]; ref?: string }

/** A dictionary as the 字典定义 page edits it. */
export interface Declaration {
  id: string;
  label: string;
  columns: DeclaredColumn[];
  /** The natural key (imports and bundles match rows by it): required and unique. */
  key: string;
  /** The column that names a row where it is referenced (default: the key). */
  title?: string;
  search: string[];
}

export const DECLARATION_INVALID = "字典定义有误，未发布";
export const DECLARATION_CONFLICT = "该字典定义已被他人修改，请刷新页面后重试";

/** Was this dictionary declared by a file (dictionaries/*.json)? Those are edited in their file. */
export const isFileDictionary = (id: string) => declaredDictionaryIds().has(id);

/** The page's shape of a published dictionary. */
export function declarationOf(d: DictionaryDefinition): Declaration {
  return {
    id: d.id, label: d.label, key: d.key, title: d.title ?? d.key, search: [...d.search],
    columns: d.columns.map((c) => ({ name: c.name, label: c.label ?? c.name, type: c.type, required: !!c.required, maxLength: c.maxLength, options: c.options, ref: c.ref })),
  };
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The definition an admin's declaration stands for. Values are passed on as they came (a wrong
 * type is for the meta-schema to report, located); only what the page does not ask for is
 * derived: the table, the place in the list, the order, and the key column being required and unique.
 */
export function definitionOf(input: unknown, o: { position: number }): Record<string, unknown> {
  const d = obj(input);
  const key = d.key;
  const columns = Array.isArray(d.columns)
    ? d.columns.map((raw) => {
      const c = obj(raw);
      const col: Record<string, unknown> = { name: c.name, label: c.label, type: c.type };
      if (c.required === true || (c.name === key && key !== undefined)) col.required = true;
      if (c.name === key && key !== undefined) col.unique = true;
      if (c.type === "text" && c.maxLength !== undefined && c.maxLength !== null && c.maxLength !== "") col.maxLength = c.maxLength;
      // No options (an empty list) is any text.
      if (c.type === "text" && c.options !== undefined && c.options !== null && !(Array.isArray(c.options) && c.options.length === 0)) col.options = c.options;
      if (c.type === "ref") col.ref = c.ref;
      return col;
    })
    : d.columns;
  const title = d.title === undefined || d.title === null || d.title === "" ? key : d.title;
  return {
    id: d.id, label: d.label, table: typeof d.id === "string" ? adminTableOf(d.id) : undefined, position: o.position,
    key, title, columns, search: d.search, order: [{ column: "id" }],
  };
}

const FIELD_NAMES: Record<string, string> = {
  id: "编号", label: "名称", key: "关键列", title: "标题列", search: "搜索列", columns: "列", table: "表名",
  name: "列名", type: "类型", maxLength: "最大长度", options: "可选值", required: "必填", ref: "引用的字典",
};
const ID_HINT = "编号应以小写字母开头，只含小写字母、数字和连字符（2–48 个字符），例如 funding-sources";
const NAME_HINT = "列名应以小写字母开头，只含字母和数字，例如 shortName";

/** A publisher message in the page's terms: "columns.1.name 格式不正确" → "第 2 列的列名：格式不正确（…）". */
export function locateProblem(p: string, input: unknown): string {
  const own = /^(key|title|search|order)「/.exec(p);
  if (own) return `${FIELD_NAMES[own[1]] ?? "排序列"}${p.slice(own[1].length)}`;
  const m = /^([A-Za-z]+)(?:\.(\d+))?(?:\.([A-Za-z]+))? (.*)$/s.exec(p);
  if (!m || !(m[1] in FIELD_NAMES)) return p;
  const [, top, index, sub, msg] = m;
  const hint = msg === "格式不正确" ? (top === "id" ? `（${ID_HINT}）` : sub === "name" ? `（${NAME_HINT}）` : "") : "";
  const text = msg.startsWith("应为以下之一：") && sub === "type"
    ? `不可用（可选：${ADMIN_COLUMN_TYPES.map((t) => COLUMN_TYPE_LABELS[t]).join("、")}）`
    : msg + hint;
  if (top === "columns" && index !== undefined) {
    const c = obj((obj(input).columns as unknown[] | undefined)?.[Number(index)]);
    const named = typeof c.name === "string" && c.name ? `「${c.name}」` : "";
    return `第 ${Number(index) + 1} 列${named}${sub ? `的${FIELD_NAMES[sub] ?? sub}` : ""}：${text}`;
  }
  if (index !== undefined) return `${FIELD_NAMES[top]}第 ${Number(index) + 1} 项：${text}`;
  return `${FIELD_NAMES[top]}：${text}`;
}

/**
 * Publishes an admin's declaration: a new dictionary (`expectedVersion` null) or the next version
 * of one declared in the browser (`expectedVersion`: the version the page showed; another admin's
 * newer one → 409). Throws UserError: 422 with the located Chinese problems in
 * fieldErrors.declaration (nothing stored), 409 (a taken id, a stale version), 400 (a file's dictionary).
 */
export async function declareDictionary(db: Db, actor: { username: string }, input: unknown, expectedVersion: number | null) {
  const id = obj(input).id;
  if (typeof id === "string" && isFileDictionary(id)) throw new UserError(`字典「${id}」由配置文件声明，请在其文件中修改`, 400);
  try {
    return await db.sequelize.transaction(async (transaction) => {
      const latest = typeof id === "string" ? await latestVersion(db, dictionaryKind, id, transaction) : null;
      if (expectedVersion === null && latest !== null) throw new UserError(`编号「${id}」已被其他字典使用`, 409);
      if (expectedVersion !== null && latest !== expectedVersion) throw new UserError(latest === null ? "字典不存在" : DECLARATION_CONFLICT, latest === null ? 404 : 409);
      const prev = latest === null ? null : await getDefinition(db, dictionaryKind, id as string, latest, { transaction });
      const position = prev?.position ?? Math.min(999, Math.max(0, ...(await listDictionaries(db, transaction)).map((d) => d.position)) + 1);
      try {
        const r = await publishDefinition(db, dictionaryKind, definitionOf(input, { position }), { by: actor.username, untrusted: true, transaction });
        return { id: r.def.id, version: r.version };
      } catch (e) {
        if (e instanceof DefinitionError) throw new UserError(DECLARATION_INVALID, 422, { declaration: e.problems.map((p) => locateProblem(p, input)) });
        throw e;
      }
    });
  } catch (e) {
    // Two administrators creating the same id at once: the second finds the number taken.
    if (e instanceof UniqueConstraintError) throw new UserError(expectedVersion === null ? `编号「${id}」已被其他字典使用` : DECLARATION_CONFLICT, 409);
    throw e;
  }
}

/** A dictionary the 字典定义 page may edit: published and not a file's. 404 otherwise. */
export async function editableDeclaration(db: Db, id: string | undefined) {
  const d = id && /^[a-z][a-z0-9-]{1,47}$/.test(id) ? await getDefinition(db, dictionaryKind, id) : null;
  if (!d) throw new UserError("字典不存在", 404);
  if (isFileDictionary(d.id)) throw new UserError(`字典「${d.label}」由配置文件声明，请在其文件中修改`, 404);
  return { declaration: declarationOf(d), version: d.version };
}

/** What the 字典定义 page offers: the column types and the dictionaries a ref column may point at. */
export async function declarationEditorData(db: Db) {
  return {
    types: ADMIN_COLUMN_TYPES.map((t) => ({ value: t, label: COLUMN_TYPE_LABELS[t]! })),
    dictionaries: (await listDictionaries(db)).map((d) => ({ id: d.id, label: d.label })),
  };
}
