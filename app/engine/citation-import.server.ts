// Citation import: the export files that scholar services and reference managers produce
// (BibTeX, RIS, EndNote .enw) → CSL-JSON items → drafts of a category's entries, with the
// fields still missing, the fields failing validation and duplicates marked. A category switches
// this on with meta.citationImport ({ formats, map: schemaField → CSL field, dedupe }); nothing
// here names a category.
//
// Parsing is Citation.js (core + bibtex/ris/enw plugins). The format is always forced from our
// own detection, so Citation.js never guesses a URL or an identifier and never goes to the
// network. It runs in a worker thread (app/workers/citation-parse.mjs) with a heap limit and a
// time limit, after a linear pre-scan has refused files with too many records or @string macros
// that expand too far (a 625-byte file of doubling macros took seconds and gigabytes in-process).
import { UserError } from "~/engine/errors";
import { runWorkerJob, WorkerJobError, workerScript } from "~/utils/worker.server";
import { scanBibtex } from "./bibtex-scan";
import { checkDraftWith, type DraftCheck } from "./draft-check";
import { compiledValidator, type PublishedForm } from "./form-registry.server";
import type { FieldRule } from "./rules";
import type { FieldErrors } from "./validator";

export type CitationFormat = "bibtex" | "ris" | "endnote";
export const CITATION_FORMATS: CitationFormat[] = ["bibtex", "ris", "endnote"];
export const FORMAT_LABELS: Record<CitationFormat, string> = { bibtex: "BibTeX", ris: "RIS", endnote: "EndNote" };
/** File name endings offered by the upload input. */
export const CITATION_FILE_ACCEPT = ".bib,.ris,.enw,.txt";
export const MAX_CITATION_FILE_BYTES = 2 * 1024 * 1024;
export const MAX_CITATION_RECORDS = 500;

/** Bounds of one parse. The pre-scan refuses what exceeds the first two; the worker enforces the rest. */
export const CITATION_PARSE_LIMITS = {
  /** Characters of one field after @string expansion (real exports: a few thousand at most). */
  maxFieldChars: 100_000,
  /** Characters of all fields after expansion and crossref inheritance (a 2 MB file holds ~2 million). */
  maxTotalChars: 4_000_000,
  /** A 2 MB export parses in ~0.5–1 s on an idle machine; this leaves room for a busy one. */
  timeoutMs: 20_000,
  /**
   * A 2 MB export needs < 16 MB of heap. Caveat (nodejs/node#47224): one allocation far past the
   * limit (a 268-million-character macro expansion being flattened) aborts the whole process
   * instead of the worker — the pre-scan's caps are what keep every string the worker builds small.
   */
  resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
};
export type CitationParseLimits = typeof CITATION_PARSE_LIMITS;

export interface CslName {
  family?: string;
  given?: string;
  literal?: string;
  suffix?: string;
  "non-dropping-particle"?: string;
  "dropping-particle"?: string;
}
export interface CslDate {
  "date-parts"?: (number | string)[][];
  raw?: string;
  literal?: string;
}
export interface CslItem {
  type?: string;
  title?: string;
  author?: CslName[];
  issued?: CslDate;
  DOI?: string;
  [field: string]: unknown;
}

export interface CitationImportConfig {
  formats?: CitationFormat[];
  map: Record<string, string>;
  dedupe?: { doi?: string; title?: string; year?: string };
  selfRankField?: string;
  importLabel?: string;
  exportLabel?: string;
  profileLinkField?: string;
  profileLinkUrl?: string;
  profileLinkLabel?: string;
}

export interface Duplicate {
  by: "doi" | "title";
  /** "archive": an entry the applicant already has; "file": an earlier row of the same file. */
  against: "archive" | "file";
  /** The earlier row (1-based) when against = "file"; the index into the existing list otherwise. */
  row?: number;
  index?: number;
  message: string;
}

export interface CitationDraft {
  /** 1-based position of the record in the file. */
  row: number;
  data: Record<string, unknown>;
  /** Required fields (schema names) still empty. */
  missing: string[];
  /** Fields whose imported value fails validation (dotted path → Chinese messages). */
  invalid: FieldErrors;
  /** What the import could not carry over as is, per field (e.g. only a year, truncated). */
  notes: Record<string, string>;
  duplicate: Duplicate | null;
  /** True when the draft passes the form's schema and declared rules. */
  valid: boolean;
  /** The record's title and year as in the file, for de-duplication when a mapped field was cut or left empty. */
  source: { title: string | null; year: number | null };
}

