// Demo accounts (one per role) — created only in demo mode, flagged isDemo so they stop
// working the moment the app runs without DEMO_MODE.
import type { Db } from "../../app/utils/db.server";
import { createUser, type ScopeInput } from "../../app/engine/people/users.server";
import { saveProfile } from "../../app/engine/people/profile.server";
import { idCardCheckChar } from "../../app/engine/cn-codes";
import { committeeNames } from "./reference-data";
import { createEntry, decide, getCategory } from "../../app/engine/archive.server";
import { loadReviewerScope } from "../../app/engine/people/scope.server";
import { seedDemoPlans } from "./plans";

// A few archive entries so the demo applicant's 业绩档案库 and the unit reviewer's queue are
// not empty, and a 职称评审申报 (approved entries only) can be completed at once. Keyed by
// category slug; a slug the install does not have is skipped. The first three are approved by
// demo_unit (through the review engine, with audit rows); the last waits in its queue.
const APPROVED_DEMO_ENTRIES = 3;
const DEMO_ENTRIES: [string, Record<string, unknown>][] = [
  ["education", { startDate: "2008-09", endDate: "2012-06", school: "浙江大学", major: "化学工程与工艺", education: "大学本科", degree: "学士", studyMode: "全日制", graduationStatus: "毕业", isHighest: false, diplomaNumber: "103351201205001234", degreeCertNumber: "1033542012001234" }],
  ["work", { startDate: "2012-07", unitName: "浙江工业大学", department: "化学工程学院", technicalWork: "化工过程研发与教学", position: "实验师", witness: "王建国", witnessPhone: "0571-88320000", description: "负责化工原理实验教学与催化反应工艺研究。" }],
  ["paper", { title: "固定床反应器中甲醇制烯烃催化剂失活动力学研究", authors: "张明, 李华, 王芳", authorRank: 1, isCorrespondingAuthor: true, journal: "化工学报", publishDate: "2022-05", volume: "73", issue: "5", pages: "2011-2020", issn: "0438-1157", cn: "11-1946/TQ", indexedBy: "EI", doi: "10.11949/0438-1157.20220101" }],
  ["award", { awardDate: "2021-12", projectName: "绿色催化工艺关键技术研究与应用", awardName: "浙江省科学技术进步奖", level: "省部级", grade: "二等奖", rank: 3, memberCount: 9, grantor: "浙江省人民政府", certificateNumber: "2021-J-2-045-R03" }],
];

export const DEMO_PASSWORD = "Zcps2026demo";

export interface DemoAccount { username: string; role: string; label: string; scope?: ScopeInput; displayName: string }

export async function demoAccounts(db: Db): Promise<DemoAccount[]> {
  const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  // The demo office accepts both kinds: the 工程 senior committee and every 受理部门 (初定/认定).
  const acceptance = (await db.models.AcceptanceDepartment.findAll({ attributes: ["name"], order: [["id", "ASC"]] })).map((a) => a.name);
  return [
    { username: "demo_applicant", role: "applicant", label: "个人用户（已完善个人信息）", displayName: "张明" },
    { username: "demo_unit", role: "unit_reviewer", label: "单位经办人（浙江工业大学）", displayName: "李经办", scope: { units: unit ? [unit.creditCode] : [] } },
    { username: "demo_dept", role: "dept_reviewer", label: "主管部门（浙江省教育厅）", displayName: "王主管", scope: { departments: ["浙江省教育厅"] } },
    { username: "demo_office", role: "acceptance_office", label: "评委会办事机构（工程系列高评委、各受理部门）", displayName: "赵受理", scope: { committees: [committeeNames()[0]], acceptanceDepartments: acceptance } },
    { username: "demo_admin", role: "admin", label: "系统管理员", displayName: "系统管理员" },
  ];
}

export async function seedDemo(db: Db) {
  const accounts = await demoAccounts(db);
  const toApprove: { id: number; version: number }[] = [];
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
      for (const [i, [slug, data]] of DEMO_ENTRIES.entries()) {
        const category = await getCategory(db, slug);
        if (!category) continue;
        const entry = await createEntry(db, user.id, category, data);
        if (i < APPROVED_DEMO_ENTRIES) toApprove.push(entry);
      }
    }
  }
  const unitUser = await db.models.User.findOne({ where: { username: "demo_unit" } });
  if (unitUser && toApprove.length) {
    const scope = await loadReviewerScope(db, unitUser);
    for (const e of toApprove) await decide(db, unitUser, scope, e.id, "approve", null, e.version);
  }
  await seedDemoPlans(db);
  return accounts;
}
