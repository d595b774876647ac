// Content hashes of definitions: sha256 of a canonical JSON (object keys sorted), so the same
// content always has the same hash whatever the key order of the file it came from.
import crypto from "node:crypto";

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export function contentHash(v: unknown): string {
  return crypto.createHash("sha256").update(canonical(v)).digest("hex");
}