const NO_RECORDS = "未能从文件中识别出任何文献记录，请确认导出格式为 BibTeX、RIS 或 EndNote";
const NOT_TEXT = "所选文件不是文本格式的文献导出文件，请导出为 BibTeX、RIS 或 EndNote 格式后再试";
export const CITATION_FILE_TOO_LARGE = `文件过大：不能超过 ${MAX_CITATION_FILE_BYTES / 1024 / 1024} MB`;
const TOO_LARGE = CITATION_FILE_TOO_LARGE;

/** The category's citation import settings, or null when the category has none. */
export function citationImportOf(form: Pick<PublishedForm, "meta">): CitationImportConfig | null {
  const c = form.meta?.citationImport as CitationImportConfig | undefined;
  return c && typeof c === "object" && c.map ? c : null;
}

/** Problems with a form's citation import settings against its own schema (for contract tests). */
export function checkCitationImportConfig(form: Pick<PublishedForm, "id" | "schema" | "meta">, profileSchema?: Record<string, any>): string[] {
  const c = citationImportOf(form);
  if (!c) return [];
  const props = form.schema.properties ?? {};
  const problems: string[] = [];
  for (const [field, source] of Object.entries(c.map)) {
    if (!props[field]) problems.push(`${form.id}: citationImport.map 的字段 ${field} 不在 schema 中`);
    if (!source.trim()) problems.push(`${form.id}: citationImport.map.${field} 为空`);
  }
  for (const [k, field] of Object.entries(c.dedupe ?? {})) {
    if (field && !props[field]) problems.push(`${form.id}: citationImport.dedupe.${k} 的字段 ${field} 不在 schema 中`);
  }
  if (c.selfRankField && !["integer", "number"].includes(String(props[c.selfRankField]?.type))) {
    problems.push(`${form.id}: citationImport.selfRankField 应为整数字段`);
  }
  if (c.profileLinkField && profileSchema && !profileSchema.properties?.[c.profileLinkField]) {
    problems.push(`${form.id}: citationImport.profileLinkField 的字段 ${c.profileLinkField} 不在个人基本信息中`);
  }
  return problems;
}

// ───────────────────────── reading the file ─────────────────────────

const decoder = (label: string, fatal = true) => new TextDecoder(label, { fatal });

/**
 * The text of an uploaded export file: UTF-8 (with or without BOM), UTF-16 with BOM, or — as
 * CNKI sometimes exports — GBK/GB18030. Binary files and files over 2 MB are refused.
 */
export function decodeCitationFile(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_CITATION_FILE_BYTES) throw new UserError(TOO_LARGE, 413);
  let text: string;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) text = tryDecode("utf-8", bytes.subarray(3));
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) text = tryDecode("utf-16le", bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = tryDecode("utf-16be", bytes.subarray(2));
  else {
    try {
      text = decoder("utf-8").decode(bytes);
    } catch {
      // GB18030 is a superset of GBK and GB2312; a binary file fails here too.
      text = tryDecode("gb18030", bytes);
    }
  }
  // NUL and other C0 controls (other than tab and line breaks) do not occur in these text formats.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 65536))) throw new UserError(NOT_TEXT);
  return text;
}

function tryDecode(label: string, bytes: Uint8Array): string {
  try {
    return decoder(label).decode(bytes);
  } catch {
    throw new UserError(NOT_TEXT);
  }
}

const normaliseText = (text: string) => text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");

