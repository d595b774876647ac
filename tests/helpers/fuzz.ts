// Fuzzing helpers: the app's routes read from app/routes (so a new route is fuzzed without
// touching the test), hostile values as fast-check arbitraries, and encoders that can send what
// JSON.stringify cannot (200 000-deep nesting, 1e999, duplicate and __proto__ keys).
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";

const ROOT = path.resolve(__dirname, "../..");

export interface RouteModule {
  /** File name under app/routes, e.g. "records.$id.pay.tsx". */
  file: string;
  /** Remix route id, e.g. "routes/records.$id.pay". */
  id: string;
  /** URL pattern with :params and * (splat), e.g. "/records/:id/pay". */
  pattern: string;
  params: string[];
  index: boolean;
  hasAction: boolean;
  hasLoader: boolean;
  /** Reads multipart bodies (uploads). */
  multipart: boolean;
  /** Keys the module reads from its body (`body.x`) and string literals it compares with. */
  bodyKeys: string[];
  literals: string[];
  /** Query parameters the module reads. */
  queryKeys: string[];
}

/** Splits a flat-route file name on dots outside [escapes]. */
function segmentsOf(name: string) {
  const out: string[] = [];
  let cur = "";
  let depth = 0;
  for (const ch of name) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if (ch === "." && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Remix v2 flat routes: `_index` index, `$x` param, `$` splat, `x_` no nesting, `_x` pathless, `[.]` escape. */
export function patternOf(name: string) {
  const parts: string[] = [];
  const params: string[] = [];
  let index = false;
  for (const raw of segmentsOf(name)) {
    if (raw === "_index") { index = true; continue; }
    if (raw === "route") continue;
    if (raw.startsWith("_")) continue;
    let s = raw.endsWith("_") ? raw.slice(0, -1) : raw;
    if (s === "$") { parts.push("*"); params.push("*"); continue; }
    if (s.startsWith("$")) { params.push(s.slice(1)); parts.push(`:${s.slice(1)}`); continue; }
    s = s.replace(/\[([^\]]*)\]/g, "$1");
    parts.push(s);
  }
  return { pattern: `/${parts.join("/")}`, params, index };
}

const uniq = (xs: string[]) => [...new Set(xs)];
const all = (src: string, re: RegExp) => [...src.matchAll(re)].map((m) => m[1]);

export function discoverRoutes(dir = path.join(ROOT, "app/routes")): RouteModule[] {
  const out: RouteModule[] = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith(".") || /\.test\./.test(ent.name)) continue;
    let file: string;
    let name: string;
    if (ent.isDirectory()) {
      const inner = fs.readdirSync(path.join(dir, ent.name)).find((f) => /^route\.(tsx?|jsx?)$/.test(f));
      if (!inner) continue;
      file = `${ent.name}/${inner}`;
      name = ent.name;
    } else {
      if (!/\.(tsx?|jsx?)$/.test(ent.name)) continue;
      file = ent.name;
      name = ent.name.replace(/\.(tsx?|jsx?)$/, "");
    }
    const source = fs.readFileSync(path.join(dir, file), "utf8");
    const { pattern, params, index } = patternOf(name);
    const listed = /listParams\(/.test(source) ? ["page", "pageSize", "q"] : [];
    out.push({
      file,
      id: `routes/${name}`,
      pattern,
      params,
      index,
      hasAction: /export\s+(async\s+)?function\s+action\b|export\s+(const|let)\s+action\b/.test(source),
      hasLoader: /export\s+(async\s+)?function\s+loader\b|export\s+(const|let)\s+loader\b/.test(source),
      // The literal, or a regex that tests for it (multipart\/form-data).
      multipart: /receiveFile|multipart\\?\/form-data/.test(source),
      bodyKeys: uniq([...all(source, /\bbody\.([A-Za-z_]\w*)\b/g), ...all(source, /\bbody\[["']([^"']+)["']\]/g)]),
      literals: uniq([...all(source, /[!=]==\s*["']([^"'\n]{1,40})["']/g), ...all(source, /case\s+["']([^"'\n]{1,40})["']/g)]),
      queryKeys: uniq([...all(source, /searchParams\.get\(\s*["']([^"']+)["']/g), ...listed]),
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------
// Values

/** JSON text spliced verbatim into a JSON body. */
export class RawJson {
  constructor(public text: string, public label = text.length > 60 ? `${text.slice(0, 30)}…(${text.length})` : text) {}
}

/** An object as key/value pairs, so duplicate and `__proto__` keys survive until encoding. */
export class Obj {
  constructor(public entries: [string, Val][]) {}
}

/** Resolved when the request is sent (e.g. the record's current version). */
export class Late {
  constructor(public what: "version") {}
}

export type Val = string | number | boolean | null | Val[] | Obj | RawJson | Late;

export function deepJson(depth: number, kind: "array" | "object") {
  return kind === "array" ? new RawJson("[".repeat(depth) + "]".repeat(depth), `[…${depth} deep]`) : new RawJson('{"a":'.repeat(depth) + "1" + "}".repeat(depth), `{…${depth} deep}`);
}

export function toJson(v: Val, resolve: (l: Late) => Val = () => 0): string {
  if (v instanceof RawJson) return v.text;
  if (v instanceof Late) return toJson(resolve(v), resolve);
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x, resolve)}`).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map((x) => toJson(x, resolve)).join(",")}]`;
  // JSON has no NaN/Infinity; JSON.stringify would send null.
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
}

/** A value as a form field: strings as they are, anything else as the JSON text a script would put there. */
export function toFormValue(v: Val, resolve: (l: Late) => Val = () => 0): string {
  if (v instanceof Late) return toFormValue(resolve(v), resolve);
  if (typeof v === "string") return v;
  if (v instanceof RawJson) return v.text;
  return toJson(v, resolve);
}

/** A short description of a value for a failure message. */
export function describe(v: Val, max = 300): string {
  const s = toJson(shorten(v));
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function shorten(v: Val): Val {
  if (typeof v === "string" && v.length > 80) return `${v.slice(0, 40)}…(${v.length} chars of ${JSON.stringify(v.slice(0, 1))})`;
  if (v instanceof RawJson) return v.text.length > 80 ? `RAW:${v.label}` : v;
  if (v instanceof Late) return `<current ${v.what}>`;
  if (v instanceof Obj) return new Obj(v.entries.map(([k, x]) => [k.length > 60 ? `${k.slice(0, 40)}…(${k.length})` : k, shorten(x)]));
  if (Array.isArray(v)) return v.length > 10 ? [...v.slice(0, 10).map(shorten), `…(${v.length} items)`] : v.map(shorten);
  return v;
}

export const ODD_STRINGS = [
  "", " ", "0", "-1", "1e999", "-1e999", "2147483648", "-2147483649", "9007199254740993", "NaN", "Infinity", "-0", "0x1F", "1_000", " 12 ",
  "١٢٣", "１２３", "1.5", "true", "null", "undefined", "[object Object]", "__proto__", "constructor", "prototype",
  "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "file:///etc/passwd", "%2e%2e%2f", "%00", "%",
  "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{constructor.constructor('return process')()}}", "${7*7}", "#{7*7}",
  "=cmd|' /C calc'!A0", "+1+1", "@SUM(1+1)", "' OR 1=1 --", "\"; DROP TABLE users; --", "\\", "\\u0000",
  "\u0000", "a\u0000b", "\uD800", "\uDFFF", "a\uD800b", "\u202E", "\u200B", "\uFEFF", "ＡＤＭＩＮ", "e\u0301", "👨‍👩‍👧‍👦", "𝕏", "\r\n", "\t", "İ", "ß",
  "2024-02-30", "0000-00-00", "9999-12-31T23:59:59Z", "2024-13-01", "1970-01-01T00:00:00.000Z", "-271821-04-20",
  "(a+)+$", "^(\\d+)*$", "[", "*", "?", "\\d{99999999}",
  "demo_admin", "admin", "applicant", "unit_reviewer", "dept_reviewer", "acceptance_office", "superuser",
];

/** Long strings: up to the 2 MB body limit and a little past it (the over-long ones must be a 413). */
export const hugeString = fc.oneof(
  fc.record({ ch: fc.constantFrom("a", "9", "<", " "), n: fc.constantFrom(5_000, 80_000, 300_000, 1_200_000, 1_990_000) }),
  // Characters that grow when encoded (UTF-8, %XX, \uXXXX) stay shorter: the body is still near the limit.
  fc.record({ ch: fc.constantFrom("中", "\u0000", "%", "𝕏", "\n"), n: fc.constantFrom(5_000, 80_000, 300_000) }),
).map(({ ch, n }) => ch.repeat(Math.max(1, Math.floor(n / ch.length))));

/** The designer's worst accepted pattern's input (issue 10, item 3). */
export const REDOS_VALUE = `${"9".repeat(80_000)}x`;

/** Odd, random and unicode strings, all short. */
export const shortString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-composite", maxLength: 20 }) },
);

/** Short strings mostly, now and then one near the body limit or the ReDoS input. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 28, arbitrary: shortString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constant(REDOS_VALUE) },
);

export const hostileNumber: fc.Arbitrary<Val> = fc.oneof(
  fc.constantFrom<Val>(0, -1, 1, 2, 2147483647, 2147483648, -2147483649, 2 ** 53 + 2, 1e308, -1e308, 0.5, 1e-300, -0),
  fc.constantFrom<Val>(new RawJson("1e999"), new RawJson("-1e999"), new RawJson("123456789012345678901234567890"), new RawJson("1E+400")),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const key = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "$ref", "", "a.b", "a[0]", "中文") },
);

/** Any JSON-ish value, wrong types and odd shapes included, with deep nesting now and then. */
const nested: fc.Arbitrary<Val> = fc.letrec<{ v: Val }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: shortString },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constantFrom<Val>(true, false, null) },
    { weight: 1, arbitrary: fc.constantFrom(100, 3_000, 200_000).chain((d) => fc.constantFrom<Val>(deepJson(d, "array"), deepJson(d, "object"))) },
    { weight: 2, arbitrary: fc.array(tie("v"), { maxLength: 5 }) },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, tie("v")), { maxLength: 5 }).map((e) => new Obj(e)) },
  ),
})).v;

