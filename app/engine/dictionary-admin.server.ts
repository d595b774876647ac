// The admin dictionary editor: one generic list / create / edit / delete / import / export
// engine over the declared dictionaries (dictionaries/*.json: columns, labels, natural key,
// search, references). What refuses a delete is derived from the declarations: another
// dictionary's ref/refs column pointing at the row (or at one of its children), a table that
// declares it uses the dictionary (usedBy), or a reviewer scope (app/engine/people/roles.ts).
// Routes stay thin and only call these.
//
// Values travel in two shapes: "values" (ids and arrays, what the edit form posts) and "cells"
// (human text, what CSV/Excel hold and the list shows): a reference is its title, a list is its
// items joined by "；", a child row is "父/子".
import { XLSX_TYPE } from "./file-storage.server";
import ExcelJS from "exceljs";
import { Op, QueryTypes, type Transaction, type WhereOptions } from "sequelize";
import { TITLE_LEVELS } from "../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { dbVersion, isDbId } from "~/utils/ints.server";
import { isValidCreditCode } from "./cn-codes";
import { canonical } from "./definitions/hash";
import {
  childColumns, childModel, declaredDictionaryIds, dictionaryOf, editableColumns, listDictionaries, orderOf, referencesTo, refTables, rowModel, titleColumn,
  type DictionaryColumn, type DictionaryDefinition, type DictRow, type RefTables,
} from "./dictionaries.server";
import { pinyinKeys } from "./pinyin";
import { isCalendarDay } from "./working-days";
import { SCOPE_KIND_IDS, scopeKind } from "./people/roles";
import { bodyNumber, bodyText } from "~/utils/body-values";

export { TITLE_LEVELS };

const LIST_SEP = "；";
export const CONFLICT_MESSAGE = "该记录已被他人修改，请刷新页面后重试";

type Values = Record<string, unknown>;
const fill = (template: string, v: { count?: number; name?: string }) =>
  template.replace(/\{count\}/g, String(v.count ?? "")).replace(/\{name\}/g, v.name ?? "");
const labelOf = (c: DictionaryColumn) => c.label ?? c.name;

/** 字典管理's list: each dictionary, and whether its declaration is edited here (declared in the browser) or in its file. */
export async function dictSummaries(db: Db) {
  const files = declaredDictionaryIds();
  return (await listDictionaries(db)).map((d) => ({ key: d.id, label: d.label, version: d.version, declaredHere: !files.has(d.id) }));
}

// ---- reading -------------------------------------------------------------------------------
async function valuesOf(db: Db, d: DictionaryDefinition, rows: DictRow[], t?: Transaction): Promise<(Values & { id: number; version?: number })[]> {
  const kids = new Map<string, Map<number, string[]>>();
  for (const c of childColumns(d)) {
    const byParent = new Map<number, string[]>();
    const ids = rows.map((r) => Number(r.get("id")));
    const all = ids.length ? await childModel(db, d, c).findAll({ where: { [c.parent!]: { [Op.in]: ids } }, order: [["id", "ASC"]], transaction: t }) : [];
    for (const k of all) byParent.set(Number(k.get(c.parent!)), [...(byParent.get(Number(k.get(c.parent!))) ?? []), String(k.get("name"))]);
    kids.set(c.name, byParent);
  }
  return rows.map((r) => {
    const id = Number(r.get("id"));
    const out: Values & { id: number; version?: number } = { id };
    for (const c of editableColumns(d)) {
      out[c.name] = c.type === "children" ? kids.get(c.name)!.get(id) ?? [] : r.get(c.name) ?? (c.type === "refs" || c.type === "levels" ? [] : null);
    }
    if (d.optimisticLock) out.version = Number(r.get("version"));
    return out;
  });
}

const refLabel = (refs: RefTables, ref: string, id: unknown) => refs[ref]?.find((x) => x.id === id)?.label ?? "";

