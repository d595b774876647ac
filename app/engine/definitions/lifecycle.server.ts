// The one lifecycle of every definition kind (docs/decisions/009): a file or an admin's input →
// format upgrade → meta-schema check (located Chinese messages) → the kind's own checks → content
// hash → an immutable version in the kind's table → read back (cached forever, per database).
// Kinds differ only in what their KindSpec says; nothing here names a kind.
import fs from "node:fs";
import path from "node:path";
import { UniqueConstraintError, type Model, type ModelStatic, type Transaction } from "sequelize";
import type { ValidateFunction } from "ajv";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { singleton } from "~/utils/singleton.server";
import { createAjv, toFieldErrors } from "../validator";
import { locateJsonError, locateJsonPath } from "../json-text";
import { DefinitionError } from "./errors";
import { declaredFormat, upgradeFormat, type FormatSpec } from "./format";

export interface Identified { id: string; version: number }
export type Raw = Record<string, unknown>;

/** What a stored version carries besides its content. */
export interface VersionMeta { hash: string; createdBy: string; createdAt: Date }
export type Published<D> = D & VersionMeta;

export interface LoadedFile<D> { file: string; def: D; hash: string }

export interface CheckContext { source: string; untrusted: boolean }
export interface PublishedContext<D> {
  source: string;
  transaction?: Transaction;
  /** The rest of a batch published together (files, a bundle): checked as they will be, not as stored. */
  others?: Map<string, D>;
}

/** A definition file's content once checked: without what only says how it is written. */
export type Content<F> = Omit<F, "$schema" | "formatVersion">;

/** D: the definition as the engine holds it; F: the file's shape (the type generated from its meta-schema). */
export interface KindSpec<D extends Identified, F = D> {
  kind: string;
  /** In messages: 表单, 申报类型 … */
  label: string;
  /** The configuration folder (from the environment) and how messages name it. */
  dir(): string;
  folder: string;
  /** The meta-schema, relative to dir(); its $id is what a file's "$schema" names. */
  metaSchema: string;
  /** What the engine adds to the meta-schema before it checks with it (the workflow kind: each step kind's options schema). */
  extendMetaSchema?(schema: Raw): Raw;
  format: FormatSpec;
  /** "declared": files say their version number; "content": a new number whenever the content changes. */
  versioning: "declared" | "content";
  /** The definition files, relative to `dir`. */
  listFiles(dir: string): string[];
  /** One file as a raw definition (and its text, to locate problems). */
  readFile(dir: string, rel: string, source: string): { raw: unknown; text?: string } | { problems: string[] };
  /** The id a raw definition publishes under (null: none yet, the checks will say why). */
  idOf(raw: Raw): string | null;
  /** Admin input only, before the meta-schema and any compile: size, depth, unsafe patterns. */
  safety?(raw: Raw): string[];
  /** Before the meta-schema: defaults and dialect of admin input (other keys kept, so typos are still reported). */
  normalise?(raw: Raw, ctx: { untrusted: boolean }): Raw;
  /** Content checked against the meta-schema (current format, without $schema and formatVersion) as the engine holds it. */
  toDef(content: Content<F>): D;
  /** The kind's own checks after the meta-schema (messages prefixed with ctx.source). */
  check(def: D, ctx: CheckContext): string[];
  /** Problems between the files of one folder (e.g. two categories at one position). */
  checkFiles?(files: LoadedFile<D>[]): string[];
  /** Problems against what is published (kind change, order clash, references). */
  checkPublished?(db: Db, def: D, ctx: PublishedContext<D>): Promise<string[]>;
  /** What a new version brings into being besides its row (a dictionary's table), in the publish's transaction. */
  afterPublish?(db: Db, def: D, transaction?: Transaction): Promise<void>;
  /** Content hash: never covers the version number, the format or the $schema pointer. */
  hash(def: D): string;
  store: {
    model(db: Db): ModelStatic<Model<any, any>>;
    where(id: string): Record<string, unknown>;
    toRow(def: D): Record<string, unknown>;
    /** A stored row's content, in the format it was stored in. */
    fromRow(row: Raw): Raw;
  };
}

export const at = (source: string) => (source ? `${source}: ` : "");

// ---- meta-schemas ---------------------------------------------------------------------------

