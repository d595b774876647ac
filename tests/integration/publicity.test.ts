// 公示 (a publicity stage, issue 15) on SQLite and Postgres, through the engine and the built server:
// the period must be at least minWorkingDays working days on the holiday calendar (国庆 skipped),
// may start in the past but not more than 60 days back; the stage cannot be left before the end
// (one by one, in batch, or by recording the outcome early); 无异议 moves on, 有异议 returns or
// rejects; another unit's staff get 404; a stale page 409; the 公示版 PDF masks the ID number and
// mobile; the applicant sees the period and outcome; each notification is created once.
import { Op } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { uniqueName, unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, passPublicity, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { pdfPlain } from "../helpers/pdf-text";
import { redirectOf } from "../helpers/wizard";
import { plain, type Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { createUser } from "~/engine/people/users.server";
import { batchApprove, decideApplication } from "~/engine/workflow/review.server";
import { submitApplication } from "~/engine/workflow/applications.server";
import { enterPublicityPeriod, recordPublicityOutcome } from "~/engine/workflow/publicity.server";
import { dispatchNotifications } from "~/engine/notifications/dispatch.server";
import { maskIdNumber } from "~/engine/format-value";
import { addDays, shanghaiDay } from "~/engine/working-days";

const DETAIL = "routes/staff.applications.$id";
let ctx: TestServer;
let server: RunningServer;
let db: Db;
let unit: number;
let plans: Awaited<ReturnType<typeof makePlans>>;
let staff: Awaited<ReturnType<typeof makeReviewers>>;
let otherUnitStaff: { id: number; role: string; username: string };

const version = async (id: number) => plain(await db.models.Application.findByPk(id))!.version;
const row = async (id: number) => plain(await db.models.Application.findByPk(id))!;
const actions = async (id: number) => (await db.models.AuditLog.findAll({ where: { entityType: "application", entityId: String(id) }, order: [["id", "ASC"]], raw: true })).map((r) => r.action);

async function login(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

/** A submitted title-review application, 通过 at 单位审核: waiting at 单位公示. */
async function atPublicity(name = "公示甲") {
  const a = await makeApplicant(db, unit, { name, categories: ["paper"] });
  const { id } = await submitInProcess(db, a.id, plans.review);
  await decideApplication(db, staff.unit, id, "approve", "同意推荐", await version(id));
  expect(await row(id)).toMatchObject({ status: "submitted", stage: "unit_publicity" });
  return { id, applicant: a };
}

async function refusal(p: Promise<unknown>) {
  const e = await p.then(() => null, (x) => x);
  expect(e, "expected a refusal").toBeInstanceOf(UserError);
  return e as UserError;
}

// A day after 国庆 2026 (the engine takes "now", so the calendar cases do not depend on the run date).
const OCT_20 = new Date("2026-10-20T04:00:00Z");

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  const other = (await db.models.Unit.findOne({ where: { id: { [Op.ne]: unit } }, order: [["id", "ASC"]] }))!;
  const u = await createUser(db, { username: uniqueName("pu"), password: PASSWORD, role: "unit_reviewer", displayName: "他单位经办人", scopes: { units: [other.creditCode] } });
  otherUnitStaff = { id: u.id, role: u.role, username: u.username };
}, 240_000);
afterAll(async () => ctx?.stop());

describe("录入公示期", () => {
  it("refuses a period shorter than 5 working days, counting past 国庆 (holidays skipped, the 调休 Saturday counted)", async () => {
    const { id } = await atPublicity();
    // From Wednesday 09-30: 10-01…07 are off; 10-08, 09, 10 (Saturday, 调休), 12, 13 → the earliest end is 10-13.
    const e = await refusal(enterPublicityPeriod(db, staff.unit, id, { start: "2026-09-30", end: "2026-10-12", version: await version(id) }, OCT_20));
    expect(e.status).toBe(422);
    expect(e.message).toBe("公示期不少于 5 个工作日（节假日不计）：开始日期为 2026年9月30日 时，结束日期最早为 2026年10月13日");
    expect(await db.models.PublicityPeriod.count({ where: { applicationId: id } })).toBe(0);
    const r = await enterPublicityPeriod(db, staff.unit, id, { start: "2026-09-30", end: "2026-10-13", version: await version(id) }, OCT_20);
    expect(r).toMatchObject({ start: "2026-09-30", end: "2026-10-13" });
    expect(await actions(id)).toContain("publicity-start");
    const audit = (await db.models.AuditLog.findOne({ where: { entityId: String(id), action: "publicity-start" }, raw: true }))!;
    expect(audit.comment).toBe("公示期：2026年9月30日至2026年10月13日");
  });

  it("accepts a start in the past, but not more than 60 days back; bad dates are refused in Chinese", async () => {
    const { id } = await atPublicity();
    const e = await refusal(enterPublicityPeriod(db, staff.unit, id, { start: "2026-08-20", end: "2026-09-30", version: await version(id) }, OCT_20));
    expect(e.status).toBe(422);
    expect(e.message).toContain("公示开始日期不能早于 2026年8月21日");
    for (const [start, end, msg] of [["2026-02-30", "2026-03-09", "请填写公示开始日期"], ["2026-10-08", "", "请填写公示结束日期"], ["<b>", "x", "请填写公示开始日期"]]) {
      expect((await refusal(enterPublicityPeriod(db, staff.unit, id, { start, end, version: await version(id) }, OCT_20))).message).toContain(msg);
    }
    expect(await db.models.PublicityPeriod.count({ where: { applicationId: id } })).toBe(0);
    await enterPublicityPeriod(db, staff.unit, id, { start: "2026-08-21", end: "2026-08-28", version: await version(id) }, OCT_20);
  });

  it("a stale page gets 409; another unit's staff and the applicant get 404, over HTTP too", async () => {
    const { id, applicant } = await atPublicity();
    const stale = await version(id);
    const today = shanghaiDay();
    await enterPublicityPeriod(db, staff.unit, id, { start: today, end: addDays(today, 20), version: stale });
    const conflict = await refusal(enterPublicityPeriod(db, staff.unit, id, { start: today, end: addDays(today, 21), version: stale }));
    expect(conflict.status).toBe(409);
    expect(conflict.message).toContain("请刷新页面后重试");
    expect((await refusal(enterPublicityPeriod(db, otherUnitStaff, id, { start: today, end: addDays(today, 20), version: await version(id) }))).status).toBe(404);
    expect((await refusal(recordPublicityOutcome(db, otherUnitStaff, id, { outcome: "none", version: await version(id) }))).status).toBe(404);

    const other = await login(otherUnitStaff.username);
    expect((await other.get(`/staff/applications/${id}`)).status).toBe(404);
    expect((await other.get(`/staff/applications/${id}/publicity-form.pdf`)).status).toBe(404);
    expect((await other.action(`/staff/applications/${id}`, DETAIL, { intent: "publicity-period", start: today, end: addDays(today, 20), version: await version(id) })).status).toBe(404);
    const owner = await login(applicant.username);
    expect((await owner.get(`/staff/applications/${id}/publicity-form.pdf`)).status).toBe(404);
    // The stage's own staff over HTTP: a stale version → 409 with the Chinese message, nothing written.
    const mine = await login(staff.unit.username);
    const before = await version(id);
    const res = await mine.action(`/staff/applications/${id}`, DETAIL, { intent: "publicity-period", start: today, end: addDays(today, 30), version: before - 1 });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toContain("请刷新页面后重试");
    expect(await version(id)).toBe(before);
  });
});

describe("the stage cannot be left before the end", () => {
  it("refuses the outcome, 通过 and 批量通过 before the end date, naming it; the page's button says so", async () => {
    const { id } = await atPublicity();
    const none = await refusal(decideApplication(db, staff.unit, id, "approve", "", await version(id)));
    expect(none.status).toBe(409);
    expect(none.message).toBe("「单位公示」环节须先录入公示期，公示期结束后再录入公示结果");
    const today = shanghaiDay();
    const end = addDays(today, 14);
    await enterPublicityPeriod(db, staff.unit, id, { start: today, end, version: await version(id) });
    const endCn = `${end.slice(0, 4)}年${Number(end.slice(5, 7))}月${Number(end.slice(8))}日`;
    // One at a time: started together, a refusal could land before it is awaited (an unhandled rejection).
    for (const attempt of [
      async () => recordPublicityOutcome(db, staff.unit, id, { outcome: "none", version: await version(id) }),
      async () => decideApplication(db, staff.unit, id, "approve", "", await version(id)),
      async () => batchApprove(db, staff.unit, [{ id, version: await version(id) }]),
    ]) {
      const e = await refusal(attempt());
      expect(e.status).toBe(409);
      expect(e.message).toContain(`公示期至 ${endCn} 结束`);
    }
    // On the end date itself (Asia/Shanghai) it is still running; the day after it is over.
    const endNoon = new Date(`${end}T12:00:00+08:00`);
    expect((await refusal(recordPublicityOutcome(db, staff.unit, id, { outcome: "none", version: await version(id) }, endNoon))).status).toBe(409);
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "unit_publicity" });
    const html = await (await (await login(staff.unit.username)).get(`/staff/applications/${id}`)).text();
    expect(html).toContain(`公示期至 ${endCn} 结束`);
    expect(html).toContain(`录入公示结果（${endCn}后可录入）`);
    expect(html).toContain("导出公示版评审表");
    const after = new Date(`${addDays(end, 1)}T00:05:00+08:00`);
    await recordPublicityOutcome(db, staff.unit, id, { outcome: "none", version: await version(id) }, after);
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "dept_review" });
  });
});

