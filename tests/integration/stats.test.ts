// 统计分析 (issue 15) over the built server, on SQLite and Postgres: a small known data set walked
// through the real chain in process (submit, 通过 / 退回修改 / 不通过, offline payment), then counts,
// pass rates and daily submissions as each staff member's scope gives them; median / P90 on known
// durations; another scope's filter values give nothing; the Excel workbook (formula-like cells
// escaped); the page's server-drawn SVG chart; stage visits kept in step with the chain and
// rebuilt from the audit log by migration 0025; applicants refused.
import ExcelJS from "exceljs";
import { Op } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { makeApplicant, makePlans, passCommitteeVote, passPublicity, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { uniqueName, unitId } from "../helpers/fixtures";
import type { Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { completePaymentStage, decideApplication } from "~/engine/workflow/review.server";
import { statsDashboard, statsFiltersFrom } from "~/engine/stats/stats.server";
import * as m0025 from "../../db/migrations/0025-stage-visits";

let ctx: TestServer;
let db: Db;
let plans: Awaited<ReturnType<typeof makePlans>>;
let planName: string;
const units = { a: 0, b: 0, bName: "" };
type Staff = { id: number; role: string; c: Client };
let staff: Record<"unitA" | "unitB" | "dept" | "office", Staff>;
const ids: Record<string, number> = {};

async function person(role: string, scopes: Record<string, string[]>): Promise<Staff> {
  const u = await createUser(db, { username: uniqueName("stats"), password: PASSWORD, role, scopes });
  const c = new Client(ctx.server.url);
  expect((await c.login(u.username, PASSWORD)).status).toBe(302);
  return { id: u.id, role: u.role, c };
}
const version = async (id: number) => (await db.models.Application.findByPk(id, { raw: true }))!.version;
async function decide(who: Staff, id: number, action: "approve" | "return" | "reject", comment = "意见") {
  await decideApplication(db, who, id, action, comment, await version(id));
}
const dashboard = (who: Staff, query = "") => statsDashboard(db, who, statsFiltersFrom(new URL(`http://x/staff/stats?${query}`)));
const table = (d: Awaited<ReturnType<typeof dashboard>>, key: string) => d.tables.find((t) => t.key === key)!;

beforeAll(async () => {
  ctx = await startTestServer();
  db = ctx.db;
  const m = db.models;
  units.a = await unitId(db);
  const zjut = (await m.Unit.findByPk(units.a))!;
  const other = (await m.Unit.findOne({ where: { departmentId: { [Op.ne]: zjut.departmentId } }, order: [["id", "ASC"]] }))!;
  units.b = other.id;
  units.bName = other.name;
  plans = await makePlans(db);
  const committee = (await m.Committee.findByPk(plans.refs.committee))!;
  const dept = (await m.Department.findByPk(zjut.departmentId!))!;
  staff = {
    unitA: await person("unit_reviewer", { units: [zjut.creditCode] }),
    unitB: await person("unit_reviewer", { units: [other.creditCode] }),
    dept: await person("dept_reviewer", { departments: [dept.name] }),
    office: await person("acceptance_office", { committees: [committee.name] }),
  };
  const submit = async (key: string, unit: number) => {
    const p = await makeApplicant(db, unit, { name: `申请人${key}`, categories: ["paper"] });
    ids[key] = (await submitInProcess(db, p.id, plans.review)).id;
  };
  for (const k of ["a1", "a2", "a3", "a4"]) await submit(k, units.a);
  for (const k of ["b1", "b2"]) await submit(k, units.b);
  // a1 passes every stage (the payment confirmed offline), a2 不通过 at 主管部门审核, a3 退回修改 at 单位审核, a4 waits there.
  await decide(staff.unitA, ids.a1, "approve");
  await passPublicity(db, staff.unitA, ids.a1);
  await decide(staff.dept, ids.a1, "approve");
  await decide(staff.office, ids.a1, "approve");
  await db.sequelize.transaction((t) => completePaymentStage(db, t, ids.a1, staff.office, "现场缴费", true));
  await passCommitteeVote(db, staff.office, ids.a1);
  await decide(staff.unitA, ids.a2, "approve");
  await passPublicity(db, staff.unitA, ids.a2);
  await decide(staff.dept, ids.a2, "reject", "不符合条件");
  await decide(staff.unitA, ids.a3, "return", "请补充材料");
  // Unit B: b1 passed on to its own 主管部门, b2 不通过 at 单位审核.
  await decide(staff.unitB, ids.b1, "approve");
  await passPublicity(db, staff.unitB, ids.b1);
  await decide(staff.unitB, ids.b2, "reject", "不符合条件");
  planName = (await m.Plan.findByPk(plans.review))!.name;
}, 300_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("统计分析", () => {
  it("keeps one stage visit per stay, left by the action that moved the application on", async () => {
    const visits = async (id: number) => (await db.models.StageVisit.findAll({ where: { applicationId: id }, order: [["id", "ASC"]], raw: true }))
      .map((v) => [v.stage, v.outcome, v.leftAt ? "left" : "open"]);
    expect(await visits(ids.a1)).toEqual([
      ["unit_review", "approve", "left"], ["unit_publicity", "approve", "left"], ["dept_review", "approve", "left"], ["acceptance", "approve", "left"],
      ["payment", "offline-pay", "left"], ["committee_review", "vote-pass", "left"],
    ]);
    expect(await visits(ids.a3)).toEqual([["unit_review", "return", "left"]]);
    expect(await visits(ids.a4)).toEqual([["unit_review", null, "open"]]);
  });

  it("counts and pass rates of a unit reviewer cover their unit only", async () => {
    const a = await dashboard(staff.unitA);
    expect(a.empty).toBe(false);
    expect(a.totals).toMatchObject({ total: 4, submitted: 1, returned: 1, approved: 1, rejected: 1, passRate: "50.0%" });
    expect(table(a, "plans").rows).toEqual([{ label: planName, total: 4, submitted: 1, returned: 1, approved: 1, rejected: 1, passRate: "50.0%" }]);
    expect(table(a, "series").rows).toEqual([expect.objectContaining({ label: "工程", total: 4, passRate: "50.0%" })]);
    expect(table(a, "levels").rows).toEqual([expect.objectContaining({ label: "副高级", total: 4 })]);
    expect(table(a, "units").rows).toEqual([expect.objectContaining({ label: "浙江工业大学", total: 4, approved: 1, rejected: 1 })]);
    // Stage and state labels from the workflow.
    expect(Object.fromEntries(table(a, "states").rows.map((r) => [r.label, r.count]))).toEqual({
      "评审通过": 1, "不通过（主管部门审核）": 1, "退回修改（单位审核退回）": 1, "单位审核中": 1,
    });
    const b = await dashboard(staff.unitB);
    expect(b.totals).toMatchObject({ total: 2, submitted: 1, rejected: 1, approved: 0, passRate: "0.0%" });
    expect(table(b, "units").rows.map((r) => r.label)).toEqual([units.bName]);
    // The committee's office sees every application of its committee's plan.
    expect((await dashboard(staff.office)).totals.total).toBe(6);
    // The department sees its units' applications (unit B is under another department).
    expect((await dashboard(staff.dept)).totals.total).toBe(4);
  });

  it("another scope's filter values give empty results, and the filters narrow within scope", async () => {
    expect((await dashboard(staff.unitA, `unit=${units.b}`))).toMatchObject({ empty: true, totals: { total: 0 } });
    expect((await dashboard(staff.unitB, `unit=${units.a}`))).toMatchObject({ empty: true, tables: [] });
    expect((await dashboard(staff.unitA, `plan=${plans.initial}`)).empty).toBe(true);
    expect((await dashboard(staff.unitA, "level=正高级")).empty).toBe(true);
    expect((await dashboard(staff.unitA, `plan=${plans.review}&level=副高级&unit=${units.a}`)).totals.total).toBe(4);
    // Values that are no id are ignored, never an error.
    expect((await dashboard(staff.unitA, "plan=abc&series=-1&unit=1e99&level=%3Cscript%3E")).empty).toBe(true);
    expect((await dashboard(staff.unitA, "plan=abc&series=-1&unit=1e99")).totals.total).toBe(4);
  });

  it("submissions per day over the plan's window", async () => {
    const rows = table(await dashboard(staff.unitA), "trend").rows;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(rows.find((r) => r.label === today)?.count).toBe(4);
    expect(rows.reduce((s, r) => s + Number(r.count), 0)).toBe(4);
  });

  it("median and P90 of the time per stage, from finished visits in scope", async () => {
    const set = async (id: number, stage: string, days: number) => {
      const v = (await db.models.StageVisit.findOne({ where: { applicationId: id, stage } }))!;
      await v.update({ leftAt: new Date(new Date(v.get("enteredAt")).getTime() + days * 86_400_000), minutes: days * 1440 });
    };
    await set(ids.a1, "unit_review", 1);
    await set(ids.a2, "unit_review", 2);
    await set(ids.a3, "unit_review", 10);
    await set(ids.a2, "dept_review", 3.5);
    await set(ids.b1, "unit_review", 100);
    await set(ids.b2, "unit_review", 100);
    const rows = table(await dashboard(staff.unitA), "durations").rows;
    // Nearest rank over 1, 2, 10 days: median the 2nd, P90 the 3rd; a4 (still waiting) not counted; unit B's 100 days never.
    expect(rows[0]).toEqual({ label: "单位审核", count: 3, median: "2.0", p90: "10.0" });
    expect(rows.find((r) => r.label === "主管部门审核")).toEqual({ label: "主管部门审核", count: 2, median: "0.0", p90: "3.5" });
    expect(table(await dashboard(staff.unitB), "durations").rows[0]).toEqual({ label: "单位审核", count: 2, median: "100.0", p90: "100.0" });
  });

  it("renders the page with an SVG chart beside each table, and an empty state out of scope", async () => {
    const res = await staff.unitA.c.get("/staff/stats");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("统计分析");
    expect(html).toMatch(/<figure[^>]*data-chart="plans"[^>]*><svg[^>]*>/);
    expect(html.match(/<svg[^>]*viewBox/g)?.length).toBeGreaterThanOrEqual(7);
    expect(html).toContain(planName);
    expect(html).toContain("单位审核");
    expect(html).not.toContain(units.bName);
    expect(html).toContain("导出Excel");
    const empty = await (await staff.unitA.c.get(`/staff/stats?unit=${units.b}`)).text();
    expect(empty).toContain("当前范围内暂无申报数据");
    expect(empty).not.toContain("data-chart=\"");
    expect((await staff.unitA.c.get("/staff/stats?plan=%27%3B--&level=x".repeat(3))).status).toBe(200);
  });

  it("exports every table as a sheet of one workbook, formula-like text escaped", async () => {
    await db.models.Plan.update({ name: `=HYPERLINK("x")${planName}` }, { where: { id: plans.review } });
    try {
      const res = await staff.unitA.c.get(`/staff/stats/export.xlsx?plan=${plans.review}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("spreadsheetml");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      expect(wb.worksheets.map((w) => w.name)).toEqual(["按申报计划", "按职称系列", "按级别", "按工作单位", "按环节、状态", "各环节用时", "每日提交趋势"]);
      const plansSheet = wb.getWorksheet("按申报计划")!;
      expect(plansSheet.getRow(1).values).toEqual([undefined, "申报计划", "申报数", "审核中", "退回修改", "评审通过", "不通过", "通过率"]);
      expect(plansSheet.getRow(2).values).toEqual([undefined, `'=HYPERLINK("x")${planName}`, 4, 1, 1, 1, 1, "50.0%"]);
      const unitsSheet = wb.getWorksheet("按工作单位")!;
      expect(unitsSheet.getRow(2).getCell(1).value).toBe("浙江工业大学");
      expect(JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()))).not.toContain(units.bName);
      // Out of scope: a workbook that says so, with no one's data.
      const none = new ExcelJS.Workbook();
      await none.xlsx.load(await (await staff.unitA.c.get(`/staff/stats/export.xlsx?unit=${units.b}`)).arrayBuffer());
      expect(none.worksheets.map((w) => w.getRow(1).getCell(1).value)).toEqual(["当前范围内暂无申报数据"]);
    } finally {
      await db.models.Plan.update({ name: planName }, { where: { id: plans.review } });
    }
  });

  it("refuses applicants and anonymous visitors", async () => {
    const p = await makeApplicant(db, units.a, { categories: [] });
    const c = new Client(ctx.server.url);
    expect((await c.login(p.username, PASSWORD)).status).toBe(302);
    expect((await c.get("/staff/stats")).status).toBe(403);
    expect((await c.get("/staff/stats/export.xlsx")).status).toBe(403);
    const anon = new Client(ctx.server.url);
    expect((await anon.get("/staff/stats")).status).toBe(302);
    expect((await anon.get("/staff/stats/export.xlsx")).status).toBe(302);
  });

  it("migration 0025 rebuilds the same visits from the audit log", async () => {
    const snapshot = async () => (await db.models.StageVisit.findAll({ raw: true, order: [["applicationId", "ASC"], ["enteredAt", "ASC"], ["id", "ASC"]] }))
      .map((v) => ({ applicationId: v.applicationId, workflowId: v.workflowId, chainVersion: v.chainVersion, stage: v.stage, outcome: v.outcome, open: v.leftAt === null }));
    const before = await snapshot();
    expect(before.length).toBeGreaterThanOrEqual(12);
    const qi = db.sequelize.getQueryInterface();
    await m0025.down({ context: qi });
    await m0025.up({ context: qi });
    expect(await snapshot()).toEqual(before);
  });
});