function cellsOf(d: DictionaryDefinition, v: Values, refs: RefTables): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of editableColumns(d)) {
    const x = v[c.name];
    if (c.type === "ref") out[c.name] = x == null ? "" : refLabel(refs, c.ref!, x);
    else if (c.type === "refs") out[c.name] = ((x as number[]) ?? []).map((id) => refLabel(refs, c.ref!, id)).filter(Boolean).join(LIST_SEP);
    else if (c.type === "levels" || c.type === "children") out[c.name] = ((x as string[]) ?? []).join(LIST_SEP);
    else out[c.name] = x == null ? "" : String(x);
  }
  return out;
}

function escapeLike(q: string) {
  return q.replace(/[%_\\]/g, "");
}

export async function listRows(db: Db, key: string, p: { q: string; offset: number; pageSize: number }) {
  const d = await dictionaryOf(db, key);
  const q = escapeLike(p.q);
  const lower = new Set(d.columns.filter((c) => c.type.startsWith("pinyin-")).map((c) => c.name));
  const where: WhereOptions = q ? { [Op.or]: d.search.map((f) => ({ [f]: { [Op.like]: `%${lower.has(f) ? q.toLowerCase() : q}%` } })) } : {};
  const { rows, count } = await rowModel(db, d).findAndCountAll({ where, order: orderOf(d), offset: p.offset, limit: p.pageSize });
  const refs = await refTables(db);
  const values = await valuesOf(db, d, rows);
  return { dictionary: d, total: count, rows: values.map((v) => ({ ...v, cells: cellsOf(d, v, refs) })), refs };
}

// ---- validation ----------------------------------------------------------------------------
/** A posted scalar as text (numbers as typed); an object or array is no text at all. */
const scalarText = (v: unknown) => (typeof v === "number" || typeof v === "boolean" ? String(v) : bodyText(v));
const LIST_TYPES = ["refs", "levels", "children"];

/** A refused value quoted in a message: short enough for any input. */
const quoted = (s: string) => `「${s.length > 20 ? `${s.slice(0, 20)}…` : s}」`;