const metaAjv = () => singleton("definitions.metaAjv", () => createAjv({ strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true }));
const metaCache = () => singleton("definitions.meta", () => new Map<string, { id: string; validate: ValidateFunction }>());

/** The kind's meta-schema, compiled: its validate is the type guard of the file shape F. */
export function metaSchemaOf<F>(spec: KindSpec<Identified, F>): { id: string; validate: ValidateFunction<F> } {
  const file = path.join(spec.dir(), spec.metaSchema);
  let hit = metaCache().get(`${spec.kind}:${file}`);
  if (!hit) {
    const schema = JSON.parse(fs.readFileSync(file, "utf8")) as Raw;
    const full = spec.extendMetaSchema ? spec.extendMetaSchema(schema) : schema;
    hit = { id: String(schema.$id), validate: metaAjv().compile({ ...full, $id: undefined }) };
    metaCache().set(`${spec.kind}:${file}`, hit);
  }
  // The cache holds every kind's validator; this one was compiled from F's meta-schema.
  return hit as { id: string; validate: ValidateFunction<F> };
}

function metaMessages(errors: ValidateFunction["errors"], source: string, text?: string): string[] {
  // An administrator's definition: an unknown value is answered with the values there are.
  return Object.entries(toFieldErrors(errors, { nameOptions: true })).map(([field, msgs]) => {
    const where = text ? locateJsonPath(text, field ? field.split(".") : []) : null;
    return `${source}${where ? `（${where}）` : ""}${source || where ? ": " : ""}${field || "(根)"} ${msgs.join("；")}`;
  });
}

/** A raw definition checked against the kind's meta-schema: its content typed by the check, or the
 * problems, each naming the field (and, given the file text, its line). */
export function checkedContent<F>(spec: KindSpec<Identified, F>, raw: unknown, source: string, text?: string): { content: Content<F> } | { problems: string[] } {
  const { validate } = metaSchemaOf(spec);
  return validate(raw) ? { content: content(raw) } : { problems: metaMessages(validate.errors, source, text) };
}

// ---- loading --------------------------------------------------------------------------------

/** A definition without what only says how it is written: its meta-schema pointer and format. */
function content<F>(raw: F): Content<F> {
  const rest = { ...raw };
  Reflect.deleteProperty(rest as object, "$schema");
  Reflect.deleteProperty(rest as object, "formatVersion");
  return rest;
}

export function readJsonFile(dir: string, rel: string, source: string) {
  const text = fs.readFileSync(path.join(dir, rel), "utf8");
  try {
    return { raw: JSON.parse(text) as unknown, text };
  } catch (e) {
    return { problems: [`${source}: 不是合法的 JSON：${locateJsonError(text, e as Error)}`] };
  }
}

/**
 * A raw definition through the checks every door shares: declared format → upgrade to the current
 * format → defaults (and dialect) → (admin input) safety → meta-schema → the kind's checks.
 */
export function prepareDefinition<D extends Identified, F>(spec: KindSpec<D, F>, raw: unknown, o: { source: string; text?: string; untrusted?: boolean; formatVersion?: number }): { def: D } | { problems: string[] } {
  const untrusted = !!o.untrusted;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { problems: [`${at(o.source)}${spec.label}定义应为 JSON 对象`] };
  let from = o.formatVersion;
  if (from === undefined) {
    const declared = declaredFormat(raw, spec.format);
    if ("problem" in declared) {
      const where = o.text ? locateJsonPath(o.text, ["formatVersion"]) : null;
      return { problems: [`${o.source}${where ? `（${where}）` : ""}${o.source ? ": " : ""}${declared.problem}`] };
    }
    from = declared.format;
  }
  const upgraded = upgradeFormat(spec.format, raw as Raw, from);
  const current = spec.normalise ? spec.normalise(upgraded, { untrusted }) : upgraded;
  if (untrusted && spec.safety) {
    const p = spec.safety(current);
    if (p.length) return { problems: p.map((m) => at(o.source) + m) };
  }
  const checked = checkedContent(spec, current, o.source, o.text);
  if ("problems" in checked) return checked;
  const def = spec.toDef(checked.content);
  const problems = spec.check(def, { source: o.source, untrusted });
  return problems.length ? { problems } : { def };
}

