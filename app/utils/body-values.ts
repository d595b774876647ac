// Reading untrusted body values (JSON or form) without throwing. Number(v) and String(v) are not
// safe on an arbitrary JSON value: a 200 000-deep array overflows the stack in Array#join
// (RangeError), and an object whose toString/valueOf is not a function ({"toString": "x"}) throws
// a TypeError — either one a 500 instead of the 4xx the route means to answer.

/** INTEGER columns (Postgres int4): a larger id or version is refused by the DB with an error. */
export const MAX_INT = 2_147_483_647;

/** The value if it is a string, else `fallback`. */
export function bodyText(v: unknown, fallback = ""): string {
  return typeof v === "string" ? v : fallback;
}

/** A JSON number, or a numeric string (form posts); NaN for anything else. */
export function bodyNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return NaN;
}

/** The integer in a number or a decimal string ("12"), else NaN (1.5, "1e3", "0x10", "", true, …). */
export function intOf(v: unknown): number {
  if (typeof v === "number") return Number.isInteger(v) ? v : NaN;
  if (typeof v === "string" && /^\s*-?\d{1,16}\s*$/.test(v)) return Number(v);
  return NaN;
}

/** An integer in the INTEGER column range, at least `min`; null otherwise. */
export function bodyInt(v: unknown, min = 0): number | null {
  const n = intOf(v);
  return n >= min && n <= MAX_INT ? n : null;
}

/** A record id (1 … 2^31 − 1), or null. */
export function bodyId(v: unknown): number | null {
  return bodyInt(v, 1);
}