describe("录入公示结果", () => {
  it("无异议 moves the application on to 主管部门审核; the applicant sees the period and the outcome", async () => {
    const { id, applicant } = await atPublicity("公示乙");
    await passPublicity(db, staff.unit, id);
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "dept_review" });
    expect((await actions(id)).slice(-3)).toEqual(["publicity-start", "publicity-end", "approve"]);
    expect(plain(await db.models.PublicityPeriod.findOne({ where: { applicationId: id } }))).toMatchObject({ stageId: "unit_publicity", outcome: "none", decision: "approve" });
    const c = await login(applicant.username);
    const today = shanghaiDay();
    const cn = (d: string) => `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
    const period = `${cn(addDays(today, -30))}至${cn(addDays(today, -1))}`;
    const record = await (await c.get(`/records/${id}`)).text();
    expect(record).toContain("公示期（单位公示）");
    expect(record).toContain(period);
    expect(record).toContain("无异议");
    // The timeline names both events in Chinese.
    expect(record).toContain("录入公示期");
    expect(record).toContain("录入公示结果");
    const list = await (await c.get("/records")).text();
    expect(list).toContain(`单位公示：${period}，无异议`);
    // The application went on: 主管部门 decides as before.
    await decideApplication(db, staff.dept, id, "approve", "同意", await version(id));
    expect((await row(id)).stage).toBe("acceptance");
  });

  it("有异议 needs a 处理意见 and a decision; 退回修改 returns it, and after resubmission a new period is needed", async () => {
    const { id, applicant } = await atPublicity();
    const today = shanghaiDay();
    await enterPublicityPeriod(db, staff.unit, id, { start: addDays(today, -20), end: addDays(today, -1), version: await version(id) });
    expect((await refusal(recordPublicityOutcome(db, staff.unit, id, { outcome: "objection", opinion: "  ", decision: "return", version: await version(id) }))).message).toBe("有异议时请填写处理意见");
    expect((await refusal(recordPublicityOutcome(db, staff.unit, id, { outcome: "objection", opinion: "x", decision: "maybe", version: await version(id) }))).message).toContain("请选择处理决定");
    expect((await refusal(recordPublicityOutcome(db, staff.unit, id, { outcome: "perhaps", version: await version(id) }))).message).toContain("请选择公示结果");
    // Over HTTP as the page posts it.
    const mine = await login(staff.unit.username);
    const res = await mine.action(`/staff/applications/${id}`, DETAIL, { intent: "publicity-outcome", outcome: "objection", opinion: "有群众反映论文署名存疑，请核实", decision: "return", unlock: ["achievements"], version: await version(id) });
    expect(redirectOf(res)).toBe("/staff/applications?notice=publicity-ended");
    expect(await row(id)).toMatchObject({ status: "returned", stage: "unit_publicity", returnReason: "有群众反映论文署名存疑，请核实", returnedSteps: ["achievements"] });
    const end = (await db.models.AuditLog.findOne({ where: { entityId: String(id), action: "publicity-end" }, raw: true }))!;
    expect(end.comment).toBe("公示结果：有异议（处理意见：有群众反映论文署名存疑，请核实；处理决定：退回修改）");
    await submitApplication(db, applicant.id, id, await version(id));
    expect(await row(id)).toMatchObject({ status: "submitted", stage: "unit_publicity" });
    expect((await refusal(recordPublicityOutcome(db, staff.unit, id, { outcome: "none", version: await version(id) }))).message).toBe("「单位公示」环节须先录入公示期，公示期结束后再录入公示结果");
    await passPublicity(db, staff.unit, id);
    expect((await row(id)).stage).toBe("dept_review");
  });

  it("有异议 + 不通过 rejects at 单位公示", async () => {
    const { id } = await atPublicity();
    const today = shanghaiDay();
    await enterPublicityPeriod(db, staff.unit, id, { start: addDays(today, -20), end: addDays(today, -1), version: await version(id) });
    await recordPublicityOutcome(db, staff.unit, id, { outcome: "objection", opinion: "经核实，业绩材料不实", decision: "reject", version: await version(id) });
    expect(await row(id)).toMatchObject({ status: "rejected", stage: "unit_publicity" });
    expect((await refusal(recordPublicityOutcome(db, staff.unit, id, { outcome: "none", version: await version(id) }))).status).toBe(409);
  });
});

describe("公示版评审表", () => {
  it("masks the ID number and mobile, shows no photo, and only the stage's staff in scope may export it", async () => {
    const { id } = await atPublicity("公示丙");
    const app = await row(id);
    const c = await login(staff.unit.username);
    const res = await c.get(`/staff/applications/${id}/publicity-form.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toContain(encodeURIComponent("评审表（公示版）.pdf"));
    const text = pdfPlain(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain("专业技术职务任职资格评审表（公示版）");
    expect(text).toContain("公示丙");
    expect(text).toContain(maskIdNumber(app.applicantIdNumber));
    expect(text).not.toContain(app.applicantIdNumber!);
    expect(text).toContain("139****0001");
    expect(text).not.toContain("13905710001");
    // 主管部门 does not run the publicity stage: for them there is no 公示版.
    expect((await (await login(staff.dept.username)).get(`/staff/applications/${id}/publicity-form.pdf`)).status).toBe(404);
  }, 90_000);
});

describe("notifications", () => {
  it("公示开始 and 公示结束 each make one 站内信, also when the dispatch is retried", async () => {
    const { id, applicant } = await atPublicity();
    await passPublicity(db, staff.unit, id);
    const settle = async () => {
      for (let i = 0; i < 200 && (await db.models.AuditLog.count({ where: { notifyPending: true } })); i++) await dispatchNotifications(db);
    };
    await settle();
    const start = (await db.models.AuditLog.findOne({ where: { entityId: String(id), action: "publicity-start" } }))!;
    await start.update({ notifyPending: true });
    await settle();
    const msgs = await db.models.Notification.findAll({ where: { userId: applicant.id }, raw: true });
    const of = (def: string) => msgs.filter((m) => m.eventKey.endsWith(`:${def}`));
    expect(of("application-publicity-started").map((m) => m.channel)).toEqual(["inbox"]);
    expect(of("application-publicity-ended").map((m) => m.channel)).toEqual(["inbox"]);
    expect(of("application-publicity-started")[0]).toMatchObject({ title: "公示开始" });
    expect(of("application-publicity-started")[0].body).toContain("公示期：");
    expect(of("application-publicity-ended")[0].body).toContain("公示结果：无异议");
  });
});