/** Why `s` is not a date a date column takes (YYYY-MM-DD, a day that exists), or null. Never guessed: 2026-1-1 or 2026/10/01 is refused, not read as some day. */
export function dateProblem(label: string, s: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${label}应为 2026-10-01 这样的格式（填写的是${quoted(s)}）`;
  return isCalendarDay(s) ? null : `${label}${quoted(s)}不存在（没有这一天）`;
}

/** Checks and normalises posted values; returns errors per field label. */
export function normalise(d: DictionaryDefinition, input: Values, refs: RefTables): { values: Values; errors: string[] } {
  const values: Values = {};
  const errors: string[] = [];
  for (const f of editableColumns(d)) {
    const label = labelOf(f);
    const raw = input[f.name];
    const empty = raw === undefined || raw === null || raw === "" || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (f.required) errors.push(`${label}不能为空`);
      values[f.name] = f.type === "refs" || f.type === "levels" || f.type === "children" ? [] : f.type === "int" ? 0 : null;
      continue;
    }
    if (typeof raw === "object" && !LIST_TYPES.includes(f.type)) {
      errors.push(`${f.label}格式不正确`);
      values[f.name] = null;
      continue;
    }
    switch (f.type) {
      case "text": {
        const s = scalarText(raw).trim();
        if (!s && f.required) errors.push(`${label}不能为空`);
        else if (f.maxLength && s.length > f.maxLength) errors.push(`${label}不能超过 ${f.maxLength} 个字符`);
        else if (s && f.options && !f.options.includes(s)) errors.push(`${label}${quoted(s)}不是可选的值（可选：${f.options.join("、")}）`);
        values[f.name] = s || null;
        break;
      }
      case "date": {
        const s = scalarText(raw).trim();
        const problem = s ? dateProblem(label, s) : f.required ? `${label}不能为空` : null;
        if (problem) errors.push(problem);
        values[f.name] = s || null;
        break;
      }
      case "int": {
        const n = bodyNumber(raw);
        if (!Number.isInteger(n) || Math.abs(n) > 1_000_000) errors.push(`${label}必须是整数`);
        values[f.name] = n;
        break;
      }
      case "creditCode": {
        const s = scalarText(raw).trim().toUpperCase();
        if (!/^[0-9A-Z]{18}$/.test(s)) errors.push(`${label}应为 18 位数字或大写字母`);
        else if (!isValidCreditCode(s)) errors.push(`${label}校验位不正确`);
        values[f.name] = s;
        break;
      }
      case "ref": {
        const id = bodyNumber(raw);
        if (!refs[f.ref!]?.some((r) => r.id === id)) errors.push(`所选${label}不存在`);
        values[f.name] = id;
        break;
      }
      case "refs": {
        const ids = Array.isArray(raw) ? raw.map(bodyNumber) : [];
        if (!Array.isArray(raw) || ids.some((id) => !refs[f.ref!]?.some((r) => r.id === id))) errors.push(`所选${label}不存在`);
        values[f.name] = [...new Set(ids)];
        break;
      }
      case "levels": {
        const list = Array.isArray(raw) ? raw.map((x) => scalarText(x)) : [];
        const bad = list.filter((l) => !(TITLE_LEVELS as readonly string[]).includes(l));
        if (!Array.isArray(raw) || bad.length) errors.push(`${label}「${bad.join("、")}」不是有效级别（可选：${TITLE_LEVELS.join("、")}）`);
        values[f.name] = TITLE_LEVELS.filter((l) => list.includes(l));
        break;
      }
      case "children": {
        const list = Array.isArray(raw) ? raw.map((s) => scalarText(s).trim()).filter(Boolean) : [];
        if (!Array.isArray(raw)) errors.push(`${label}格式不正确`);
        else if (list.some((s) => s.length > 64)) errors.push(`${label}名称不能超过 64 个字符`);
        values[f.name] = [...new Set(list)];
        break;
      }
    }
  }
  return { values, errors };
}

/** Text cells (from a file) → values, resolving titles to ids. */
function parseCells(d: DictionaryDefinition, cells: Record<string, string>, refs: RefTables): { values: Values; errors: string[] } {
  const input: Values = {};
  const errors: string[] = [];
  for (const f of editableColumns(d)) {
    const s = (cells[f.name] ?? "").trim();
    if (!s) { input[f.name] = null; continue; }
    if (f.type === "ref" || f.type === "refs") {
      const names = f.type === "ref" ? [s] : s.split(/[；;]/).map((x) => x.trim()).filter(Boolean);
      const ids: number[] = [];
      for (const n of names) {
        const hit = refs[f.ref!]?.find((r) => r.label === n);
        if (hit) ids.push(hit.id);
        else errors.push(`${labelOf(f)}「${n}」不存在`);
      }
      input[f.name] = f.type === "ref" ? ids[0] ?? null : ids;
    } else if (f.type === "levels" || f.type === "children") {
      input[f.name] = s.split(/[；;]/).map((x) => x.trim()).filter(Boolean);
    } else input[f.name] = s;
  }
  const n = normalise(d, input, refs);
  // A name that did not resolve is already reported; don't also say "不能为空".
  return { values: n.values, errors: [...errors, ...n.errors.filter((e) => !errors.some((x) => x.startsWith(e.replace(/不能为空$/, ""))))] };
}

// ---- writing -------------------------------------------------------------------------------
/** What a row stores: its columns (children are rows of their own) and the computed ones. */
export function rowAttrs(d: DictionaryDefinition, v: Values) {
  const attrs: Values = {};
  for (const c of d.columns) {
    if (c.type === "children") continue;
    if (c.type === "pinyin-initials" || c.type === "pinyin-full") {
      const keys = pinyinKeys(String(v[c.of!] ?? ""));
      attrs[c.name] = c.type === "pinyin-initials" ? keys.pinyinInitials : keys.pinyinFull;
    } else attrs[c.name] = v[c.name];
  }
  return attrs;
}

async function assertUnique(db: Db, d: DictionaryDefinition, v: Values, id: number | null, t?: Transaction) {
  for (const c of d.columns.filter((x) => x.unique)) {
    const other = await rowModel(db, d).findOne({ where: { [c.name]: v[c.name] as string }, attributes: ["id"], transaction: t });
    if (other && Number(other.get("id")) !== id) throw new UserError(`${labelOf(c)}「${v[c.name]}」已存在`, 409);
  }
}

/** The first rows of `refs` columns holding any of `ids`, with how many there are. */
async function listsHolding(db: Db, d: DictionaryDefinition, c: DictionaryColumn, ids: number[], t?: Transaction) {
  const rows = await rowModel(db, d).findAll({ transaction: t, order: [["id", "ASC"]] });
  const names = rows.filter((r) => ((r.get(c.name) as number[]) ?? []).some((x) => ids.includes(x))).map((r) => String(r.get(titleColumn(d))));
  return { count: names.length, name: names[0] };
}

/** Why row `id` cannot be deleted, or null (see the header). */
async function whyInUse(db: Db, d: DictionaryDefinition, id: number, t?: Transaction): Promise<string | null> {
  for (const u of d.usedBy ?? []) {
    const [row] = await db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM "${u.table}" WHERE "${u.column}" = :id`, { replacements: { id }, type: QueryTypes.SELECT, transaction: t });
    const count = Number(row?.n ?? 0);
    if (count) return fill(u.message, { count });
  }
  const dicts = await listDictionaries(db, t);
  for (const { dict, column } of referencesTo(dicts, d.id)) {
    if (column.type === "ref") {
      const count = await rowModel(db, dict).count({ where: { [column.name]: id }, transaction: t });
      if (count) return fill(column.inUse ?? `该${d.label}已被 {count} 个${dict.label}使用，不能删除`, { count });
    } else {
      const hit = await listsHolding(db, dict, column, [id], t);
      if (hit.count) return fill(column.inUse ?? `该${d.label}已被${dict.label}「{name}」使用，不能删除`, hit);
    }
  }
  for (const child of childColumns(d)) {
    const kids = (await childModel(db, d, child).findAll({ where: { [child.parent!]: id }, attributes: ["id"], transaction: t })).map((k) => Number(k.get("id")));
    if (!kids.length) continue;
    for (const { dict, column } of referencesTo(dicts, `${d.id}/${child.name}`)) {
      const hit = await listsHolding(db, dict, column, kids, t);
      if (hit.count) return fill(`该${d.label}的${labelOf(child)}已被${dict.label}「{name}」使用，不能删除`, hit);
    }
  }
  for (const kind of SCOPE_KIND_IDS.filter((k) => scopeKind(k).dictionary === d.id)) {
    const count = await db.models.UserScope.count({ where: { kind, refId: id }, transaction: t });
    if (count) return fill(d.inScopeMessage ?? `该${d.label}是 {count} 位审核人员的管辖范围，不能删除`, { count });
  }
  return null;
}

