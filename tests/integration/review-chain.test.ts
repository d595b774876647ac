// The review chain over HTTP through the built server, on SQLite and Postgres: each stage's role
// and scope (and every other role/scope refused), 退回修改 → edit the unlocked steps → resubmit lands
// back at the returning stage, 不通过 is final, batch 通过, two reviewers at once (one wins), the
// queue's filters and search, the Excel export (formula cells escaped), and 404 out of scope.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain, type Db } from "~/utils/db.server";
import { createUser, type ScopeInput } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";
import samplePaper from "../fixtures/achievements/paper.json";
import sampleEducation from "../fixtures/achievements/education.json";
import sampleWork from "../fixtures/achievements/work.json";
import sampleQualification from "../fixtures/achievements/qualification.json";
import { currentVersion, redirectOf, startApply, stepAction, walkToSubmit } from "../helpers/wizard";
import { passPublicity } from "../helpers/review-fixtures";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
const PASSWORD = "Tulip-Harbor-2931";
const DETAIL = "routes/staff.applications.$id";
const QUEUE = "routes/staff.applications._index";
let plans: { review: number; recognition: number };
let staff: Record<string, { c: Client; id: number; role: string }>;
let units: { zjut: { id: number; code: string }; other: { id: number; code: string } };

async function user(role: string, scopes?: ScopeInput) {
  const username = uniqueName(role.replace("_", ""));
  const u = await createUser(db, { username, password: PASSWORD, role, scopes });
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: u.id, role };
}

