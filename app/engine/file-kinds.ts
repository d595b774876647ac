// File kinds a schema file field ("x-file") may accept, with the Chinese labels and hints the
// upload widget and the server's messages use. Client-safe: no Node imports.
//
// Shape of a file field (category authors write exactly this):
//   { "type": "array", "title": "证明材料",
//     "items": { "type": "string", "pattern": "^f_[A-Za-z0-9_-]{16,48}$", "maxLength": 52 },
//     "maxItems": 5,
//     "x-file": { "accept": ["application/pdf", "image/jpeg", "image/png"], "maxSize": 10485760 } }
// with uiSchema { "ui:widget": "file-upload" }. The value is the list of stored-file keys.

export interface FileSpec {
  /** MIME types allowed, as detected from the file's bytes (never its name). */
  accept: string[];
  /** Largest allowed size in bytes. */
  maxSize: number;
}

/** MIME type → label shown to users and the extensions offered by the browser's file picker. */
export const FILE_KINDS: Record<string, { label: string; extensions: string[] }> = {
  "application/pdf": { label: "PDF", extensions: [".pdf"] },
  "image/jpeg": { label: "JPG", extensions: [".jpg", ".jpeg"] },
  "image/png": { label: "PNG", extensions: [".png"] },
  "image/gif": { label: "GIF", extensions: [".gif"] },
  "image/webp": { label: "WEBP", extensions: [".webp"] },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { label: "Word（DOCX）", extensions: [".docx"] },
  "application/ofd": { label: "OFD", extensions: [".ofd"] },
};

/** Stored-file keys: "f_" + 24 random bytes in base64url (32 characters). */
export const FILE_KEY_PATTERN = /^f_[A-Za-z0-9_-]{16,48}$/;

export function isFileKey(v: unknown): v is string {
  return typeof v === "string" && v.length <= 52 && FILE_KEY_PATTERN.test(v);
}

/** The "x-file" annotation of a schema node, or null when it has none (or a malformed one). */
export function fileSpecOf(schema: unknown): FileSpec | null {
  const x = schema && typeof schema === "object" ? (schema as Record<string, any>)["x-file"] : undefined;
  if (!x || typeof x !== "object" || !Array.isArray(x.accept) || !Number.isInteger(x.maxSize) || x.maxSize <= 0) return null;
  return { accept: x.accept.filter((m: unknown): m is string => typeof m === "string"), maxSize: x.maxSize };
}

export function kindLabel(mime: string) {
  return FILE_KINDS[mime]?.label ?? mime;
}

/** "PDF、JPG、PNG" */
export function acceptLabels(accept: string[]) {
  return accept.map(kindLabel).join("、");
}

/** Value for an <input type=file accept=…>: the MIME types and their extensions. */
export function acceptAttribute(accept: string[]) {
  return accept.flatMap((m) => [m, ...(FILE_KINDS[m]?.extensions ?? [])]).join(",");
}

/** 10485760 → "10 MB", 1536 → "1.5 KB". */
export function formatBytes(n: number) {
  if (n >= 1024 * 1024) return `${trim(n / (1024 * 1024))} MB`;
  if (n >= 1024) return `${trim(n / 1024)} KB`;
  return `${n} 字节`;
}
function trim(v: number) {
  return String(Math.round(v * 10) / 10);
}

/** Largest maxSize a form may declare. */
export const MAX_FILE_SIZE_LIMIT = 100 * 1024 * 1024;

/** Problems with the "x-file" annotations of a schema (checked when a form is loaded or published). */
export function fileFieldProblems(schema: unknown, at: string[] = []): string[] {
  if (!schema || typeof schema !== "object") return [];
  const s = schema as Record<string, any>;
  const out: string[] = [];
  const where = at.length ? at.join(".") : "(根)";
  if ("x-file" in s) {
    const x = s["x-file"];
    const known = Object.keys(FILE_KINDS);
    if (!x || typeof x !== "object" || Array.isArray(x)) out.push(`字段 ${where} 的 x-file 应为对象 { accept, maxSize }`);
    else {
      if (!Array.isArray(x.accept) || x.accept.length === 0) out.push(`字段 ${where} 的 x-file.accept 应为非空的 MIME 类型列表`);
      else for (const m of x.accept) if (!known.includes(m)) out.push(`字段 ${where} 的 x-file.accept 含不支持的类型 "${m}"（可用：${known.join(", ")}）`);
      if (!Number.isInteger(x.maxSize) || x.maxSize <= 0 || x.maxSize > MAX_FILE_SIZE_LIMIT) {
        out.push(`字段 ${where} 的 x-file.maxSize 应为 1 到 ${MAX_FILE_SIZE_LIMIT} 之间的整数（字节）`);
      }
      const extra = Object.keys(x).filter((k) => k !== "accept" && k !== "maxSize");
      if (extra.length) out.push(`字段 ${where} 的 x-file 含未知属性：${extra.join(", ")}`);
    }
    const itemIsKey = (n: any) => n && n.type === "string" && typeof n.pattern === "string";
    if (!(s.type === "array" && itemIsKey(s.items)) && !itemIsKey(s)) {
      out.push(`字段 ${where} 带 x-file，应为字符串（文件编号）或其数组，且有 pattern "${FILE_KEY_PATTERN.source}"`);
    }
    return out;
  }
  for (const [k, sub] of Object.entries<any>(s.properties ?? {})) out.push(...fileFieldProblems(sub, [...at, k]));
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) out.push(...fileFieldProblems(s.items, [...at, "*"]));
  return out;
}