/** Adds the children a row lacks; with removeMissing also removes the others (refused while in use). */
async function syncChildren(db: Db, d: DictionaryDefinition, id: number, v: Values, t: Transaction, opts: { removeMissing: boolean; write?: boolean }) {
  let added = false;
  for (const c of childColumns(d)) {
    const M = childModel(db, d, c);
    const names = (v[c.name] as string[]) ?? [];
    const existing = await M.findAll({ where: { [c.parent!]: id }, transaction: t });
    const have = new Set(existing.map((k) => String(k.get("name"))));
    const add = names.filter((n) => !have.has(n));
    if (add.length && opts.write !== false) await M.bulkCreate(add.map((name) => ({ [c.parent!]: id, name })), { transaction: t });
    added ||= add.length > 0;
    if (!opts.removeMissing) continue;
    const dicts = await listDictionaries(db, t);
    for (const k of existing.filter((e) => !names.includes(String(e.get("name"))))) {
      for (const { dict, column } of referencesTo(dicts, `${d.id}/${c.name}`)) {
        const hit = await listsHolding(db, dict, column, [Number(k.get("id"))], t);
        if (hit.count) throw new UserError(fill(`${labelOf(c)}「${String(k.get("name"))}」已被${dict.label}「{name}」使用，不能删除`, hit), 409);
      }
      await k.destroy({ transaction: t });
    }
  }
  return added;
}

function invalid(errors: string[]): never {
  throw new UserError(errors.join("；"), 400);
}