/**
 * Single values that break code which trusts a field's type or range: NUL and lone surrogates
 * (Postgres text), INTEGER overflow, 1e999 (Infinity), objects whose toString/valueOf is not a
 * function and 200 000-deep arrays (Number()/String() throw), impossible dates.
 */
export const dangerousScalar: fc.Arbitrary<Val> = fc.constantFrom<Val>(
  "\u0000", "a\u0000b", "x\uD800y", "", " ", 2147483648, -2147483649, 1e308, -1, 0, 1.5, new RawJson("1e999"), "2147483648", "1e999", "NaN",
  "<script>alert(1)</script>", new Obj([["toString", "x"]]), new Obj([["valueOf", 1], ["toString", null]]), [new Obj([["toString", "x"]])],
  deepJson(200_000, "array"), true, null, [], new Obj([]), "2024-02-30", "9999-12-31", "-271821-04-20", "0000-00-00",
);

/** Any value; a long string (near the body limit) or the ReDoS input now and then at the top. */
export const anyValue: fc.Arbitrary<Val> = fc.oneof(
  { weight: 6, arbitrary: dangerousScalar },
  { weight: 28, arbitrary: nested },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constant(REDOS_VALUE) },
);

/** Replaces, removes or adds one field of a valid sample, or wraps it in something else. */
export function mutate(sample: Record<string, unknown>): fc.Arbitrary<Val> {
  const keys = Object.keys(sample);
  const base = () => Object.entries(sample).map(([k, v]) => [k, v as Val] as [string, Val]);
  const replace = (value: fc.Arbitrary<Val>) =>
    keys.length ? fc.tuple(fc.constantFrom(...keys), value).map(([k, v]) => new Obj(base().map(([kk, vv]) => [kk, kk === k ? v : vv])) as Val) : fc.constant<Val>(new Obj([]));
  // Mostly the valid sample with one field made hostile, so the value reaches validation and the DB.
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Val>(new Obj(base())) },
    { weight: 4, arbitrary: replace(dangerousScalar) },
    { weight: 2, arbitrary: replace(anyValue) },
    { weight: 1, arbitrary: keys.length ? fc.constantFrom(...keys).map((k) => new Obj(base().filter(([kk]) => kk !== k)) as Val) : fc.constant<Val>(null) },
    { weight: 1, arbitrary: fc.array(fc.tuple(key, anyValue), { minLength: 1, maxLength: 3 }).map((extra) => new Obj([...base(), ...extra]) as Val) },
    { weight: 1, arbitrary: fc.constantFrom<Val>([new Obj(base())], JSON.stringify(sample), new Obj([["__proto__", new Obj(base())]])) },
  );
}

