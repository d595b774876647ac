// The holiday calendar (dictionaries/holidays.json) every install starts with: the PRC 法定节假日
// and 调休上班日 of 2026 as published by 国务院办公厅 (国办发明电〔2025〕7号), and of 2027 the
// statutory days only (《全国年节及纪念日放假办法》, 2024 revision) — the 2027 调休 arrangement is
// entered by the administrator in 字典管理 when it is published. Seeded only into an empty table,
// so an administrator's edits (and deletions) are never undone on the next start.
import type { Db } from "../../app/utils/db.server";
import { findDictionary, rowModel } from "../../app/engine/dictionaries.server";
import { addDays, HOLIDAY_KIND as OFF, WORKDAY_KIND as WORK } from "../../app/engine/working-days";

export const HOLIDAY_DICTIONARY = "holidays";

type Row = { date: string; kind: string; name: string };
const span = (from: string, days: number, name: string): Row[] => Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), kind: OFF, name }));
const work = (date: string, name: string): Row => ({ date, kind: WORK, name: `${name}调休上班` });

export const HOLIDAY_ROWS: Row[] = [
  // 2026 (国务院办公厅关于2026年部分节假日安排的通知)
  ...span("2026-01-01", 3, "元旦"), work("2026-01-04", "元旦"),
  ...span("2026-02-15", 9, "春节"), work("2026-02-14", "春节"), work("2026-02-28", "春节"),
  ...span("2026-04-04", 3, "清明节"),
  ...span("2026-05-01", 5, "劳动节"), work("2026-05-09", "劳动节"),
  ...span("2026-06-19", 3, "端午节"),
  ...span("2026-09-25", 3, "中秋节"),
  ...span("2026-10-01", 7, "国庆节"), work("2026-09-20", "国庆节"), work("2026-10-10", "国庆节"),
  // 2027: the statutory days only (调休 not yet published when this was written).
  ...span("2027-01-01", 1, "元旦"),
  ...span("2027-02-05", 4, "春节"),
  ...span("2027-04-05", 1, "清明节"),
  ...span("2027-05-01", 2, "劳动节"),
  ...span("2027-06-09", 1, "端午节"),
  ...span("2027-09-15", 1, "中秋节"),
  ...span("2027-10-01", 3, "国庆节"),
];

/** Fills the holiday dictionary's table when it is empty (after the dictionary is published). */
export async function seedHolidays(db: Db) {
  const d = await findDictionary(db, HOLIDAY_DICTIONARY);
  if (!d) return 0;
  const model = rowModel(db, d);
  if ((await model.count()) > 0) return 0;
  await model.bulkCreate(HOLIDAY_ROWS.map((r) => ({ ...r })));
  return HOLIDAY_ROWS.length;
}
