// The admin dictionary editor: one generic list / create / edit / delete / import / export
// engine, configured per dictionary by the declarative table DICTS below (fields, labels,
// validation, natural key, what refuses a delete). Routes stay thin and only call these.
//
// Values travel in two shapes: "values" (ids and arrays, what the edit form posts) and "cells"
// (human text, what CSV/Excel hold and the list shows): a reference is its name, a list is its
// items joined by "；", a specialty is "系列/专业".
import ExcelJS from "exceljs";
import { Op, type Transaction, type WhereOptions } from "sequelize";
import { TITLE_LEVELS } from "../../db/models";
import { pinyinKeys } from "../../db/seeders/reference-data";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/utils/http.server";
import { isValidCreditCode } from "./cn-codes";
import { bodyInt, bodyNumber, bodyText } from "~/utils/body-values";

export { TITLE_LEVELS };

type FieldType = "text" | "int" | "creditCode" | "ref" | "refs" | "levels" | "names";
type RefKind = "affiliations" | "departments" | "series" | "specialties";
export interface FieldDef { name: string; label: string; type: FieldType; required?: boolean; max?: number; ref?: RefKind; help?: string }
type ModelName = "Unit" | "Department" | "TitleSeries" | "Committee" | "AcceptanceDepartment" | "Affiliation";
interface DictDef {
  key: string;
  label: string;
  model: ModelName;
  /** The field an import matches existing rows by. */
  naturalKey: string;
  fields: FieldDef[];
  search: string[];
  order: [string, "ASC" | "DESC"][];
  /** Units carry an optimistic-lock version: a stale edit is a 409. */
  versioned?: boolean;
  /** Why a row cannot be deleted, or null. */
  inUse: (db: Db, id: number, t?: Transaction) => Promise<string | null>;
}

const LIST_SEP = "；";
export const CONFLICT_MESSAGE = "该记录已被他人修改，请刷新页面后重试";

async function committeesUsing(db: Db, field: "seriesIds" | "specialtyIds" | "affiliationIds", id: number, t?: Transaction) {
  const rows = await db.models.Committee.findAll({ transaction: t, order: [["id", "ASC"]] });
  return rows.filter((c) => (c[field] as number[]).includes(id)).map((c) => c.name);
}