async function applicant(unit = units.zjut.id, name = "王小明") {
  const username = uniqueName("app");
  const u = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  await saveProfile(db, u.id, validProfile(unit, { name, currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12" }), null);
  for (const [slug, sample] of [["education", sampleEducation], ["work", sampleWork], ["paper", samplePaper], ["qualification", sampleQualification]] as const) {
    const e = await createEntry(db, u.id, (await getCategory(db, slug))!, (sample as any).valid[0]);
    await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
  }
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: u.id };
}

async function submitted(planId: number, unit = units.zjut.id, name = "王小明") {
  const a = await applicant(unit, name);
  const id = await startApply(a.c, planId);
  await walkToSubmit(a.c, id, { base: server.url });
  return { a, id };
}

const row = async (id: number) => plain(await db.models.Application.findByPk(id))!;
async function decide(who: { c: Client }, id: number, body: Record<string, unknown>) {
  const version = body.version ?? (await row(id)).version;
  return who.c.action(`/staff/applications/${id}`, DETAIL, { ...body, version });
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  const m = db.models;
  const zjut = (await m.Unit.findOne({ where: { name: "浙江工业大学" } }))!;
  const other = (await m.Unit.findOne({ where: { departmentId: { [(await import("sequelize")).Op.ne]: zjut.departmentId } } }))!;
  units = { zjut: { id: zjut.id, code: zjut.creditCode }, other: { id: other.id, code: other.creditCode } };
  const dept = (await m.Department.findByPk(zjut.departmentId!))!;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 2 })).map((s) => s.id);
  const [committee, otherCommittee] = await m.Committee.findAll({ limit: 2, order: [["id", "ASC"]] });
  const [acc, otherAcc] = await m.AcceptanceDepartment.findAll({ limit: 2, order: [["id", "ASC"]] });
  const aff = (await m.Affiliation.findOne())!.id;
  const base = {
    titleSeriesId: gc, affiliationIds: [aff], year: 2026, opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    specialtyIds: specs, attachmentRequirements: [], eligibilityRules: [], committeeIds: [], acceptanceDepartmentIds: [],
  };
  plans = {
    review: (await createPlan(db, { ...base, name: `评审计划${uniqueName("")}`, planType: "职称评审", titleLevel: "副高级", committeeIds: [committee.id], fee: 0 })).id,
    recognition: (await createPlan(db, { ...base, name: `认定计划${uniqueName("")}`, planType: "职称认定", recognitionType: "外省调入人员职称认定", titleLevel: "中级", acceptanceDepartmentIds: [acc.id] })).id,
  };
  staff = {
    unit: await user("unit_reviewer", { units: [zjut.creditCode] }),
    otherUnit: await user("unit_reviewer", { units: [other.creditCode] }),
    dept: await user("dept_reviewer", { departments: [dept.name] }),
    office: await user("acceptance_office", { committees: [committee.name] }),
    otherOffice: await user("acceptance_office", { committees: [otherCommittee.name] }),
    accOffice: await user("acceptance_office", { acceptanceDepartments: [acc.name] }),
    otherAccOffice: await user("acceptance_office", { acceptanceDepartments: [otherAcc.name] }),
  };
}, 180_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("title-review chain: 单位审核 → 单位公示 → 主管部门审核 → 受理 → (缴费) → 评委会评审", () => {
  it("moves stage by stage, each stage only for its role in scope, and records every transition", async () => {
    const { a, id } = await submitted(plans.review);
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "unit_review", applicantName: "王小明", applicantIdNumber: idNumber() });
    // Out of scope: 404 on the page and on the action; wrong role for the stage: 409.
    expect((await staff.otherUnit.c.get(`/staff/applications/${id}`)).status).toBe(404);
    expect((await decide(staff.otherUnit, id, { action: "approve" })).status).toBe(404);
    expect((await decide(staff.dept, id, { action: "approve" })).status).toBe(409);
    // The committee's office sees it (its committee), but it is not at their stage yet.
    expect((await decide(staff.office, id, { action: "approve" })).status).toBe(409);
    expect((await a.c.get(`/staff/applications/${id}`)).status).toBe(403);
    // 单位审核 → 单位公示 (通过 there is refused until the period is over) → 主管部门审核
    expect(redirectOf(await decide(staff.unit, id, { action: "approve", comment: "同意推荐" }))).toBe("/staff/applications?notice=approved");
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "unit_publicity" });
    const early = await decide(staff.unit, id, { action: "approve" });
    expect(early.status).toBe(409);
    expect((await early.json()).error).toContain("须先录入公示期");
    await passPublicity(db, staff.unit, id);
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "dept_review" });
    expect((await decide(staff.unit, id, { action: "approve" })).status).toBe(409);
    expect(redirectOf(await decide(staff.dept, id, { action: "approve", comment: "审核通过" }))).toBeTruthy();
    expect(await row(id)).toMatchObject({ stage: "acceptance" });
    expect((await decide(staff.otherOffice, id, { action: "approve" })).status).toBe(404);
    expect(redirectOf(await decide(staff.office, id, { action: "approve", comment: "材料齐全，予以受理" }))).toBeTruthy();
    // Free plan (fee 0) still has the workflow's payment stage: it waits for payment, not a reviewer.
    expect(await row(id)).toMatchObject({ stage: "payment" });
    const refused = await decide(staff.office, id, { action: "approve" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toContain("等待申请人缴费");
    const audit = await db.models.AuditLog.findAll({ where: { entityType: "application", entityId: String(id) }, order: [["id", "ASC"]], raw: true });
    expect(audit.map((r) => [r.action, r.fromState, r.toState, r.comment])).toEqual([
      ["create", null, "draft", null], ["submit", "draft", "unit_review", null],
      ["approve", "unit_review", "unit_publicity", "同意推荐"],
      ["publicity-start", "unit_publicity", "unit_publicity", expect.stringMatching(/^公示期：\d{4}年\d+月\d+日至\d{4}年\d+月\d+日$/)],
      ["publicity-end", "unit_publicity", "unit_publicity", "公示结果：无异议"], ["approve", "unit_publicity", "dept_review", "公示无异议"],
      ["approve", "dept_review", "acceptance", "审核通过"], ["approve", "acceptance", "payment", "材料齐全，予以受理"],
    ]);
    // The applicant sees the timeline with the reviewers' opinions.
    const page = (await (await a.c.get(`/records/${id}`)).text()).replace(/<!-- -->/g, "");
    for (const s of ["办理记录", "同意推荐", "材料齐全，予以受理", "待缴费"]) expect(page).toContain(s);
    // 个人中心 tells them what to do next.
    const home = (await (await a.c.get("/home")).text()).replace(/<!-- -->/g, "");
    expect(home).toContain("我的申报");
    expect(home).toContain(`href="/records/${id}">马上支付`);
  }, 180_000);

  it("退回修改 needs a reason, reopens only the chosen steps, and resubmission lands back at the stage that returned it", async () => {
    const { a, id } = await submitted(plans.review);
    await decide(staff.unit, id, { action: "approve" });
    await passPublicity(db, staff.unit, id);
    const noReason = await decide(staff.dept, id, { action: "return", comment: "  " });
    expect(noReason.status).toBe(422);
    expect((await noReason.json()).error).toBe("请填写退回原因");
    const badStep = await decide(staff.dept, id, { action: "return", comment: "补充", unlock: ["nope"] });
    expect(badStep.status).toBe(422);
    expect(redirectOf(await decide(staff.dept, id, { action: "return", comment: "请补充继续教育学时", unlock: ["info"] }))).toBe("/staff/applications?notice=returned");
    expect(await row(id)).toMatchObject({ status: "returned", stage: "dept_review", returnReason: "请补充继续教育学时", returnedSteps: ["info"] });
    // Reviewers cannot act while it is with the applicant.
    expect((await decide(staff.dept, id, { action: "approve" })).status).toBe(409);
    // The applicant: locked steps refuse changes; the unlocked one and resubmission work.
    expect((await a.c.get(`/apply/${id}`)).headers.get("location")).toBe(`/apply/${id}/info`);
    const locked = await stepAction(a.c, id, "committee", { intent: "next", version: (await row(id)).version, id: 1 });
    expect(locked.status).toBe(409);
    expect((await locked.json()).error).toBe("该步骤未被退回修改，不能更改");
    const info = (await row(id)).steps.info.data as Record<string, unknown>;
    expect(redirectOf(await stepAction(a.c, id, "info", { intent: "next", version: (await row(id)).version, data: { ...info, continuingEducationHours: 420 } }))).toBe(`/apply/${id}/committee`);
    const v = await currentVersion(a.c, id, "submit");
    expect(redirectOf(await stepAction(a.c, id, "submit", { intent: "submit", version: v }))).toBe(`/records/${id}?notice=submitted`);
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "dept_review", returnedSteps: null });
    expect(((await row(id)).steps.info.data as any).continuingEducationHours).toBe(420);
    const actions = (await db.models.AuditLog.findAll({ where: { entityType: "application", entityId: String(id) }, order: [["id", "ASC"]], raw: true })).map((r) => `${r.action}:${r.toState}`);
    expect(actions.slice(-2)).toEqual(["return:returned", "resubmit:dept_review"]);
  }, 180_000);

  it("不通过 needs a reason and is final", async () => {
    const { a, id } = await submitted(plans.review);
    expect((await decide(staff.unit, id, { action: "reject" })).status).toBe(422);
    expect(redirectOf(await decide(staff.unit, id, { action: "reject", comment: "不符合申报条件" }))).toBe("/staff/applications?notice=rejected");
    expect(await row(id)).toMatchObject({ status: "rejected", stage: "unit_review" });
    for (const action of ["approve", "return", "reject"]) {
      const r = await decide(staff.unit, id, { action, comment: "x" });
      expect(r.status).toBe(409);
      expect((await r.json()).error).toContain("已不通过");
    }
    expect((await a.c.get(`/apply/${id}/info`)).headers.get("location")).toBe(`/records/${id}`);
    expect(redirectOf(await stepAction(a.c, id, "submit", { intent: "submit", version: (await row(id)).version }))).toBe(`/records/${id}`);
    expect((await row(id)).status).toBe("rejected");
  }, 180_000);

  it("two reviewers acting at once: one wins, the other gets a conflict", async () => {
    const { id } = await submitted(plans.review);
    const twin = await user("unit_reviewer", { units: [units.zjut.code] });
    const version = (await row(id)).version;
    const [x, y] = await Promise.all([
      decide(staff.unit, id, { action: "approve", version }),
      decide(twin, id, { action: "reject", comment: "不同意", version }),
    ]);
    const statuses = [x.status, y.status].sort();
    expect(statuses).toEqual([204, 409]);
    expect(await db.models.AuditLog.count({ where: { entityType: "application", entityId: String(id), action: ["approve", "reject"] } })).toBe(1);
  }, 180_000);
});

