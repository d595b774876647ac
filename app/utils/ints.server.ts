// Integers a client sends (ids, optimistic-lock versions, list filters) checked before they reach
// a query. Every id and version column is an INTEGER: Postgres refuses a parameter past 2^31−1
// with an error (a 500), SQLite silently compares it. Out of range is refused here instead: an id
// reads as not found, a version as a page to reload.
import { HttpError } from "./http.server";
import { bodyId, intOf, MAX_INT } from "./body-values";

/** The largest value of an INTEGER column (Postgres int4). */
export const MAX_DB_INT = MAX_INT;

/** An id a query can take (1 … 2^31−1), or null: the caller answers with its own 404. */
export const dbId = bodyId;

export const isDbId = (v: unknown): v is number => typeof v === "number" && dbId(v) !== null;

/** The optimistic-lock version a page showed: 0 … 2^31−2 (it is written back plus one). */
export function dbVersion(v: unknown): number {
  if (v === undefined || v === null || v === "") throw new HttpError("缺少版本号，请刷新页面后重试");
  const n = intOf(v);
  if (!(n >= 0 && n < MAX_DB_INT)) throw new HttpError("版本号不正确，请刷新页面后重试");
  return n;
}