export const DICTS: DictDef[] = [
  {
    key: "units", label: "工作单位", model: "Unit", naturalKey: "creditCode", versioned: true,
    search: ["name", "creditCode", "pinyinInitials"], order: [["id", "ASC"]],
    fields: [
      { name: "name", label: "单位名称", type: "text", required: true, max: 128 },
      { name: "creditCode", label: "统一社会信用代码", type: "creditCode", required: true },
      { name: "affiliationId", label: "隶属关系", type: "ref", ref: "affiliations", required: true },
      { name: "departmentId", label: "主管部门", type: "ref", ref: "departments" },
      { name: "region", label: "所在地区", type: "text", max: 32 },
    ],
    inUse: async (db, id, t) => {
      const n = await db.models.Profile.count({ where: { unitId: id }, transaction: t });
      if (n) return `该工作单位已被 ${n} 位用户的个人基本信息使用，不能删除`;
      const s = await db.models.UserScope.count({ where: { kind: "unit", refId: id }, transaction: t });
      return s ? `该工作单位是 ${s} 位审核人员的管辖范围，不能删除` : null;
    },
  },
  {
    key: "departments", label: "主管部门", model: "Department", naturalKey: "name",
    search: ["name", "region"], order: [["id", "ASC"]],
    fields: [
      { name: "name", label: "部门名称", type: "text", required: true, max: 128 },
      { name: "region", label: "所在地区", type: "text", max: 32 },
    ],
    inUse: async (db, id, t) => {
      const n = await db.models.Unit.count({ where: { departmentId: id }, transaction: t });
      if (n) return `该主管部门下还有 ${n} 个工作单位，不能删除`;
      const s = await db.models.UserScope.count({ where: { kind: "department", refId: id }, transaction: t });
      return s ? `该主管部门是 ${s} 位审核人员的管辖范围，不能删除` : null;
    },
  },
  {
    key: "title-series", label: "职称系列", model: "TitleSeries", naturalKey: "name",
    search: ["name", "code"], order: [["sortOrder", "ASC"], ["id", "ASC"]],
    fields: [
      { name: "name", label: "系列名称", type: "text", required: true, max: 64 },
      { name: "code", label: "系列代码", type: "text", required: true, max: 32 },
      { name: "sortOrder", label: "排序", type: "int" },
      { name: "levels", label: "可评级别", type: "levels", required: true },
      { name: "specialties", label: "专业", type: "names", help: "每行一个专业；导入文件中以“；”分隔" },
    ],
    inUse: async (db, id, t) => {
      const names = await committeesUsing(db, "seriesIds", id, t);
      if (names.length) return `该职称系列已被评审委员会「${names[0]}」等 ${names.length} 个委员会使用，不能删除`;
      const specs = await db.models.Specialty.findAll({ where: { seriesId: id }, attributes: ["id"], transaction: t });
      for (const s of specs) {
        const c = await committeesUsing(db, "specialtyIds", s.id, t);
        if (c.length) return `该职称系列的专业已被评审委员会「${c[0]}」使用，不能删除`;
      }
      return null;
    },
  },
  {
    key: "committees", label: "评审委员会", model: "Committee", naturalKey: "name",
    search: ["name"], order: [["id", "ASC"]],
    fields: [
      { name: "name", label: "委员会名称", type: "text", required: true, max: 128 },
      { name: "seriesIds", label: "受理职称系列", type: "refs", ref: "series" },
      { name: "specialtyIds", label: "受理专业", type: "refs", ref: "specialties" },
      { name: "levels", label: "受理级别", type: "levels" },
      { name: "affiliationIds", label: "受理隶属关系", type: "refs", ref: "affiliations" },
    ],
    inUse: async (db, id, t) => {
      const s = await db.models.UserScope.count({ where: { kind: "committee", refId: id }, transaction: t });
      return s ? `该评审委员会是 ${s} 位受理人员的管辖范围，不能删除` : null;
    },
  },
  {
    key: "acceptance-departments", label: "受理部门", model: "AcceptanceDepartment", naturalKey: "name",
    search: ["name", "region"], order: [["id", "ASC"]],
    fields: [
      { name: "name", label: "部门名称", type: "text", required: true, max: 128 },
      { name: "region", label: "所在地区", type: "text", max: 32 },
      { name: "affiliationIds", label: "受理隶属关系", type: "refs", ref: "affiliations" },
    ],
    inUse: async () => null,
  },
  {
    key: "affiliations", label: "隶属关系", model: "Affiliation", naturalKey: "name",
    search: ["name"], order: [["sortOrder", "ASC"], ["id", "ASC"]],
    fields: [
      { name: "name", label: "名称", type: "text", required: true, max: 64 },
      { name: "sortOrder", label: "排序", type: "int" },
    ],
    inUse: async (db, id, t) => {
      const n = await db.models.Unit.count({ where: { affiliationId: id }, transaction: t });
      if (n) return `该隶属关系已被 ${n} 个工作单位使用，不能删除`;
      const c = await committeesUsing(db, "affiliationIds", id, t);
      if (c.length) return `该隶属关系已被评审委员会「${c[0]}」使用，不能删除`;
      const a = (await db.models.AcceptanceDepartment.findAll({ transaction: t })).filter((d) => d.affiliationIds.includes(id));
      return a.length ? `该隶属关系已被受理部门「${a[0].name}」使用，不能删除` : null;
    },
  },
];

export function dictOf(key: string | undefined): DictDef {
  const d = DICTS.find((x) => x.key === key);
  if (!d) throw new UserError("字典不存在", 404);
  return d;
}

export function dictSummaries() {
  return DICTS.map((d) => ({ key: d.key, label: d.label }));
}