/** Media types a client may claim for a body. */
export const ODD_CONTENT_TYPES = ["text/plain", "application/xml", "", "application/json; charset=utf-16", "application/x-www-form-urlencoded; charset=gbk", "multipart/form-data", "multipart/form-data; boundary=", "application/json, application/x-www-form-urlencoded"];

// ---------------------------------------------------------------------------------------------
// BibTeX @string macro bomb (issue 10, item 2): s_k = s_{k-1} # s_{k-1}, so s22 is 2^22 times s0.

export function bibtexBomb(levels = 22) {
  const lines = ['@string{s0 = "xxxxxxxxxx"}'];
  for (let i = 1; i <= levels; i++) lines.push(`@string{s${i} = s${i - 1} # s${i - 1}}`);
  lines.push(`@article{bomb, title = s${levels}, author = {张三}, journal = {测试}, year = {2024}}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Multipart

export interface MultipartPart { name: string; filename?: string; type?: string; data: Uint8Array | string }

export function multipartBody(parts: MultipartPart[], boundary: string, opts: { truncate?: number; noClose?: boolean } = {}) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = p.filename === undefined ? `form-data; name="${p.name}"` : `form-data; name="${p.name}"; filename="${p.filename}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`));
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  if (!opts.noClose) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const buf = Buffer.concat(chunks);
  return opts.truncate !== undefined ? buf.subarray(0, Math.min(buf.length, opts.truncate)) : buf;
}

/** A body sent chunked (no Content-Length), in pieces of `chunk` bytes. */
export function chunked(buf: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (off >= buf.length) return ctrl.close();
      ctrl.enqueue(buf.subarray(off, off + chunk));
      off += chunk;
    },
  });
}

/** Stable 32-bit hash of a string (per-route seeds). */
export function hash32(s: string) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A path segment as a hostile client sends it: percent-encoded, lone surrogates as their raw
 * (WTF-8) bytes, which encodeURIComponent refuses to encode.
 */
export function encodeSegment(v: string) {
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < v.length && v.charCodeAt(i + 1) >= 0xdc00 && v.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      out += encodeURIComponent(v.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else out += encodeURIComponent(v[i]);
  }
  return out;
}
