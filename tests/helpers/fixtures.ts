// Valid sample data shared by tests.
import { idCardCheckChar } from "../../app/engine/cn-codes";
import type { Db } from "../../app/utils/db.server";

export function idNumber(first17 = "33010619880612123") {
  return first17 + idCardCheckChar(first17);
}

export async function unitId(db: Db, name = "浙江工业大学") {
  const u = await db.models.Unit.findOne({ where: { name } });
  if (!u) throw new Error(`unit ${name} not seeded`);
  return u.id;
}

export function validProfile(unit: number, over: Record<string, unknown> = {}) {
  return {
    name: "王小明", gender: "女", birthDate: "1988-06-12", idNumber: idNumber(), ethnicity: "汉族",
    politicalStatus: "群众", mobile: "13905710001", email: "wxm@example.com", unitId: unit,
    workStartDate: "2012-07", currentSpecialty: "软件工程", highestEducation: "大学本科",
    address: "浙江省杭州市西湖区留和路288号", ...over,
  };
}

let n = 0;
export function uniqueName(prefix = "user") {
  n++;
  return `${prefix}${Date.now().toString(36)}${n}`;
}