const model = (db: Db, d: DictDef) => db.models[d.model] as any;

// ---- reference lookups (id ↔ label) --------------------------------------------------------
export type RefTables = Record<RefKind, { id: number; label: string }[]>;

export async function refTables(db: Db, t?: Transaction): Promise<RefTables> {
  const m = db.models;
  const [aff, dept, series, specs] = await Promise.all([
    m.Affiliation.findAll({ order: [["sortOrder", "ASC"], ["id", "ASC"]], transaction: t }),
    m.Department.findAll({ order: [["id", "ASC"]], transaction: t }),
    m.TitleSeries.findAll({ order: [["sortOrder", "ASC"], ["id", "ASC"]], transaction: t }),
    m.Specialty.findAll({ order: [["id", "ASC"]], transaction: t }),
  ]);
  const seriesName = new Map(series.map((s) => [s.id, s.name]));
  return {
    affiliations: aff.map((r) => ({ id: r.id, label: r.name })),
    departments: dept.map((r) => ({ id: r.id, label: r.name })),
    series: series.map((r) => ({ id: r.id, label: r.name })),
    specialties: specs.map((r) => ({ id: r.id, label: `${seriesName.get(r.seriesId) ?? "?"}/${r.name}` })),
  };
}

// ---- reading -------------------------------------------------------------------------------
type Values = Record<string, unknown>;

async function valuesOf(db: Db, d: DictDef, rows: any[], t?: Transaction): Promise<(Values & { id: number; version?: number })[]> {
  let specs = new Map<number, string[]>();
  if (d.key === "title-series" && rows.length) {
    const all = await db.models.Specialty.findAll({ where: { seriesId: { [Op.in]: rows.map((r) => r.id) } }, order: [["id", "ASC"]], transaction: t });
    specs = new Map();
    for (const s of all) specs.set(s.seriesId, [...(specs.get(s.seriesId) ?? []), s.name]);
  }
  return rows.map((r) => {
    const out: Values & { id: number; version?: number } = { id: r.id };
    for (const f of d.fields) out[f.name] = f.name === "specialties" ? specs.get(r.id) ?? [] : r.get(f.name) ?? (f.type === "refs" || f.type === "levels" ? [] : null);
    if (d.versioned) out.version = r.version;
    return out;
  });
}

function cellsOf(d: DictDef, v: Values, refs: RefTables): Record<string, string> {
  const out: Record<string, string> = {};
  const label = (kind: RefKind, id: unknown) => refs[kind].find((x) => x.id === id)?.label ?? "";
  for (const f of d.fields) {
    const x = v[f.name];
    if (f.type === "ref") out[f.name] = x == null ? "" : label(f.ref!, x);
    else if (f.type === "refs") out[f.name] = ((x as number[]) ?? []).map((id) => label(f.ref!, id)).filter(Boolean).join(LIST_SEP);
    else if (f.type === "levels" || f.type === "names") out[f.name] = ((x as string[]) ?? []).join(LIST_SEP);
    else out[f.name] = x == null ? "" : String(x);
  }
  return out;
}

function escapeLike(q: string) {
  return q.replace(/[%_\\]/g, "");
}

export async function listRows(db: Db, key: string, p: { q: string; offset: number; pageSize: number }) {
  const d = dictOf(key);
  const q = escapeLike(p.q);
  const where: WhereOptions = q ? { [Op.or]: d.search.map((f) => ({ [f]: { [Op.like]: `%${f === "pinyinInitials" ? q.toLowerCase() : q}%` } })) } : {};
  const { rows, count } = await model(db, d).findAndCountAll({ where, order: d.order, offset: p.offset, limit: p.pageSize });
  const refs = await refTables(db);
  const values = await valuesOf(db, d, rows);
  return { total: count, rows: values.map((v) => ({ ...v, cells: cellsOf(d, v, refs) })), refs };
}