const FORMAT_PATTERNS: Record<CitationFormat, RegExp> = {
  endnote: /^%0 \S/m,
  ris: /^TY {1,3}- ?\S/m,
  bibtex: /^[ \t]*@[A-Za-z]+[ \t]*[{(]/m,
};
const EXTENSIONS: Record<string, CitationFormat> = { bib: "bibtex", bibtex: "bibtex", ris: "ris", enw: "endnote" };

/** The format of an export file by its content; the file name's ending breaks a tie. */
export function detectCitationFormat(text: string, filename?: string): CitationFormat | null {
  const t = normaliseText(text);
  const found = CITATION_FORMATS.map((f) => ({ f, at: t.search(FORMAT_PATTERNS[f]) })).filter((x) => x.at >= 0);
  if (!found.length) return null;
  const byName = EXTENSIONS[filename?.toLowerCase().match(/\.([a-z]+)$/)?.[1] ?? ""];
  if (byName && found.some((x) => x.f === byName)) return byName;
  return found.sort((a, b) => a.at - b.at)[0].f;
}

/** RIS: tag lines as the plugin expects them ("XX  - value"), nothing before the first record. */
function prepareRis(text: string): string {
  const lines = text.split("\n");
  const first = lines.findIndex((l) => /^TY {1,3}-/.test(l));
  return lines
    .slice(first < 0 ? 0 : first)
    .map((l) => l.replace(/^([A-Z][A-Z0-9]) {1,3}-(?: |$)/, "$1  - "))
    .join("\n");
}

/** EndNote: one line per tag (continuation lines joined), nothing before the first record. */
function prepareEndnote(text: string): string {
  const out: string[] = [];
  let started = false;
  for (const line of text.split("\n")) {
    if (/^%0 /.test(line)) started = true;
    if (!started) continue;
    const tag = line.match(/^%(\S)\s?(.*)$/);
    if (tag) out.push(`%${tag[1]} ${tag[2].trim()}`);
    else if (line.trim() && out.length) out[out.length - 1] += ` ${line.trim()}`;
    else out.push("");
  }
  return out.join("\n");
}

const FORCE_TYPE: Record<CitationFormat, string> = { bibtex: "@bibtex/text", ris: "@ris/file", endnote: "@enw/file" };

const wan = (n: number) => (n % 10_000 === 0 ? `${n / 10_000} 万` : String(n));
const TOO_MANY_RECORDS = `文件中的记录超过 ${MAX_CITATION_RECORDS} 条，一次最多导入 ${MAX_CITATION_RECORDS} 条，请分批导出后再导入`;
const RECHECK = "请检查文件或重新导出后再试";

/** Refuses, before anything is parsed, a file with too many records or fields that expand too far. */
function preScan(format: CitationFormat, prepared: string, limits: CitationParseLimits) {
  if (format !== "bibtex") {
    // RIS and EndNote have no macros; each record starts with a TY or %0 line.
    const start = format === "ris" ? /^TY {2}- /gm : /^%0 /gm;
    let records = 0;
    while (start.exec(prepared)) if (++records > MAX_CITATION_RECORDS) throw new UserError(TOO_MANY_RECORDS);
    return;
  }
  const scan = scanBibtex(prepared, { maxRecords: MAX_CITATION_RECORDS, maxFieldChars: limits.maxFieldChars, maxTotalChars: limits.maxTotalChars });
  if (scan.ok) return;
  if (scan.reason === "records") throw new UserError(TOO_MANY_RECORDS);
  if (scan.reason === "field") {
    throw new UserError(`BibTeX 文件第 ${scan.line} 行附近的字段经 @string 宏展开后超过 ${wan(limits.maxFieldChars)}个字符，无法导入；${RECHECK}`);
  }
  throw new UserError(`BibTeX 文件的内容经 @string 宏展开（或 crossref 继承）后超过 ${wan(limits.maxTotalChars)}个字符，无法导入；${RECHECK}`);
}

type WorkerAnswer = { ok: true; items: CslItem[] } | { ok: false; message: string };

async function runCitationJs(format: CitationFormat, prepared: string, limits: CitationParseLimits): Promise<CslItem[]> {
  let answer: WorkerAnswer;
  try {
    answer = await runWorkerJob<WorkerAnswer>(workerScript("citation-parse.mjs"), { text: prepared, forceType: FORCE_TYPE[format] }, {
      timeoutMs: limits.timeoutMs,
      resourceLimits: limits.resourceLimits,
    });
  } catch (e) {
    if (!(e instanceof WorkerJobError)) throw e;
    if (e.kind === "timeout") {
      const took = limits.timeoutMs >= 1000 ? `${Math.round(limits.timeoutMs / 1000)} 秒` : `${limits.timeoutMs} 毫秒`;
      throw new UserError(`文件解析超时（超过 ${took}），文件可能过于复杂或已损坏；${RECHECK}`, 422);
    }
    if (e.kind === "memory") throw new UserError(`文件解析所需内存过多，文件可能过于复杂或已损坏；${RECHECK}`, 422);
    if (e.kind === "busy") throw new UserError("同时导入的文件较多，请稍后重试", 503);
    console.error(`citation import: parser worker failed: ${e.message}`);
    throw new UserError("文件解析未能完成，请稍后重试", 503);
  }
  if (answer.ok) return answer.items;
  if (format === "bibtex") {
    const line = answer.message.match(/at line (\d+)/)?.[1];
    throw new UserError(`BibTeX 文件格式有误${line ? `（第 ${line} 行附近）` : ""}：常见原因是花括号 { } 不成对或缺少逗号，请检查文件或重新导出后再试`);
  }
  throw new UserError(`${FORMAT_LABELS[format]} 文件格式有误，未能读取其中的记录，请重新导出后再试`);
}

const DATE_FIELDS = ["issued", "published-print", "published-online", "event-date", "original-date", "accessed", "submitted", "available-date"];

/** Fills CSL fields the plugins place elsewhere for some record types, and cleans identifiers. */
function normaliseItem(raw: CslItem): CslItem {
  const item: CslItem = { ...raw };
  if (!hasDate(item.issued)) {
    const alt = ["published-print", "published-online", "event-date", "original-date"].map((f) => item[f] as CslDate).find(hasDate);
    if (alt) item.issued = alt;
  }
  if (!item["container-title"]) {
    const alt = ["event-title", "collection-title", "event"].map((f) => item[f]).find((v) => typeof v === "string" && v.trim());
    if (alt) item["container-title"] = alt;
  }
  if (typeof item.DOI === "string") item.DOI = cleanDoi(item.DOI);
  if (typeof item.title === "string") item.title = collapse(item.title);
  return item;
}

const hasContent = (i: CslItem) => !!((typeof i.title === "string" && i.title.trim()) || i.DOI || (Array.isArray(i.author) && i.author.length));

/**
 * The records of a citation export file as CSL-JSON items. `input` is the file's bytes (decoded
 * here: UTF-8, BOM, GBK) or its text. The format is detected from the content (the file name's
 * ending breaks a tie); `formats` limits which are accepted. A file with no records, a malformed
 * file, one over 2 MB or over 500 records, with fields that expand too far, or that the parser
 * cannot finish within its time and memory limits is refused with a Chinese message (UserError).
 * `limits` overrides CITATION_PARSE_LIMITS (tests).
 */
export async function parseCitations(
  input: string | Uint8Array,
  filename?: string,
  opts: { formats?: CitationFormat[]; limits?: Partial<CitationParseLimits> } = {},
): Promise<CslItem[]> {
  if (typeof input === "string" && Buffer.byteLength(input, "utf8") > MAX_CITATION_FILE_BYTES) throw new UserError(TOO_LARGE, 413);
  const text = normaliseText(typeof input === "string" ? input : decodeCitationFile(input));
  const format = detectCitationFormat(text, filename);
  if (!format) throw new UserError(NO_RECORDS);
  const allowed = opts.formats?.length ? opts.formats : CITATION_FORMATS;
  if (!allowed.includes(format)) {
    throw new UserError(`不支持 ${FORMAT_LABELS[format]} 格式的文件，请导出为 ${allowed.map((f) => FORMAT_LABELS[f]).join("、")} 格式后再试`);
  }
  const limits = { ...CITATION_PARSE_LIMITS, ...opts.limits };
  const prepared = format === "ris" ? prepareRis(text) : format === "endnote" ? prepareEndnote(text) : text;
  preScan(format, prepared, limits);
  const items = (await runCitationJs(format, prepared, limits)).map(normaliseItem).filter(hasContent);
  if (!items.length) throw new UserError(NO_RECORDS);
  if (items.length > MAX_CITATION_RECORDS) {
    throw new UserError(`文件中有 ${items.length} 条记录，一次最多导入 ${MAX_CITATION_RECORDS} 条，请分批导出后再导入`);
  }
  return items;
}

// ───────────────────────── CSL values ─────────────────────────

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** A DOI without resolver prefixes ("https://doi.org/", "doi:"), case kept. */
export function cleanDoi(v: string): string {
  return v.trim().replace(/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i, "").replace(/^doi:\s*/i, "").trim();
}

const isCjk = (s: string) => /[\u3400-\u9fff\uf900-\ufaff]/.test(s);

/** One CSL name as people write it: 张三 (CJK, no space), "Wei Zhang" (given first) otherwise. */
export function formatName(n: CslName): string {
  if (n.literal) return collapse(n.literal);
  const family = collapse([n["non-dropping-particle"], n.family].filter(Boolean).join(" "));
  const given = collapse([n.given, n["dropping-particle"]].filter(Boolean).join(" "));
  if (isCjk(family) || isCjk(given)) return family + given;
  return collapse([given, family, n.suffix].filter(Boolean).join(" "));
}

function hasDate(d: unknown): d is CslDate {
  if (!d || typeof d !== "object") return false;
  const parts = (d as CslDate)["date-parts"]?.[0];
  return (!!parts && parts.length > 0 && Number.isFinite(Number(parts[0]))) || !!(d as CslDate).raw || !!(d as CslDate).literal;
}

/** [year, month?, day?] of a CSL date, from date-parts or a raw/literal string. */
export function dateParts(d: unknown): number[] {
  if (!d || typeof d !== "object") return [];
  const parts = (d as CslDate)["date-parts"]?.[0];
  if (parts?.length) {
    const nums = parts.map(Number);
    const n = nums.findIndex((x) => !Number.isFinite(x) || x <= 0);
    return n < 0 ? nums : nums.slice(0, n);
  }
  const text = (d as CslDate).raw ?? (d as CslDate).literal;
  const m = typeof text === "string" ? text.match(/(\d{4})(?:\s*[-/.年]\s*(\d{1,2}))?(?:\s*[-/.月]\s*(\d{1,2}))?/) : null;
  return m ? [m[1], m[2], m[3]].filter(Boolean).map(Number) : [];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A CSL field as a plain string (names joined, dates ISO-like, arrays joined). */
function cslText(item: CslItem, field: string): string | undefined {
  const v = item[field];
  if (v === undefined || v === null || v === "") return undefined;
  if (DATE_FIELDS.includes(field)) {
    const [y, m, d] = dateParts(v);
    return y ? [String(y), m ? pad(m) : null, m && d ? pad(d) : null].filter(Boolean).join("-") : undefined;
  }
  if (Array.isArray(v)) {
    const parts = v.map((x) => (x && typeof x === "object" ? formatName(x as CslName) : String(x))).filter(Boolean);
    return parts.length ? parts.join(", ") : undefined;
  }
  if (field === "page") return collapse(String(v)).replace(/\s*(?:--|[–—−~])\s*/g, "-");
  if (field === "DOI") return cleanDoi(String(v)) || undefined;
  if (field === "ISSN" || field === "ISBN") return collapse(String(v));
  return typeof v === "object" ? undefined : collapse(String(v)) || undefined;
}

// ───────────────────────── drafts ─────────────────────────

const codePoints = (s: string) => Array.from(s).length;
const cut = (s: string, n: number) => Array.from(s).slice(0, n).join("");

function trimTo(field: string, s: string, max: number | undefined, notes: Record<string, string>, list = false): string {
  if (max === undefined || codePoints(s) <= max) return s;
  if (list) {
    // A list of names is cut at a name, never inside one, and ends with 等 (et al.).
    const names = s.split(", ");
    while (names.length > 1 && codePoints(`${names.join(", ")} 等`) > max) names.pop();
    const out = `${names.join(", ")} 等`;
    if (codePoints(out) <= max) {
      notes[field] = `作者较多，已保留前 ${names.length} 位`;
      return out;
    }
  }
  notes[field] = `原值超过 ${max} 个字符，已截断`;
  return cut(s, max);
}

function convert(item: CslItem, source: string, field: string, prop: Record<string, any>, notes: Record<string, string>): unknown {
  // A template such as "{volume}({issue}):{page}" joins several CSL fields into one.
  if (source.includes("{")) {
    let any = false;
    const out = source.replace(/\{([A-Za-z-]+)\}/g, (_, f: string) => {
      const t = cslText(item, f);
      if (t) any = true;
      return t ?? "";
    });
    if (!any) return undefined;
    const cleaned = collapse(out.replace(/\(\s*\)|（\s*）|\[\s*\]/g, "").replace(/^[\s:：,，;；/-]+|[\s:：,，;；/-]+$/g, ""));
    return cleaned ? trimTo(field, cleaned, prop.maxLength, notes) : undefined;
  }
  const value = item[source];
  if (value === undefined || value === null || value === "") return undefined;
  const type = Array.isArray(prop.type) ? prop.type.find((t: string) => t !== "null") : prop.type;

  if (DATE_FIELDS.includes(source)) {
    const [y, m, d] = dateParts(value);
    if (!y) return undefined;
    if (type === "integer" || type === "number") return y;
    if (prop.format === "year-month") {
      if (m) return `${y}-${pad(m)}`;
      notes[field] = `文件中只有年份 ${y}，请补充月份`;
      return undefined;
    }
    if (prop.format === "date") {
      if (m && d) return `${y}-${pad(m)}-${pad(d)}`;
      notes[field] = `文件中只有 ${m ? `${y}-${pad(m)}` : `年份 ${y}`}，请补充完整日期`;
      return undefined;
    }
    if (prop.format) return undefined;
    return cslText(item, source);
  }

  if (type === "array") {
    const items = Array.isArray(value)
      ? value.map((x) => (x && typeof x === "object" ? formatName(x as CslName) : collapse(String(x))))
      : String(value).split(/[;,，；、]/); // trimmed below; \s* around the separator was quadratic on long runs of spaces
    const clean = items.map((s) => s.trim()).filter(Boolean);
    const max = prop.items?.maxLength as number | undefined;
    const limited = prop.maxItems !== undefined ? clean.slice(0, prop.maxItems) : clean;
    return limited.length ? limited.map((s) => (max !== undefined ? cut(s, max) : s)) : undefined;
  }

  let text = cslText(item, source);
  if (text === undefined) return undefined;
  if (source === "ISSN" || source === "ISBN") {
    if (source === "ISSN") {
      const m = text.match(/(\d{4})-?(\d{3}[\dXx])/);
      text = m ? `${m[1]}-${m[2].toUpperCase()}` : text;
    } else text = text.split(/[,;\s]+/)[0];
  }
  if (type === "integer" || type === "number") {
    const n = Number(text);
    if (text !== "" && Number.isFinite(n) && (type === "number" || Number.isInteger(n))) return n;
    notes[field] = `原值「${cut(text, 20)}」不是数字`;
    return undefined;
  }
  if (type === "boolean") return undefined;
  if (Array.isArray(prop.enum)) {
    const hit = prop.enum.find((o: unknown) => String(o).toLowerCase() === text!.toLowerCase());
    if (hit !== undefined) return hit;
    notes[field] = `原值「${cut(text, 20)}」不在可选项中，请选择`;
    return undefined;
  }
  return trimTo(field, text, prop.maxLength, notes, Array.isArray(value) && value.some((x) => x && typeof x === "object"));
}

const nameKey = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[\s.·•・‧-]/g, "");

/** 1-based position of `self` in the item's author list (names compared without spaces/dots). */
export function authorRank(item: CslItem, self: string | null | undefined): number | null {
  if (!self || !Array.isArray(item.author)) return null;
  const key = nameKey(self);
  if (!key) return null;
  const i = item.author.findIndex((n) => {
    const asWritten = nameKey(formatName(n));
    const familyFirst = nameKey(`${n.family ?? ""}${n.given ?? ""}`);
    return asWritten === key || familyFirst === key;
  });
  return i < 0 ? null : i + 1;
}

/**
 * Validates one draft with the form's compiled validator: required fields still empty go to
 * `missing`, every other failure to `invalid` (Chinese messages per field); declared rules too.
 */
export function checkDraft(form: Pick<PublishedForm, "hash" | "schema" | "meta">, data: Record<string, unknown>): DraftCheck {
  return checkDraftWith(compiledValidator(form), form.schema, form.meta?.rules as FieldRule[] | undefined, data);
}

/**
 * Maps CSL items into drafts of the form's records through meta.citationImport.map (dates to the
 * field's format, names to "张三, 李四", identifiers cleaned, text cut to maxLength), fills the
 * schema's defaults and the applicant's author rank (selfRankField, by `selfName`), and lists per
 * draft what is missing or invalid. Duplicates are marked separately (markDuplicates).
 */
export function toDrafts(items: CslItem[], form: Pick<PublishedForm, "hash" | "schema" | "meta">, opts: { selfName?: string | null } = {}): CitationDraft[] {
  const config = citationImportOf(form);
  if (!config) throw new UserError("该类别不支持导入", 404);
  const props: Record<string, any> = form.schema.properties ?? {};
  return items.map((item, i) => {
    const data: Record<string, unknown> = {};
    const notes: Record<string, string> = {};
    for (const [field, source] of Object.entries(config.map)) {
      const prop = props[field];
      if (!prop) continue;
      const v = convert(item, source, field, prop, notes);
      if (v !== undefined) data[field] = v;
    }
    if (config.selfRankField && props[config.selfRankField] && data[config.selfRankField] === undefined) {
      const rank = authorRank(item, opts.selfName);
      if (rank !== null) data[config.selfRankField] = rank;
      else if (opts.selfName && Array.isArray(item.author) && item.author.length) notes[config.selfRankField] = `作者中未找到「${opts.selfName}」，请填写本人排名`;
    }
    for (const [field, prop] of Object.entries(props)) {
      if (data[field] === undefined && prop && typeof prop === "object" && "default" in prop) data[field] = structuredClone(prop.default);
    }
    const check = checkDraft(form, data);
    const source = { title: typeof item.title === "string" ? item.title : null, year: dateParts(item.issued)[0] ?? null };
    return { row: i + 1, data, missing: check.missing, invalid: check.invalid, notes, duplicate: null, valid: check.valid, source };
  });
}

// ───────────────────────── duplicates ─────────────────────────

/** DOI for comparison: no resolver prefix, lower case. */
export function doiKey(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const k = cleanDoi(v).toLowerCase();
  return k || null;
}

/** Title for comparison: NFKC, lower case, no whitespace, punctuation or symbols (CJK included). */
export function titleKey(v: unknown): string | null {
  if (typeof v !== "string") return null;
  // <[^<>]+>, not <[^>]+>: the latter rescans to the end from every "<" of a title without ">" (quadratic).
  const k = v.normalize("NFKC").toLowerCase().replace(/<[^<>]+>/g, "").replace(/[\s\p{P}\p{S}]+/gu, "");
  return k || null;
}

export function yearKey(v: unknown): string | null {
  if (typeof v === "number" && Number.isInteger(v)) return String(v);
  const m = typeof v === "string" ? v.match(/(?:^|\D)(\d{4})(?:\D|$)/) : null;
  return m ? m[1] : null;
}

interface WorkKey { doi: string | null; titles: string[]; year: string | null }
interface Seen extends WorkKey { against: "archive" | "file"; row?: number; index?: number }

function sameWork(a: WorkKey, b: WorkKey): "doi" | "title" | null {
  if (a.doi && b.doi) return a.doi === b.doi ? "doi" : null;
  if (a.titles.some((t) => b.titles.includes(t)) && (!a.year || !b.year || a.year === b.year)) return "title";
  return null;
}

/**
 * Marks drafts that repeat an existing entry (`existing`: the entries' data) or an earlier row of
 * the same file: same DOI (case-insensitive, resolver prefix ignored) when both have one, else the
 * same normalised title and year (a missing year matches any). A draft's title and year as they
 * were in the file count too, so a title cut to the field's length still matches. Returns new drafts.
 */
export function markDuplicates(
  drafts: CitationDraft[],
  existing: Record<string, unknown>[],
  dedupe: CitationImportConfig["dedupe"] | undefined,
): CitationDraft[] {
  if (!dedupe || (!dedupe.doi && !dedupe.title)) return drafts.map((d) => ({ ...d, duplicate: null }));
  const keyOf = (data: Record<string, unknown>, source?: CitationDraft["source"]): WorkKey => {
    const titles = dedupe.title ? [titleKey(data[dedupe.title]), titleKey(source?.title)] : [];
    return {
      doi: dedupe.doi ? doiKey(data[dedupe.doi]) : null,
      titles: [...new Set(titles.filter((t): t is string => !!t))],
      year: dedupe.year ? yearKey(data[dedupe.year]) ?? (source?.year ? String(source.year) : null) : null,
    };
  };
  const seen: Seen[] = existing.map((data, index) => ({ ...keyOf(data ?? {}), against: "archive" as const, index }));
  return drafts.map((d) => {
    const key = keyOf(d.data, d.source);
    let duplicate: Duplicate | null = null;
    for (const s of seen) {
      const by = sameWork(s, key);
      if (!by) continue;
      const what = by === "doi" ? "DOI 相同" : "题目和年份相同";
      duplicate = s.against === "archive"
        ? { by, against: "archive", index: s.index, message: `与已有条目重复（${what}）` }
        : { by, against: "file", row: s.row, message: `与文件中第 ${s.row} 条重复（${what}）` };
      break;
    }
    if (!duplicate) seen.push({ ...key, against: "file", row: d.row });
    return { ...d, duplicate };
  });
}

/** parse → drafts → duplicates, for a category's import preview. */
export async function previewImport(
  input: string | Uint8Array,
  filename: string | undefined,
  form: Pick<PublishedForm, "hash" | "schema" | "meta">,
  existing: Record<string, unknown>[],
  opts: { selfName?: string | null } = {},
): Promise<CitationDraft[]> {
  const config = citationImportOf(form);
  if (!config) throw new UserError("该类别不支持导入", 404);
  const items = await parseCitations(input, filename, { formats: config.formats });
  return markDuplicates(toDrafts(items, form, opts), existing, config.dedupe);
}

// ───────────────────────── import ─────────────────────────

/** A row the applicant confirmed in the preview (possibly edited). */
export interface ImportRow {
  row: number;
  data: Record<string, unknown>;
  /** The applicant ticked a row the preview marked as a duplicate: import it anyway. */
  allowDuplicate?: boolean;
  source?: CitationDraft["source"];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function readRows(rows: unknown): ImportRow[] {
  const bad = new UserError("提交的数据格式不正确");
  if (!Array.isArray(rows)) throw bad;
  if (!rows.length) throw new UserError("请至少勾选一条记录");
  if (rows.length > MAX_CITATION_RECORDS) throw new UserError(`一次最多导入 ${MAX_CITATION_RECORDS} 条`);
  const seen = new Set<number>();
  return rows.map((r) => {
    if (!isPlainObject(r) || !Number.isInteger(r.row) || (r.row as number) < 1 || seen.has(r.row as number) || !isPlainObject(r.data)) throw bad;
    seen.add(r.row as number);
    const src = isPlainObject(r.source) ? r.source : {};
    return {
      row: r.row as number,
      data: r.data,
      allowDuplicate: r.allowDuplicate === true,
      source: {
        title: typeof src.title === "string" ? src.title.slice(0, 1000) : null,
        year: Number.isInteger(src.year) ? (src.year as number) : null,
      },
    };
  });
}

/**
 * The server's side of 【导入】: re-checks every confirmed row against the category's form and
 * refuses the whole import, naming the rows (1-based, as in the preview), while any row still
 * misses a required field or has a wrong value (fieldErrors keyed "row.field"). Rows that now
 * repeat an existing entry or an earlier confirmed row are skipped unless the applicant ticked
 * them knowingly (allowDuplicate) — so a second click on 【导入】 imports nothing twice.
 */
export function prepareImport(
  form: Pick<PublishedForm, "hash" | "schema" | "meta">,
  rows: unknown,
  existing: Record<string, unknown>[],
): { datas: Record<string, unknown>[]; skipped: { row: number; message: string }[] } {
  const config = citationImportOf(form);
  if (!config) throw new UserError("该类别不支持导入", 404);
  const confirmed = readRows(rows);
  const fieldErrors: Record<string, string[]> = {};
  const badRows: number[] = [];
  const drafts: CitationDraft[] = confirmed.map((r) => {
    const check = checkDraft(form, r.data);
    if (!check.valid) {
      badRows.push(r.row);
      for (const f of check.missing) fieldErrors[`${r.row}.${f}`] = ["此项为必填项"];
      for (const [f, msgs] of Object.entries(check.invalid)) fieldErrors[f ? `${r.row}.${f}` : String(r.row)] = msgs;
    }
    return { row: r.row, data: r.data, missing: check.missing, invalid: check.invalid, notes: {}, duplicate: null, valid: check.valid, source: r.source ?? { title: null, year: null } };
  });
  if (badRows.length) {
    const list = badRows.slice(0, 20).join("、") + (badRows.length > 20 ? " 等" : "");
    throw new UserError(`第 ${list} 条还有必填项未填写或填写有误，请补充后再导入，或取消勾选这些记录`, 422, fieldErrors);
  }
  const marked = markDuplicates(drafts, existing, config.dedupe);
  const datas: Record<string, unknown>[] = [];
  const skipped: { row: number; message: string }[] = [];
  marked.forEach((d, i) => {
    if (d.duplicate && !confirmed[i].allowDuplicate) skipped.push({ row: d.row, message: d.duplicate.message });
    else datas.push(d.data);
  });
  return { datas, skipped };
}

/** A field the import preview shows and lets the applicant fill in. */
export interface PreviewField {
  name: string;
  title: string;
  type: string;
  required: boolean;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/**
 * The columns of the import preview, in the form's ui:order: every field the import fills
 * (map, selfRankField) and every other required or yes/no field; file and nested fields are left
 * to the entry's own edit page.
 */
export function previewFields(form: Pick<PublishedForm, "schema" | "uiSchema" | "meta">): PreviewField[] {
  const config = citationImportOf(form);
  const props: Record<string, any> = form.schema.properties ?? {};
  const required: string[] = Array.isArray(form.schema.required) ? form.schema.required : [];
  const wanted = (name: string) => {
    const p = props[name];
    if (!p || typeof p !== "object" || p["x-file"] || p.type === "object" || (p.type === "array" && !config?.map[name])) return false;
    return !!config?.map[name] || config?.selfRankField === name || required.includes(name) || p.type === "boolean";
  };
  const order: string[] = Array.isArray(form.uiSchema?.["ui:order"]) ? form.uiSchema["ui:order"].filter((k: string) => k !== "*") : [];
  const names = [...order.filter((k) => k in props), ...Object.keys(props).filter((k) => !order.includes(k))];
  return names.filter(wanted).map((name) => {
    const p = props[name];
    const type = Array.isArray(p.type) ? p.type.find((t: string) => t !== "null") : p.type;
    return {
      name, title: p.title ?? name, type: type ?? "string", required: required.includes(name),
      ...(Array.isArray(p.enum) ? { enum: p.enum } : {}),
      ...(p.format ? { format: p.format } : {}),
      ...(p.maxLength !== undefined ? { maxLength: p.maxLength } : {}),
      ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
      ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
    };
  });
}
