// Stored files: evidence uploaded for schema file fields ("x-file", see file-kinds.ts).
// An upload is streamed to disk (never held in memory) under a random key, its size limit is
// enforced while streaming, and its type is taken from its bytes, never from its name.
// Records reference files by key; checkFileRefs makes sure a record only names its owner's
// files of an accepted type. Downloads are the owner's, or a reviewer's whose scope has the owner.
import { sameValueBranches } from "./schema-compile";
import crypto from "node:crypto";
import { col, fn, Op, type Transaction } from "sequelize";
import { Readable } from "node:stream";
import { fileTypeFromBuffer, fileTypeFromStream } from "file-type";
import { getObjectStore, objectSource, readObject, type ByteSource } from "~/utils/object-store.server";
import { metrics } from "~/utils/metrics.server";
import { isStaff, type Person } from "./people/roles";
import type { StoredFileAttrs } from "../../db/models";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { applicantHasApplicationInScope, applicantInScope, loadReviewerScope } from "~/engine/people/scope.server";
import { acceptLabels, FILE_KINDS, fileSpecOf, formatBytes, isFileKey, kindLabel, type FileSpec } from "./file-kinds";
import { valuesAt } from "./dictionaries.server";

export interface FileInfo { name: string; size: number; mimeType: string }
export interface StoredFileInfo extends FileInfo { key: string; sha256: string }

// ---------------------------------------------------------------------------------------------
// Where files live

/** "f_" + 24 random bytes, base64url: 32 characters, unguessable, safe as a file name. */
export function newFileKey() {
  return `f_${crypto.randomBytes(24).toString("base64url")}`;
}

// Defined beside the key pattern (client-safe); server modules keep importing it from here.
export { isFileKey };

export const UPLOADS_PREFIX = "uploads/";

/** Object key of a file key: uploads/<2 chars>/<key>. The shard is the 2 characters after "f_"
 * (the first two are the same for every key); it keeps directories small on the disk driver.
 * Only ever called with a checked key. */
export function objectKeyOf(key: string) {
  if (!isFileKey(key)) throw new Error(`not a file key: ${key}`);
  return `${UPLOADS_PREFIX}${key.slice(2, 4)}/${key}`;
}

/** The bytes of a stored file (small ones: a cached PDF, a pledge), or null when gone. */
export async function readStoredFile(key: string): Promise<Buffer | null> {
  return readObject(await getObjectStore(), objectKeyOf(key));
}

/** A stored image as a data: URL (the PDF renderer refuses every other request), or null. */
export async function fileDataUrl(key: unknown, mime: string) {
  if (!isFileKey(key)) return null;
  const bytes = await readStoredFile(key);
  return bytes ? `data:${mime};base64,${bytes.toString("base64")}` : null;
}

/** A stored file's bytes as a stream, or null when gone. */
export async function openStoredFile(key: string) {
  return (await getObjectStore()).open(objectKeyOf(key));
}

// ---------------------------------------------------------------------------------------------
// Names

const MAX_NAME = 100;

/** The user's file name made safe to store and show: the last path segment only, no control or
 * bidirectional-override characters, no characters Windows refuses, at most 100 characters
 * (the extension kept). Chinese is kept as is. */