// ---- validation ----------------------------------------------------------------------------
/** A posted scalar as text (numbers as typed); an object or array is no text at all. */
const scalarText = (v: unknown) => (typeof v === "number" || typeof v === "boolean" ? String(v) : bodyText(v));
const LIST_TYPES = ["refs", "levels", "names"];

/** Checks and normalises posted values; returns errors per field label. */
export function normalise(d: DictDef, input: Values, refs: RefTables): { values: Values; errors: string[] } {
  const values: Values = {};
  const errors: string[] = [];
  for (const f of d.fields) {
    const raw = input[f.name];
    const empty = raw === undefined || raw === null || raw === "" || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (f.required) errors.push(`${f.label}不能为空`);
      values[f.name] = f.type === "refs" || f.type === "levels" || f.type === "names" ? [] : f.type === "int" ? 0 : null;
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
        if (!s && f.required) errors.push(`${f.label}不能为空`);
        else if (f.max && s.length > f.max) errors.push(`${f.label}不能超过 ${f.max} 个字符`);
        values[f.name] = s || null;
        break;
      }
      case "int": {
        const n = bodyNumber(raw);
        if (!Number.isInteger(n) || Math.abs(n) > 1_000_000) errors.push(`${f.label}必须是整数`);
        values[f.name] = n;
        break;
      }
      case "creditCode": {
        const s = scalarText(raw).trim().toUpperCase();
        if (!/^[0-9A-Z]{18}$/.test(s)) errors.push(`${f.label}应为 18 位数字或大写字母`);
        else if (!isValidCreditCode(s)) errors.push(`${f.label}校验位不正确`);
        values[f.name] = s;
        break;
      }
      case "ref": {
        const id = bodyNumber(raw);
        if (!refs[f.ref!].some((r) => r.id === id)) errors.push(`所选${f.label}不存在`);
        values[f.name] = id;
        break;
      }
      case "refs": {
        const ids = Array.isArray(raw) ? raw.map(bodyNumber) : [];
        if (!Array.isArray(raw) || ids.some((id) => !refs[f.ref!].some((r) => r.id === id))) errors.push(`所选${f.label}不存在`);
        values[f.name] = [...new Set(ids)];
        break;
      }
      case "levels": {
        const list = Array.isArray(raw) ? raw.map((x) => scalarText(x)) : [];
        const bad = list.filter((l) => !(TITLE_LEVELS as readonly string[]).includes(l));
        if (!Array.isArray(raw) || bad.length) errors.push(`${f.label}「${bad.join("、")}」不是有效级别（可选：${TITLE_LEVELS.join("、")}）`);
        values[f.name] = TITLE_LEVELS.filter((l) => list.includes(l));
        break;
      }
      case "names": {
        const list = Array.isArray(raw) ? raw.map((s) => scalarText(s).trim()).filter(Boolean) : [];
        if (!Array.isArray(raw)) errors.push(`${f.label}格式不正确`);
        else if (list.some((s) => s.length > 64)) errors.push(`${f.label}名称不能超过 64 个字符`);
        values[f.name] = [...new Set(list)];
        break;
      }
    }
  }
  return { values, errors };
}

/** Text cells (from a file) → values, resolving names to ids. */
function parseCells(d: DictDef, cells: Record<string, string>, refs: RefTables): { values: Values; errors: string[] } {
  const input: Values = {};
  const errors: string[] = [];
  for (const f of d.fields) {
    const s = (cells[f.name] ?? "").trim();
    if (!s) { input[f.name] = null; continue; }
    if (f.type === "ref" || f.type === "refs") {
      const names = f.type === "ref" ? [s] : s.split(/[；;]/).map((x) => x.trim()).filter(Boolean);
      const ids: number[] = [];
      for (const n of names) {
        const hit = refs[f.ref!].find((r) => r.label === n);
        if (hit) ids.push(hit.id);
        else errors.push(`${f.label}「${n}」不存在`);
      }
      input[f.name] = f.type === "ref" ? ids[0] ?? null : ids;
    } else if (f.type === "levels" || f.type === "names") {
      input[f.name] = s.split(/[；;]/).map((x) => x.trim()).filter(Boolean);
    } else input[f.name] = s;
  }
  const n = normalise(d, input, refs);
  // A name that did not resolve is already reported; don't also say "不能为空".
  return { values: n.values, errors: [...errors, ...n.errors.filter((e) => !errors.some((x) => x.startsWith(e.replace(/不能为空$/, ""))))] };
}

