// Route parameter guards: a malformed or unknown id is a 404, never a 500.
import { notFound } from "./http.server";

export function intParam(v: string | undefined): number {
  const n = Number(v);
  if (!v || !/^\d{1,9}$/.test(v) || !Number.isSafeInteger(n) || n <= 0) throw notFound();
  return n;
}