export function sanitizeFileName(raw: unknown): string {
  let name = typeof raw === "string" ? raw.normalize("NFC") : "";
  name = name.split(/[/\\]/).pop() ?? "";
  name = name
    // C0/C1 controls, and bidi controls that can disguise an extension ("‮fdp.exe").
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .replace(/[<>:"|?*]/g, "_")
    .trim()
    .replace(/^\.+/, "")
    .trim();
  if (!name) return "未命名文件";
  const chars = Array.from(name);
  if (chars.length <= MAX_NAME) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (ext.length === 0 || ext.length > 16) return chars.slice(0, MAX_NAME).join("");
  return chars.slice(0, MAX_NAME - ext.length).join("").trimEnd() + ext.join("");
}

/** User text (a name) that becomes one part of a file name we compose, e.g. `编号_姓名.pdf`:
 * cleaned like sanitizeFileName but path separators become "_" instead of cutting everything before
 * them, and empty stays empty. At most `max` characters. */
export function fileNamePart(raw: unknown, max = 60): string {
  const text = typeof raw === "string" ? raw.replace(/[/\\]+/g, "_").trim() : "";
  if (!text) return "";
  const clean = sanitizeFileName(text);
  return clean === "未命名文件" && text !== clean ? "" : Array.from(clean).slice(0, max).join("").trim();
}

/** Content-Disposition with an ASCII fallback and the real name as RFC 5987 filename*. */
export function contentDisposition(name: string, mimeType: string) {
  const inline = (mimeType.startsWith("image/") && mimeType !== "image/svg+xml") || mimeType === "application/pdf";
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%;]/g, "_") || "file";
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A generated workbook as a download (exports, the 表决票 template): never cached. */
export function xlsxResponse(f: { body: ConstructorParameters<typeof Response>[0]; filename: string }) {
  return new Response(f.body, {
    headers: { "Content-Type": XLSX_TYPE, "Content-Disposition": contentDisposition(f.filename, "application/octet-stream"), "Cache-Control": "no-store" },
  });
}

// ---------------------------------------------------------------------------------------------
// Type detection (magic bytes)

/** Bytes read from the start of a file to decide its type (file-type's own sample size). */
export const HEAD_BYTES = 4100;

export interface DetectedType {
  /** Detected MIME type, or null when the bytes match no known binary format. */
  mime: string | null;
  /** What to call it in a message: "PDF", "HTML", "ZIP"… */
  label: string;
}

const ZIP_SIGNATURES = [[0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06], [0x50, 0x4b, 0x07, 0x08]];
export function looksLikeZip(head: Uint8Array) {
  return ZIP_SIGNATURES.some((sig) => sig.every((b, i) => head[i] === b));
}

/**
 * The real type of a file from its bytes. `head` is its first HEAD_BYTES (or all of it). ZIP
 * containers (DOCX, OFD) need the whole file: pass `whole`, its bytes (stored or on disk); without it a ZIP
 * container is reported as application/zip.
 */
export async function detectFileType(head: Uint8Array, whole?: ByteSource): Promise<DetectedType> {
  if (looksLikeZip(head)) {
    if (!whole) return { mime: "application/zip", label: "ZIP" };
    const names = await zipEntryNames(whole).catch(() => [] as string[]);
    if (names.includes("OFD.xml")) return { mime: "application/ofd", label: kindLabel("application/ofd") };
    const stream = await whole.stream();
    const r = await fileTypeFromStream(Readable.toWeb(stream) as ReadableStream<Uint8Array>).catch(() => undefined).finally(() => stream.destroy());
    return r ? labelled(r.mime, r.ext) : { mime: "application/zip", label: "ZIP" };
  }
  const r = await fileTypeFromBuffer(head).catch(() => undefined);
  // XML is text: look closer (an SVG, an HTML page with an XML prolog).
  if (r && r.mime !== "application/xml") return labelled(r.mime, r.ext);
  return sniffText(head);
}

function labelled(mime: string, ext: string): DetectedType {
  return { mime, label: FILE_KINDS[mime]?.label ?? ext.toUpperCase() };
}

/** Names a file that matches no binary signature: HTML, SVG/XML, plain text, or unknown. */
function sniffText(head: Uint8Array): DetectedType {
  if (head.includes(0)) return { mime: null, label: "无法识别的格式" };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head.subarray(0, 1024)).replace(/^\ufeff/, "").toLowerCase();
  const start = text.trimStart();
  const html = { mime: "text/html", label: "HTML" };
  const svg = { mime: "image/svg+xml", label: "SVG" };
  if (/^<svg[\s>]/.test(start)) return svg;
  if (start.startsWith("<?xml")) {
    if (/<html[\s>]/.test(text)) return html;
    if (/<svg[\s>]/.test(text)) return svg;
    return { mime: "application/xml", label: "XML" };
  }
  if (/<(!doctype\s+html|html|head|body|script|iframe|meta|title|a\s|div|p>|!--)/.test(start.slice(0, 64)) || /<(html|script|body)[\s>]/.test(text)) return html;
  return { mime: "text/plain", label: "文本文件" };
}