// ---- writing -------------------------------------------------------------------------------
export function rowAttrs(d: DictDef, v: Values) {
  const attrs: Values = {};
  for (const f of d.fields) if (f.type !== "names") attrs[f.name] = v[f.name];
  if (d.key === "units") Object.assign(attrs, pinyinKeys(String(v.name)));
  if (d.key === "affiliations" || d.key === "title-series") attrs.sortOrder = v.sortOrder ?? 0;
  return attrs;
}

async function assertUnique(db: Db, d: DictDef, v: Values, id: number | null, t?: Transaction) {
  const uniques = d.key === "title-series" ? ["name", "code"] : d.key === "units" ? ["creditCode"] : ["name"];
  for (const u of uniques) {
    const other = await model(db, d).findOne({ where: { [u]: v[u] }, attributes: ["id"], transaction: t });
    if (other && other.id !== id) {
      const f = d.fields.find((x) => x.name === u)!;
      throw new UserError(`${f.label}「${v[u]}」已存在`, 409);
    }
  }
}

async function syncSpecialties(db: Db, seriesId: number, names: string[], t: Transaction, opts: { removeMissing: boolean }) {
  const { Specialty } = db.models;
  const existing = await Specialty.findAll({ where: { seriesId }, transaction: t });
  const have = new Set(existing.map((s) => s.name));
  const add = names.filter((n) => !have.has(n));
  if (add.length) await Specialty.bulkCreate(add.map((name) => ({ seriesId, name })), { transaction: t });
  if (!opts.removeMissing) return;
  for (const s of existing.filter((e) => !names.includes(e.name))) {
    const used = await committeesUsing(db, "specialtyIds", s.id, t);
    if (used.length) throw new UserError(`专业「${s.name}」已被评审委员会「${used[0]}」使用，不能删除`, 409);
    await s.destroy({ transaction: t });
  }
}

function invalid(errors: string[]): never {
  throw new UserError(errors.join("；"), 400);
}

export async function createRow(db: Db, key: string, input: Values) {
  const d = dictOf(key);
  return db.sequelize.transaction(async (t) => {
    const { values, errors } = normalise(d, input, await refTables(db, t));
    if (errors.length) invalid(errors);
    await assertUnique(db, d, values, null, t);
    const row = await model(db, d).create(rowAttrs(d, values), { transaction: t });
    if (d.key === "title-series") await syncSpecialties(db, row.id, values.specialties as string[], t, { removeMissing: true });
    return { id: row.id as number };
  });
}

export async function updateRow(db: Db, key: string, id: number, input: Values, version?: unknown) {
  const d = dictOf(key);
  return db.sequelize.transaction(async (t) => {
    const row = await model(db, d).findByPk(id, { transaction: t });
    if (!row) throw new UserError("记录不存在或已被删除", 404);
    const { values, errors } = normalise(d, input, await refTables(db, t));
    if (errors.length) invalid(errors);
    await assertUnique(db, d, values, id, t);
    const attrs = rowAttrs(d, values);
    if (d.versioned) {
      // In the INTEGER range: version + 1 is a bound parameter, and Postgres refuses 2147483649 with an error.
      const expected = bodyInt(version);
      if (expected === null) throw new UserError("缺少版本号，请刷新页面后重试");
      const [n] = await model(db, d).update({ ...attrs, version: expected + 1 }, { where: { id, version: expected }, transaction: t });
      if (n === 0) throw new UserError(CONFLICT_MESSAGE, 409);
    } else {
      await row.update(attrs, { transaction: t });
    }
    if (d.key === "title-series") await syncSpecialties(db, id, values.specialties as string[], t, { removeMissing: true });
    return { id };
  });
}