export async function createRow(db: Db, key: string, input: Values) {
  const d = await dictionaryOf(db, key);
  return db.sequelize.transaction(async (t) => {
    const { values, errors } = normalise(d, input, await refTables(db, t));
    if (errors.length) invalid(errors);
    await assertUnique(db, d, values, null, t);
    const row = await rowModel(db, d).create(rowAttrs(d, values), { transaction: t });
    const id = Number(row.get("id"));
    await syncChildren(db, d, id, values, t, { removeMissing: true });
    return { id };
  });
}

export async function updateRow(db: Db, key: string, id: number, input: Values, version?: unknown) {
  const d = await dictionaryOf(db, key);
  if (!isDbId(id)) throw new UserError("记录不存在或已被删除", 404);
  return db.sequelize.transaction(async (t) => {
    const row = await rowModel(db, d).findByPk(id, { transaction: t });
    if (!row) throw new UserError("记录不存在或已被删除", 404);
    const { values, errors } = normalise(d, input, await refTables(db, t));
    if (errors.length) invalid(errors);
    await assertUnique(db, d, values, id, t);
    const attrs = rowAttrs(d, values);
    if (d.optimisticLock) {
      const expected = dbVersion(version);
      const [n] = await rowModel(db, d).update({ ...attrs, version: expected + 1 }, { where: { id, version: expected }, transaction: t });
      if (n === 0) throw new UserError(CONFLICT_MESSAGE, 409);
    } else {
      await row.update(attrs, { transaction: t });
    }
    await syncChildren(db, d, id, values, t, { removeMissing: true });
    return { id };
  });
}

export async function deleteRow(db: Db, key: string, id: number) {
  const d = await dictionaryOf(db, key);
  if (!isDbId(id)) throw new UserError("记录不存在或已被删除", 404);
  return db.sequelize.transaction(async (t) => {
    const row = await rowModel(db, d).findByPk(id, { transaction: t });
    if (!row) throw new UserError("记录不存在或已被删除", 404);
    const why = await whyInUse(db, d, id, t);
    if (why) throw new UserError(why, 409);
    for (const c of childColumns(d)) await childModel(db, d, c).destroy({ where: { [c.parent!]: id }, transaction: t });
    await row.destroy({ transaction: t });
    return { id };
  });
}

export type UpsertStatus = "created" | "updated" | "unchanged";

/**
 * An imported row (a file's, a configuration bundle's): matched by the natural key, created or
 * updated; children are only added (removing one is the editor's: it may be in use). `always`
 * writes a matched row even when nothing changed (a file import counts it updated); `write:
 * false` checks and reports without writing. Throws UserError (a unique value taken).
 */
export async function upsertRow(db: Db, d: DictionaryDefinition, values: Values, t: Transaction, o: { always?: boolean; write?: boolean } = {}): Promise<{ id: number; status: UpsertStatus }> {
  const write = o.write !== false;
  const M = rowModel(db, d);
  const existing = await M.findOne({ where: { [d.key]: values[d.key] as string }, transaction: t });
  const existingId = existing ? Number(existing.get("id")) : null;
  await assertUnique(db, d, values, existingId, t);
  const attrs = rowAttrs(d, values);
  let id = existingId ?? -1;
  let status: UpsertStatus;
  if (existing) {
    const changed = Object.keys(attrs).some((k) => canonical(existing.get(k) ?? null) !== canonical(attrs[k] ?? null));
    status = changed ? "updated" : "unchanged";
    if ((changed || o.always) && write) {
      if (d.optimisticLock) attrs.version = Number(existing.get("version")) + 1;
      await existing.update(attrs, { transaction: t });
    }
  } else {
    status = "created";
    if (write) id = Number((await M.create(attrs, { transaction: t })).get("id"));
  }
  if (id > 0 && (await syncChildren(db, d, id, values, t, { removeMissing: false, write })) && status === "unchanged") status = "updated";
  return { id, status: o.always && status === "unchanged" ? "updated" : status };
}