/** Every definition file of a kind, checked. Throws DefinitionError listing every problem. */
export function loadDefinitionFiles<D extends Identified, F>(spec: KindSpec<D, F>, dir = spec.dir()): LoadedFile<D>[] {
  const out: LoadedFile<D>[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const rel of spec.listFiles(dir)) {
    const source = `${spec.folder}/${rel.split(path.sep).join("/")}`;
    const read = spec.readFile(dir, rel, source);
    if ("problems" in read) { problems.push(...read.problems); continue; }
    const prepared = prepareDefinition(spec, read.raw, { source, text: read.text });
    if ("problems" in prepared) { problems.push(...prepared.problems); continue; }
    const def = prepared.def;
    const key = spec.versioning === "declared" ? `${def.id}@${def.version}` : def.id;
    if (seen.has(key)) problems.push(`${source}: ${key} 与 ${seen.get(key)} 重复`);
    seen.set(key, source);
    out.push({ file: source, def, hash: spec.hash(def) });
  }
  problems.push(...(spec.checkFiles?.(out) ?? []));
  if (problems.length) throw new DefinitionError(problems);
  return out;
}

// ---- reading published versions ------------------------------------------------------------

// Published versions never change, so they are cached for the life of the process, per database.
// Reads inside a transaction bypass the cache (the transaction may still roll back).
const caches = () => singleton("definitions.published", () => new WeakMap<object, Map<string, unknown>>());
function cacheOf(db: Db) {
  let c = caches().get(db.sequelize);
  if (!c) caches().set(db.sequelize, (c = new Map()));
  return c;
}

export async function latestVersion(db: Db, spec: KindSpec<Identified, unknown>, id: string, transaction?: Transaction): Promise<number | null> {
  const v = await spec.store.model(db).max("version", { where: spec.store.where(id), transaction });
  return v === null || v === undefined ? null : Number(v);
}

/** A stored row as the engine reads it: brought to the current format and checked against the
 * meta-schema like any input (a row that fails it is refused, never cast), with its hash and author. */
function fromStored<D extends Identified, F>(spec: KindSpec<D, F>, row: Raw): Published<D> {
  const version = Number(row.version);
  const stored: Raw = { ...upgradeFormat(spec.format, spec.store.fromRow(row), Number(row.formatVersion ?? 1)), version };
  const checked = checkedContent(spec, stored, `${spec.label} ${String(stored.id ?? "")} 第 ${version} 版`);
  if ("problems" in checked) throw new DefinitionError(checked.problems);
  return { ...spec.toDef(checked.content), version, hash: String(row.hash), createdBy: String(row.createdBy), createdAt: row.createdAt instanceof Date ? row.createdAt : new Date(String(row.createdAt)) };
}

/** A published definition without what publishing added (hashes are of content only). */
export function unpublished<D extends Identified>(p: Published<D>): D {
  const def: D = { ...p };
  for (const key of ["hash", "createdBy", "createdAt"] satisfies (keyof VersionMeta)[]) Reflect.deleteProperty(def, key);
  return def;
}

/** A published definition: the given version, or the latest; null when there is none. */
export async function getDefinition<D extends Identified, F>(db: Db, spec: KindSpec<D, F>, id: string, version?: number, o: { transaction?: Transaction } = {}): Promise<Published<D> | null> {
  const t = o.transaction;
  if (version === undefined) {
    const latest = await latestVersion(db, spec, id, t);
    if (latest === null) return null;
    version = latest;
  }
  const key = `${spec.kind}:${id}@${version}`;
  const cache = t ? null : cacheOf(db);
  const hit = cache?.get(key) as Published<D> | undefined;
  if (hit) return hit;
  const row = await spec.store.model(db).findOne({ where: { ...spec.store.where(id), version }, transaction: t });
  if (!row) return null;
  const published = fromStored(spec, row.get({ plain: true }) as Raw);
  cache?.set(key, published);
  return published;
}

// ---- publishing -----------------------------------------------------------------------------