export async function deleteRow(db: Db, key: string, id: number) {
  const d = dictOf(key);
  return db.sequelize.transaction(async (t) => {
    const row = await model(db, d).findByPk(id, { transaction: t });
    if (!row) throw new UserError("记录不存在或已被删除", 404);
    const why = await d.inUse(db, id, t);
    if (why) throw new UserError(why, 409);
    if (d.key === "title-series") await db.models.Specialty.destroy({ where: { seriesId: id }, transaction: t });
    await row.destroy({ transaction: t });
    return { id };
  });
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
  const d = dictOf(key);
  const rows = await model(db, d).findAll({ order: d.order });
  const refs = await refTables(db);
  const values = await valuesOf(db, d, rows);
  const table = [d.fields.map((f) => f.label), ...values.map((v) => { const c = cellsOf(d, v, refs); return d.fields.map((f) => escapeCell(c[f.name])); })];
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
  return { filename, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body };
}

export const MAX_IMPORT_BYTES = 5_000_000;
const MAX_IMPORT_ROWS = 20_000;

async function readTable(buf: Buffer, filename: string): Promise<{ line: number; cells: string[] }[]> {
  const isZip = buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (isZip) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as any);
    } catch {
      throw new UserError("无法读取该 Excel 文件，请确认是 .xlsx 格式");
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new UserError("Excel 文件中没有工作表");
    const out: { line: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      for (let i = 1; i <= row.cellCount; i++) cells.push(row.getCell(i).text ?? "");
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
  const d = dictOf(key);
  const table = await readTable(buf, filename);
  if (table.length === 0) throw new UserError("文件中没有数据");
  if (table.length > MAX_IMPORT_ROWS + 1) throw new UserError(`一次最多导入 ${MAX_IMPORT_ROWS} 行`);
  const [header, ...body] = table;
  const col = new Map<string, number>();
  header.cells.forEach((h, i) => col.set(h.trim(), i));
  const missing = d.fields.filter((f) => f.required && !col.has(f.label)).map((f) => f.label);
  if (missing.length) throw new UserError(`第 ${header.line} 行：表头缺少列「${missing.join("」「")}」`);
  if (body.length === 0) throw new UserError("文件中没有数据行");

  return db.sequelize.transaction(async (t) => {
    const refs = await refTables(db, t);
    const errors: string[] = [];
    const parsed: { line: number; values: Values }[] = [];
    const seen = new Map<string, number>();
    for (const r of body) {
      const cells: Record<string, string> = {};
      for (const f of d.fields) {
        const i = col.get(f.label);
        cells[f.name] = i === undefined ? "" : unescapeCell(r.cells[i] ?? "");
      }
      const { values, errors: e } = parseCells(d, cells, refs);
      const nk = String(values[d.naturalKey] ?? "");
      if (nk && seen.has(nk)) e.push(`与第 ${seen.get(nk)} 行重复（${d.fields.find((f) => f.name === d.naturalKey)!.label}「${nk}」）`);
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
      const existing = await model(db, d).findOne({ where: { [d.naturalKey]: values[d.naturalKey] }, transaction: t });
      try {
        await assertUnique(db, d, values, existing?.id ?? null, t);
        const attrs = rowAttrs(d, values);
        let id: number;
        if (existing) {
          if (d.versioned) attrs.version = existing.version + 1;
          await existing.update(attrs, { transaction: t });
          id = existing.id;
          updated++;
        } else {
          id = (await model(db, d).create(attrs, { transaction: t })).id;
          created++;
        }
        // An import adds specialties; removing one is done in the editor (it may be in use).
        if (d.key === "title-series") await syncSpecialties(db, id, values.specialties as string[], t, { removeMissing: false });
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`导入失败，未导入任何数据。第 ${line} 行：${e.message}`, 400);
        throw e;
      }
    }
    return { created, updated };
  });
}