/** Entry names in a ZIP's central directory (read from the end of the file, bounded). */
export async function zipEntryNames(src: ByteSource): Promise<string[]> {
  const { size } = src;
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = await src.read(size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) return [];
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdSize > 4 * 1024 * 1024 || cdOffset + cdSize > size) return [];
  const cd = await src.read(cdOffset, cdSize);
  const names: string[] = [];
  for (let p = 0, n = 0; n < count && p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; n++) {
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    names.push(cd.toString("utf8", p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

function typeRefusal(detected: DetectedType, accept: string[]) {
  const actual = detected.mime === null ? "无法识别文件格式" : `实际为 ${detected.label}`;
  return new UserError(`文件类型不符：${actual}，仅允许 ${acceptLabels(accept)}`, 415);
}

// ---------------------------------------------------------------------------------------------
// Storing

export interface StoreFileInput {
  ownerId: number;
  /** The name the browser sent; only its sanitized basename is kept. */
  filename: string | undefined;
  /** The file's bytes, as they arrive. */
  data: AsyncIterable<Uint8Array>;
  spec: FileSpec;
}

/** A stored file no record references is deleted this long after its upload (file-cleanup). */
export const UNREFERENCED_TTL_HOURS = 24;

/** What `ownerId` stores now: files and bytes, referenced by a record or not. */
export async function quotaUsage(db: Db, ownerId: number, t?: Transaction) {
  const [row] = await db.models.StoredFile.findAll({
    where: { ownerId }, attributes: [[fn("COUNT", col("id")), "files"], [fn("COALESCE", fn("SUM", col("size")), 0), "bytes"]], raw: true, transaction: t,
  }) as unknown as { files: number | string; bytes: number | string }[];
  return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
}

function quotaRefusal(used: { files: number; bytes: number }) {
  const quota = getEnv().uploadQuota;
  return new UserError(
    `上传文件已达上限：每位用户最多保存 ${quota.files} 个文件、共 ${formatBytes(quota.bytes)}（已用 ${used.files} 个、${formatBytes(used.bytes)}）。` +
      `未被任何记录使用的文件会在上传 ${UNREFERENCED_TTL_HOURS} 小时后自动清理。`,
    413,
  );
}

/** Refuses (413, Chinese) an upload when the owner's quota has no room left at all. */
async function checkQuota(db: Db, ownerId: number) {
  const quota = getEnv().uploadQuota;
  const used = await quotaUsage(db, ownerId);
  if (used.files + 1 > quota.files || used.bytes + 1 > quota.bytes) throw quotaRefusal(used);
}

/**
 * Records a stored file if its owner's quota (UPLOAD_QUOTA_FILES, UPLOAD_QUOTA_MB) has room for
 * it, else refuses (413, Chinese). The check and the insert are one statement, so parallel
 * uploads cannot both take the last place: atomic as such on SQLite (one writer), and on
 * Postgres run after locking the owner's user row.
 */
async function recordWithinQuota(db: Db, row: Omit<StoredFileAttrs, "id" | "createdAt">) {
  const quota = getEnv().uploadQuota;
  const insert = (t?: Transaction) => db.sequelize.query(
    `INSERT INTO stored_files ("key", "ownerId", "originalName", "mimeType", "size", "sha256", "createdAt")
     SELECT :key, :ownerId, :originalName, :mimeType, :size, :sha256, :createdAt
     WHERE (SELECT COUNT(*) FROM stored_files WHERE "ownerId" = :ownerId) < :files
       AND (SELECT COALESCE(SUM("size"), 0) FROM stored_files WHERE "ownerId" = :ownerId) + :size <= :bytes`,
    { replacements: { ...row, createdAt: new Date(), files: quota.files, bytes: quota.bytes }, transaction: t },
  );
  if (db.sequelize.getDialect() === "postgres") {
    await db.sequelize.transaction(async (t) => {
      await db.models.User.findByPk(row.ownerId, { attributes: ["id"], lock: t.LOCK.UPDATE, transaction: t });
      await insert(t);
    });
  } else {
    // No transaction: on SQLite each one opens a connection that waits for the write lock in a
    // libuv thread, and twenty parallel uploads starve the pool (SQLITE_BUSY after 5 s).
    await insert();
  }
  if (!(await db.models.StoredFile.count({ where: { key: row.key } }))) throw quotaRefusal(await quotaUsage(db, row.ownerId));
}

/**
 * Streams an upload to the object store under `uploads/<shard>/<key>`, refusing (UserError,
 * nothing left in the store or the DB) a file over spec.maxSize (413, "文件超过 10 MB"), an empty
 * one, one whose bytes are not of a type in spec.accept (415), or one past the owner's upload
 * quota (413). A refused type is noticed from the first 4 KB, without writing the rest.
 */
export async function storeFile(db: Db, input: StoreFileInput): Promise<StoredFileInfo> {
  // Refused before a byte is written when the owner's quota is already used up.
  await checkQuota(db, input.ownerId);
  const key = newFileKey();
  const objectKey = objectKeyOf(key);
  const checked = await putCheckedObject(objectKey, input.data, input.spec);
  try {
    const info = { key, name: sanitizeFileName(input.filename), size: checked.size, mimeType: checked.mimeType, sha256: checked.sha256 };
    await recordWithinQuota(db, { key, ownerId: input.ownerId, originalName: info.name, mimeType: info.mimeType, size: info.size, sha256: info.sha256 });
    metrics.uploads.inc({ outcome: "stored" });
    metrics.uploadBytes.inc(info.size);
    return info;
  } catch (e) {
    metrics.uploads.inc({ outcome: e instanceof UserError ? "refused" : "failed" });
    await (await getObjectStore()).remove(objectKey).catch(() => {});
    throw e;
  }
}

/**
 * Streams bytes to `objectKey` in the object store with the checks of an upload: refused
 * (UserError, nothing left in the store) when over spec.maxSize, empty, or not of a type in
 * spec.accept by its bytes. storeFile records the result as a user's file; other records that
 * keep a document of their own (a 单位注册's PDF) call this directly.
 */
export async function putCheckedObject(objectKey: string, data: AsyncIterable<Uint8Array>, spec: FileSpec): Promise<{ size: number; sha256: string; mimeType: string }> {
  const store = await getObjectStore();
  const hash = crypto.createHash("sha256");
  const head = Buffer.alloc(HEAD_BYTES);
  let headLen = 0;
  let size = 0;
  let headChecked = false;
  const checkHead = async () => {
    headChecked = true;
    const detected = await detectFileType(head.subarray(0, headLen));
    if (detected.mime === "application/zip" && spec.accept.some((m) => ZIP_BASED.has(m))) return; // decided at the end
    if (!detected.mime || !spec.accept.includes(detected.mime)) throw typeRefusal(detected, spec.accept);
  };
  // The checks run as the bytes pass through to the store: a refusal abandons the write.
  async function* checked() {
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > spec.maxSize) throw new UserError(`文件超过 ${formatBytes(spec.maxSize)}`, 413);
      hash.update(chunk);
      if (headLen < HEAD_BYTES) {
        const n = Math.min(HEAD_BYTES - headLen, chunk.byteLength);
        head.set(chunk.subarray(0, n), headLen);
        headLen += n;
        if (headLen === HEAD_BYTES) await checkHead();
      }
      yield chunk;
    }
    if (size === 0) throw new UserError("文件为空，请重新选择", 400);
    if (!headChecked) await checkHead();
  }
  await store.put(objectKey, checked()).catch((e) => {
    metrics.uploads.inc({ outcome: e instanceof UserError ? "refused" : "failed" });
    throw e;
  });
  try {
    const whole = looksLikeZip(head) ? await objectSource(store, objectKey) : undefined;
    const detected = await detectFileType(head.subarray(0, headLen), whole ?? undefined);
    if (!detected.mime || !spec.accept.includes(detected.mime)) throw typeRefusal(detected, spec.accept);
    return { size, mimeType: detected.mime, sha256: hash.digest("hex") };
  } catch (e) {
    metrics.uploads.inc({ outcome: e instanceof UserError ? "refused" : "failed" });
    await store.remove(objectKey).catch(() => {});
    throw e;
  }
}

const ZIP_BASED = new Set(["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/ofd"]);

// ---------------------------------------------------------------------------------------------
// File fields in schemas, and references from records

/** The x-file spec of a top-level field, or a dotted path of object properties (array levels
 * left out: "members.certificate"). Null when that field is not a file field. */
export function fileFieldSpec(schema: unknown, field: string): FileSpec | null {
  if (!field) return null;
  const want = field.split(".");
  const hit = fileFields(schema).find((f) => f.path.filter((s) => s !== "*").join(".") === want.join("."));
  return hit?.spec ?? null;
}

export interface FileField {
  /** Path to the field's value; "*" for an array level above it. */
  path: string[];
  spec: FileSpec;
  /** The field is an array of keys (the usual shape) rather than one key. */
  multiple: boolean;
  title?: string;
}

/** Every x-file field in a schema, at any depth, conditional ones included (walked like
 * dictionaryFields); one per data path. */
export function fileFields(schema: any): FileField[] {
  const seen = new Set<string>();
  return walkFileFields(schema, []).filter((f) => !seen.has(f.path.join(".")) && !!seen.add(f.path.join(".")));
}

function walkFileFields(schema: any, prefix: string[]): FileField[] {
  const out: FileField[] = [];
  if (!schema || typeof schema !== "object") return out;
  const spec = fileSpecOf(schema);
  if (spec) {
    out.push({ path: prefix, spec, multiple: schema.type === "array", title: typeof schema.title === "string" ? schema.title : undefined });
    return out;
  }
  for (const [k, sub] of Object.entries<any>(schema.properties ?? {})) out.push(...walkFileFields(sub, [...prefix, k]));
  if (schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) out.push(...walkFileFields(schema.items, [...prefix, "*"]));
  for (const branch of sameValueBranches(schema)) out.push(...walkFileFields(branch, prefix));
  return out;
}

/** Per-field Chinese errors for file keys in `data` that do not exist, are not `ownerId`'s, or
 * whose type the field does not accept. Keyed by the field's dotted path. */
export async function checkFileRefs(db: Db, schema: unknown, data: unknown, ownerId: number): Promise<Record<string, string[]>> {
  const errors: Record<string, string[]> = {};
  const refs: { path: string; key: unknown; n: number; spec: FileSpec }[] = [];
  for (const f of fileFields(schema)) {
    for (const v of valuesAt(data, f.path)) {
      const keys = f.multiple ? (Array.isArray(v.value) ? v.value : []) : [v.value];
      keys.forEach((key, i) => refs.push({ path: v.path, key, n: i + 1, spec: f.spec }));
    }
  }
  if (refs.length === 0) return errors;
  const wanted = [...new Set(refs.map((r) => r.key).filter(isFileKey))];
  const rows = wanted.length
    ? await db.models.StoredFile.findAll({ where: { key: { [Op.in]: wanted }, ownerId }, attributes: ["key", "originalName", "mimeType"], raw: true })
    : [];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  for (const r of refs) {
    const row = isFileKey(r.key) ? byKey.get(r.key) : undefined;
    const which = refs.filter((x) => x.path === r.path).length > 1 ? `第 ${r.n} 个文件` : "文件";
    let msg: string | null = null;
    // Someone else's key reads exactly like a missing one.
    if (!row) msg = `${which}不存在或已失效，请重新上传`;
    else if (!r.spec.accept.includes(row.mimeType)) msg = `${which}「${row.originalName}」是 ${kindLabel(row.mimeType)}，此处仅允许 ${acceptLabels(r.spec.accept)}`;
    if (msg) (errors[r.path] ??= []).includes(msg) || errors[r.path].push(msg);
  }
  return errors;
}

/** Name, size and type of each existing key, for showing a record's files. Unknown keys are
 * left out. Callers pass keys from a record the viewer may already see. */
export async function describeFiles(db: Db, keys: unknown[]): Promise<Record<string, FileInfo>> {
  const wanted = [...new Set(keys.filter(isFileKey))];
  if (wanted.length === 0) return {};
  const rows = await db.models.StoredFile.findAll({ where: { key: { [Op.in]: wanted } }, attributes: ["key", "originalName", "size", "mimeType"], raw: true });
  return Object.fromEntries(rows.map((r) => [r.key, { name: r.originalName, size: r.size, mimeType: r.mimeType }]));
}

/** Every file key in a record, for describeFiles. */
export function fileKeysIn(schema: unknown, data: unknown): string[] {
  const out: string[] = [];
  for (const f of fileFields(schema)) {
    for (const v of valuesAt(data, f.path)) {
      for (const k of f.multiple ? (Array.isArray(v.value) ? v.value : []) : [v.value]) if (isFileKey(k)) out.push(k);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * The stored file `key` if `viewer` may read it: its owner, or a reviewer whose scope includes
 * the owner (by unit, or by a submitted application in their committee / 受理部门). Null otherwise, and for a key that does not exist, is malformed or whose bytes are
 * gone: the caller answers all of these with the same 404.
 */
export async function findReadableFile(db: Db, viewer: Person, key: string) {
  if (!isFileKey(key)) return null;
  const row = await db.models.StoredFile.findOne({ where: { key }, raw: true });
  if (!row) return null;
  let allowed = row.ownerId === viewer.id;
  if (!allowed && isStaff(viewer.role)) {
    const scope = await loadReviewerScope(db, viewer);
    allowed = (await applicantInScope(db, scope, row.ownerId)) || (await applicantHasApplicationInScope(db, scope, row.ownerId));
  }
  if (!allowed) return null;
  const stat = await (await getObjectStore()).stat(objectKeyOf(key));
  if (!stat) return null;
  return { key, name: row.originalName, mimeType: row.mimeType, size: stat.size };
}

/** Limits for an upload to `field` of a published form (its latest version). The form and the
 * field come from the URL: an unknown one is a 400 with a Chinese message. */
export function uploadSpecFor(form: { id: string; schema: unknown } | null, field: string | null): FileSpec {
  if (!form) throw new UserError("表单不存在，无法上传文件");
  const spec = field ? fileFieldSpec(form.schema, field) : null;
  if (!spec) throw new UserError(`表单「${form.id}」没有文件字段「${field ?? ""}」`);
  return spec;
}