// ---- the configuration bundle's shape: references by title, lists as arrays -----------------
/** Every row of a dictionary as the bundle holds it, sorted by natural key. */
export async function bundleRows(db: Db, d: DictionaryDefinition, refs: RefTables) {
  const rows = await rowModel(db, d).findAll({ order: [["id", "ASC"]] });
  const out = (await valuesOf(db, d, rows)).map((v) => {
    const o: Values = {};
    for (const c of editableColumns(d)) {
      const x = v[c.name];
      if (c.type === "ref") o[c.name] = x == null ? null : refLabel(refs, c.ref!, x) || null;
      else if (c.type === "refs") o[c.name] = ((x as number[]) ?? []).map((id) => refLabel(refs, c.ref!, id)).filter(Boolean);
      else o[c.name] = x ?? (c.type === "levels" || c.type === "children" ? [] : null);
    }
    return o;
  });
  const k = (o: Values) => String(o[d.key]);
  return out.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

/** A bundle row → values (titles resolved to ids); problems name the field. */
export function fromBundleRow(d: DictionaryDefinition, row: Values, refs: RefTables): { values: Values; errors: string[] } {
  const input: Values = {};
  const errs: string[] = [];
  for (const f of editableColumns(d)) {
    const x = row[f.name];
    if ((f.type === "ref" || f.type === "refs") && x != null) {
      const names = f.type === "ref" ? [x] : Array.isArray(x) ? x : null;
      if (!names) { errs.push(`${f.name}：应为名称数组`); continue; }
      const ids: number[] = [];
      for (const n of names) {
        const hit = refs[f.ref!]?.find((r) => r.label === n);
        if (hit) ids.push(hit.id);
        else errs.push(`${f.name}：${labelOf(f)}「${n}」不存在`);
      }
      input[f.name] = f.type === "ref" ? ids[0] ?? null : ids;
    } else input[f.name] = x;
  }
  const { values, errors } = normalise(d, input, refs);
  for (const e of errors) if (!errs.some((x) => x.includes(e.replace(/^所选|不存在$|不能为空$/g, "")))) errs.push(e);
  return { values, errors: errs };
}

/** Dictionaries in an order where each one's references come before it (then by position). */
export function dependencyOrder(dicts: DictionaryDefinition[]): DictionaryDefinition[] {
  const out: DictionaryDefinition[] = [];
  const left = [...dicts];
  while (left.length) {
    const i = left.findIndex((d) => d.columns.every((c) => !c.ref || c.ref.split("/")[0] === d.id || out.some((o) => o.id === c.ref!.split("/")[0]) || !dicts.some((x) => x.id === c.ref!.split("/")[0])));
    out.push(...left.splice(i < 0 ? 0 : i, 1));
  }
  return out;
}

// ---- files ---------------------------------------------------------------------------------
/** A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection). */
export function escapeCell(s: string) {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
function unescapeCell(s: string) {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}

function csvField(s: string) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 rows; each with the 1-based line number it starts on. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else { if (ch === "\n") line++; cell += ch; }
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); cell = "";
      out.push({ line: start, cells: row }); row = [];
      line++; start = line;
    } else cell += ch;
  }
  if (cell !== "" || row.length) { row.push(cell); out.push({ line: start, cells: row }); }
  return out.filter((r) => r.cells.some((c) => c.trim() !== ""));
}

export async function exportFile(db: Db, key: string, format: "csv" | "xlsx") {
  const d = await dictionaryOf(db, key);
  const rows = await rowModel(db, d).findAll({ order: orderOf(d) });
  const refs = await refTables(db);
  const values = await valuesOf(db, d, rows);
  const cols = editableColumns(d);
  const table = [cols.map(labelOf), ...values.map((v) => { const c = cellsOf(d, v, refs); return cols.map((f) => escapeCell(c[f.name])); })];
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, "");
  const filename = `${d.label}-${stamp}.${format}`;
  if (format === "csv") {
    const body = "\uFEFF" + table.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
    return { filename, contentType: "text/csv; charset=utf-8", body: Buffer.from(body, "utf8") };
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(d.label);
  for (const r of table) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c) => { c.width = 24; });
  const body = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename, contentType: XLSX_TYPE, body };
}

export const MAX_IMPORT_BYTES = 5_000_000;
const MAX_IMPORT_ROWS = 20_000;

