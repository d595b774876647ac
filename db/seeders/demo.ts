// Demo accounts (one per role) — created only in demo mode, flagged isDemo so they stop
// working the moment the app runs without DEMO_MODE.
import type { Db } from "../../app/utils/db.server";
import { createUser, type ScopeInput } from "../../app/utils/users.server";
import { saveProfile } from "../../app/utils/profile.server";
import { idCardCheckChar } from "../../app/engine/cn-codes";
import { committeeNames } from "./reference-data";

export const DEMO_PASSWORD = "Zcps2026demo";

export interface DemoAccount { username: string; role: string; label: string; scope?: ScopeInput; displayName: string }

export async function demoAccounts(db: Db): Promise<DemoAccount[]> {
  const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  return [
    { username: "demo_applicant", role: "applicant", label: "个人用户（已完善个人信息）", displayName: "张明" },
    { username: "demo_unit", role: "unit_reviewer", label: "单位经办人（浙江工业大学）", displayName: "李经办", scope: { units: unit ? [unit.creditCode] : [] } },
    { username: "demo_dept", role: "dept_reviewer", label: "主管部门（浙江省教育厅）", displayName: "王主管", scope: { departments: ["浙江省教育厅"] } },
    { username: "demo_office", role: "acceptance_office", label: "评委会办事机构（工程系列高评委）", displayName: "赵受理", scope: { committees: [committeeNames()[0]] } },
    { username: "demo_admin", role: "admin", label: "系统管理员", displayName: "系统管理员" },
  ];
}

export async function seedDemo(db: Db) {
  const accounts = await demoAccounts(db);
  for (const a of accounts) {
    if (await db.models.User.findOne({ where: { username: a.username } })) continue;
    const user = await createUser(db, { username: a.username, password: DEMO_PASSWORD, role: a.role, displayName: a.displayName, scopes: a.scope, isDemo: true });
    if (a.role === "applicant") {
      const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
      const first17 = "33010619880612123";
      await saveProfile(db, user.id, {
        name: a.displayName, gender: "男", birthDate: "1988-06-12", idNumber: first17 + idCardCheckChar(first17),
        ethnicity: "汉族", politicalStatus: "中共党员", mobile: "13905710001", email: "zhangming@example.com",
        unitId: unit!.id, workStartDate: "2012-07", currentSpecialty: "化学工程", currentTitle: "工程师",
        currentTitleLevel: "中级", currentTitleDate: "2017-12", highestEducation: "博士研究生", highestDegree: "博士",
        graduateSchool: "浙江大学", graduateMajor: "化学工程与技术", graduationDate: "2012-06",
        address: "浙江省杭州市西湖区留和路288号", postcode: "310023",
      }, null);
    }
  }
  return accounts;
}
