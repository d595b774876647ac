// Route parameter guards: a malformed or unknown id is a 404, never a 500.
import { getCategory } from "~/engine/archive.server";
import type { Db } from "./db.server";
import { notFound } from "./http.server";

export function intParam(v: string | undefined): number {
  const n = Number(v);
  if (!v || !/^\d{1,9}$/.test(v) || !Number.isSafeInteger(n) || n <= 0) throw notFound();
  return n;
}

export async function requireCategory(db: Db, slug: string | undefined) {
  const category = slug ? await getCategory(db, slug) : null;
  if (!category) throw notFound("业绩类别不存在");
  return category;
}
