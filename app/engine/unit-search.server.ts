// 工作单位「输入关键字查找」: name fragment, pinyin initials / full pinyin, or credit code.
import { Op, literal, type WhereOptions } from "sequelize";
import type { Db } from "~/utils/db.server";

export interface UnitHit { id: number; name: string; creditCode: string; affiliation: string; department: string }
export interface UnitSearchResult { results: UnitHit[]; hint: string | null }

export const UNIT_SEARCH_LIMIT = 20;

export async function searchUnits(db: Db, raw: string): Promise<UnitSearchResult> {
  // LIKE wildcards carry no meaning in a unit name: drop them rather than escape per dialect.
  const q = raw.replace(/[%_\\]/g, "").trim().slice(0, 50);
  if (!q) return { results: [], hint: "请输入单位名称、拼音首字母或统一社会信用代码" };
  const ascii = /^[A-Za-z0-9]+$/.test(q);
  if (ascii && q.length < 2) return { results: [], hint: "请至少输入 2 个字母或数字" };
  const lower = q.toLowerCase();
  const or: WhereOptions[] = [{ name: { [Op.like]: `%${q}%` } }];
  if (ascii) {
    if (/^[a-z]+$/i.test(q)) {
      or.push({ pinyinInitials: { [Op.like]: `%${lower}%` } }, { pinyinFull: { [Op.like]: `%${lower}%` } });
    }
    if (/\d/.test(q) || q.length >= 4) or.push({ creditCode: { [Op.like]: `${q.toUpperCase()}%` } });
  }
  const s = db.sequelize;
  const rank = literal(`CASE
    WHEN ${s.escape(q)} = "Unit"."name" THEN 0
    WHEN "Unit"."name" LIKE ${s.escape(`${q}%`)} THEN 1
    WHEN "Unit"."pinyinInitials" = ${s.escape(lower)} THEN 1
    WHEN "Unit"."pinyinInitials" LIKE ${s.escape(`${lower}%`)} THEN 2
    ELSE 3 END`);
  const rows = await db.models.Unit.findAll({
    where: { [Op.or]: or },
    include: [
      { association: "affiliation", attributes: ["name"] },
      { association: "department", attributes: ["name"] },
    ],
    order: [[rank, "ASC"], [literal('LENGTH("Unit"."name")'), "ASC"], ["id", "ASC"]],
    limit: UNIT_SEARCH_LIMIT,
  });
  const results = rows.map((u: any) => ({
    id: u.id, name: u.name, creditCode: u.creditCode, affiliation: u.affiliation?.name ?? "", department: u.department?.name ?? "",
  }));
  return { results, hint: results.length ? null : "未找到匹配的单位，请换个关键字试试" };
}