/** A cell as text; a date cell (exceljs gives a Date at UTC midnight of the day shown) as YYYY-MM-DD, not its JavaScript toString. */
function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  const day = v instanceof Date ? v : v && typeof v === "object" && "result" in v && v.result instanceof Date ? v.result : null;
  if (day) return Number.isNaN(day.getTime()) ? "" : day.toISOString().slice(0, 10);
  return cell.text ?? "";
}

async function readTable(buf: Buffer, filename: string): Promise<{ line: number; cells: string[] }[]> {
  const isZip = buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (isZip) {
    const wb = new ExcelJS.Workbook();
    try {
      // exceljs declares its own Buffer (an ArrayBuffer): give it one.
      await wb.xlsx.load(new Uint8Array(buf).buffer);
    } catch {
      throw new UserError("无法读取该 Excel 文件，请确认是 .xlsx 格式");
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new UserError("Excel 文件中没有工作表");
    const out: { line: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      for (let i = 1; i <= row.cellCount; i++) cells.push(cellText(row.getCell(i)));
      if (cells.some((c) => c.trim() !== "")) out.push({ line: n, cells });
    });
    return out;
  }
  if (/\.xlsx?$/i.test(filename)) throw new UserError("无法读取该 Excel 文件，请确认是 .xlsx 格式");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(buf).replace(/^\uFEFF/, "");
  if (text.includes("\uFFFD")) throw new UserError("CSV 文件须为 UTF-8 编码");
  return parseCsv(text);
}

export interface ImportResult { created: number; updated: number }

/** Validates every row first; any bad row → UserError listing "第 N 行：…" and nothing is written. */
export async function importFile(db: Db, key: string, buf: Buffer, filename: string): Promise<ImportResult> {
  const d = await dictionaryOf(db, key);
  const cols = editableColumns(d);
  const table = await readTable(buf, filename);
  if (table.length === 0) throw new UserError("文件中没有数据");
  if (table.length > MAX_IMPORT_ROWS + 1) throw new UserError(`一次最多导入 ${MAX_IMPORT_ROWS} 行`);
  const [header, ...body] = table;
  const col = new Map<string, number>();
  header.cells.forEach((h, i) => col.set(h.trim(), i));
  const missing = cols.filter((f) => f.required && !col.has(labelOf(f))).map(labelOf);
  if (missing.length) throw new UserError(`第 ${header.line} 行：表头缺少列「${missing.join("」「")}」`);
  if (body.length === 0) throw new UserError("文件中没有数据行");

  return db.sequelize.transaction(async (t) => {
    const refs = await refTables(db, t);
    const errors: string[] = [];
    const parsed: { line: number; values: Values }[] = [];
    const seen = new Map<string, number>();
    const keyCol = d.columns.find((f) => f.name === d.key);
    for (const r of body) {
      const cells: Record<string, string> = {};
      for (const f of cols) {
        const i = col.get(labelOf(f));
        cells[f.name] = i === undefined ? "" : unescapeCell(r.cells[i] ?? "");
      }
      const { values, errors: e } = parseCells(d, cells, refs);
      const nk = String(values[d.key] ?? "");
      if (nk && seen.has(nk)) e.push(`与第 ${seen.get(nk)} 行重复（${keyCol ? labelOf(keyCol) : d.key}「${nk}」）`);
      if (nk) seen.set(nk, r.line);
      if (e.length) errors.push(`第 ${r.line} 行：${e.join("；")}`);
      else parsed.push({ line: r.line, values });
    }
    if (errors.length) {
      const shown = errors.slice(0, 20);
      throw new UserError(`导入失败，未导入任何数据。${shown.join("\n")}${errors.length > 20 ? `\n……另有 ${errors.length - 20} 行有误` : ""}`, 400, { rows: errors });
    }
    let created = 0, updated = 0;
    for (const { line, values } of parsed) {
      try {
        const r = await upsertRow(db, d, values, t, { always: true });
        if (r.status === "created") created++;
        else updated++;
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`导入失败，未导入任何数据。第 ${line} 行：${e.message}`, 400);
        throw e;
      }
    }
    return { created, updated };
  });
}