describe("初定/认定 chain: 单位审核 → 受理部门审核, scoped by 受理部门", () => {
  it("the acceptance office of the application's 受理部门 decides; another one does not see it", async () => {
    const { id } = await submitted(plans.recognition);
    await decide(staff.unit, id, { action: "approve" });
    expect(await row(id)).toMatchObject({ stage: "acceptance" });
    expect((await staff.otherAccOffice.c.get(`/staff/applications/${id}`)).status).toBe(404);
    expect((await staff.office.c.get(`/staff/applications/${id}`)).status).toBe(404);
    expect((await staff.accOffice.c.get(`/staff/applications/${id}`)).status).toBe(200);
    // The office reads the applicant's materials (the photo); another office does not.
    const photo = ((await row(id)).steps.photo.data as { key: string }).key;
    expect((await staff.accOffice.c.get(`/files/${photo}`)).status).toBe(200);
    expect((await staff.otherAccOffice.c.get(`/files/${photo}`)).status).toBe(404);
    expect(redirectOf(await decide(staff.accOffice, id, { action: "approve", comment: "予以认定" }))).toBeTruthy();
    expect(await row(id)).toMatchObject({ status: "approved", stage: null });
  }, 180_000);
});

describe("queue", () => {
  it("lists what waits for me, filters and searches, batch-approves, and exports the list with formulas escaped", async () => {
    const first = await submitted(plans.review, units.zjut.id, "=HYPERLINK(\"http://x\")");
    const second = await submitted(plans.review, units.zjut.id, "李四");
    const elsewhere = await submitted(plans.review, units.other.id, "赵六");
    const q = async (c: Client, qs = "") => (await (await c.get(`/staff/applications?${qs}&_data=${encodeURIComponent(QUEUE)}`)).json()) as any;
    const mine = await q(staff.unit.c);
    const ids = mine.rows.map((r: any) => r.id);
    expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(ids).not.toContain(elsewhere.id);
    expect((await q(staff.otherUnit.c)).rows.map((r: any) => r.id)).toContain(elsewhere.id);
    expect((await q(staff.unit.c, "q=李四")).rows.map((r: any) => r.id)).toEqual([second.id]);
    expect((await q(staff.unit.c, `q=${idNumber().slice(0, 10)}`)).total).toBeGreaterThanOrEqual(2);
    expect((await q(staff.unit.c, `plan=${plans.recognition}`)).rows).toEqual([]);
    // Excel: the list as shown, the formula-like name escaped.
    const xlsx = await staff.unit.c.get("/staff/applications/export.xlsx?q=HYPERLINK");
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).getCell(2).text).toBe("姓名");
    expect(sheet.getRow(2).getCell(2).value).toBe("'=HYPERLINK(\"http://x\")");
    expect(sheet.rowCount).toBe(2);
    // Batch 通过: all at the versions shown; a stale one fails the whole batch.
    const items = [first, second].map((x) => ({ id: x.id, version: mine.rows.find((r: any) => r.id === x.id).version }));
    const stale = await staff.unit.c.action("/staff/applications", QUEUE, { items: [...items, { id: elsewhere.id, version: 0 }] });
    expect(stale.status).toBe(404);
    expect((await row(first.id)).stage).toBe("unit_review");
    expect(redirectOf(await staff.unit.c.action("/staff/applications", QUEUE, { items }))).toBe("/staff/applications?notice=approved&count=2");
    expect((await row(first.id)).stage).toBe("unit_publicity");
    // 批量通过 does not pass 单位公示: the period comes first.
    const batchAtPublicity = await staff.unit.c.action("/staff/applications", QUEUE, { items: [first, second].map((x) => ({ id: x.id, version: 0 })) });
    expect(batchAtPublicity.status).toBe(409);
    for (const x of [first, second]) {
      const r = await row(x.id);
      const rejected = await staff.unit.c.action("/staff/applications", QUEUE, { items: [{ id: x.id, version: r.version }] });
      expect((await rejected.json()).error).toContain("须先录入公示期");
      await passPublicity(db, staff.unit, x.id);
    }
    expect((await row(first.id)).stage).toBe("dept_review");
    expect((await row(second.id)).stage).toBe("dept_review");
    expect((await q(staff.dept.c)).rows.map((r: any) => r.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    // 全部 shows what has moved on too, with its state.
    const all = await q(staff.unit.c, "view=all");
    expect(all.rows.find((r: any) => r.id === first.id).stateLabel).toBe("主管部门审核中");
  }, 240_000);
});