export interface PublishOptions<D> {
  /** createdBy: the admin's username, or seed:<file>. */
  by: string;
  /** Names the definition in messages (a file path; empty for designer input). */
  source?: string;
  /** Admin input (designer, bundle): safety checks first. */
  untrusted?: boolean;
  /** The format the input is written in (default: its formatVersion, absent = 1). */
  formatVersion?: number;
  /** The version number to publish (files of "declared" kinds); default the next one. */
  version?: number;
  /** Input that already went through loadDefinitionFiles (same checks; not repeated). */
  checked?: boolean;
  /** Content equal to the latest version publishes nothing. */
  skipUnchanged?: boolean;
  /** Check everything, store nothing. */
  dryRun?: boolean;
  transaction?: Transaction;
  others?: Map<string, D>;
}

export interface PublishOutcome<D> { status: "published" | "unchanged" | "checked"; def: D; version: number; hash: string }

/**
 * The one door through which a version of any definition is created: boot sync, the designers and
 * the configuration bundle all call it. A published (id, version) never changes: a file that keeps
 * a published number with other content is refused. Throws DefinitionError (nothing stored).
 */
export async function publishDefinition<D extends Identified, F>(db: Db, spec: KindSpec<D, F>, input: unknown, o: PublishOptions<D>): Promise<PublishOutcome<D>> {
  const source = o.source ?? "";
  const t = o.transaction;
  const id = input && typeof input === "object" ? spec.idOf(input as Raw) : null;
  // Without a transaction a concurrent publisher (another admin, another server booting) may take
  // the number first: look again (the next number, or the same version now published).
  for (let attempt = 0; attempt < (t ? 1 : 3); attempt++) {
    const latest = id === null ? null : await latestVersion(db, spec, id, t);
    const version = o.version ?? (latest ?? 0) + 1;
    let def: D;
    if (o.checked) def = { ...(input as D), version };
    else {
      const prepared = prepareDefinition(spec, { ...(input as Raw), version }, { source, untrusted: o.untrusted, formatVersion: o.formatVersion });
      if ("problems" in prepared) throw new DefinitionError(prepared.problems);
      def = prepared.def;
    }
    const hash = spec.hash(def);
    if (o.version !== undefined) {
      const existing = await getDefinition(db, spec, def.id, version, { transaction: t });
      if (existing) {
        if (spec.hash(unpublished(existing)) === hash) return { status: "unchanged", def, version, hash };
        throw new DefinitionError([`${at(source)}${def.id} 的第 ${version} 版已发布且内容不同；已发布的版本不可修改，请把 version 加 1`]);
      }
    } else if (o.skipUnchanged && latest !== null) {
      const prev = await getDefinition(db, spec, def.id, latest, { transaction: t });
      if (prev && spec.hash(unpublished(prev)) === hash) return { status: "unchanged", def: prev, version: latest, hash };
    }
    const problems = (await spec.checkPublished?.(db, def, { source, transaction: t, others: o.others })) ?? [];
    if (problems.length) throw new DefinitionError(problems);
    if (o.dryRun) return { status: "checked", def, version, hash };
    try {
      await spec.store.model(db).create({ ...spec.store.toRow(def), version, hash, formatVersion: spec.format.current, createdBy: o.by }, { transaction: t });
    } catch (e) {
      if (e instanceof UniqueConstraintError && !t) continue;
      throw e;
    }
    await spec.afterPublish?.(db, def, t);
    return { status: "published", def, version, hash };
  }
  throw new UserError(`有其他管理员正在同时发布该${spec.label}，请刷新后重试`, 409);
}

/**
 * Publishes a kind's files (boot, `npm run db:migrate`): each file version the database does not
 * have yet. Every problem is collected; once one is found nothing more is stored.
 */
export async function syncDefinitionFiles<D extends Identified, F>(db: Db, spec: KindSpec<D, F>, dir = spec.dir()) {
  const files = loadDefinitionFiles(spec, dir);
  const others = new Map<string, D>();
  for (const f of files) if (!others.has(f.def.id) || others.get(f.def.id)!.version <= f.def.version) others.set(f.def.id, f.def);
  const problems: string[] = [];
  let published = 0;
  for (const f of files) {
    try {
      const r = await publishDefinition(db, spec, f.def, {
        by: `seed:${f.file}`, source: f.file, checked: true, skipUnchanged: true, others, dryRun: problems.length > 0,
        version: spec.versioning === "declared" ? f.def.version : undefined,
      });
      if (r.status === "published") published++;
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length) throw new DefinitionError(problems);
  return { published };
}
