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

/** Only known notice codes are shown after a redirect (never text from the URL). */
export const NOTICES: Record<string, string> = {
  created: "已保存，业绩已提交单位审核（待审核）",
  saved: "已保存，业绩已重新提交审核（待审核）",
  deleted: "已删除",
  approved: "已审核通过",
  returned: "已退回，申请人将看到退回原因",
  imported: "论文已导入，等待单位审核",
};
