// Committee vote (issue 15; decision 019) through the built server over HTTP, on SQLite and
// Postgres: the office of a committee records a 评审会议 of the applications waiting at the vote
// stage (评委会评审) and enters counts; the declared rule (赞成 ≥ 2/3 of 实到) decides at its
// boundary (6 of 9 passes, 5 fails) through the ordinary transition and audit; counts summing
// past 实到 and a stale version are refused and change nothing; the plain 通过 button is refused
// at a vote stage; the 表决票 sheet with one bad row applies nothing and names the line, a good
// one decides all; another committee's office gets 404; the published 评审结果公示 lists name,
// unit, series and level with no ID number, and leaves the public page after its period.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { beijingToday } from "~/engine/workflow/meetings.server";
import { uniqueName, unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, passCommitteeVote, PASSWORD, settleNotifications, toVoteStage } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { redirectOf } from "../helpers/wizard";

const ROUTE = "routes/staff.meetings.$id";
let ctx: TestServer;
let server: RunningServer;
let db: Db;
let staff: Awaited<ReturnType<typeof makeReviewers>>;
let office: Client;
let otherOffice: Client;
/** Six applications at 评委会评审, with their applicants' names and ID numbers. */
let apps: { id: number; number: string; name: string; idNumber: string }[];
let meetingId: number;
let plans: Awaited<ReturnType<typeof makePlans>>;
let unit: number;

const row = async (id: number) => plain(await db.models.Application.findByPk(id))!;

async function login(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

async function sheet(rows: (string | number)[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("表决票");
  ws.addRow(["申报编号", "姓名", "工作单位", "赞成", "反对", "弃权"]);
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const votes = (items: object[], version?: number) => office.action(`/staff/meetings/${meetingId}`, ROUTE, { items, ...(version === undefined ? {} : { version }) });
const line = async (i: number, approve: unknown, oppose: unknown, abstain: unknown, version?: number) =>
  ({ applicationId: apps[i].id, version: version ?? (await row(apps[i].id)).version, approve, oppose, abstain });

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  const other = (await db.models.Committee.findAll({ order: [["id", "ASC"]], limit: 2 }))[1];
  const otherUser = await createUser(db, { username: uniqueName("oo"), password: PASSWORD, role: "acceptance_office", displayName: "另一评委会办事机构", scopes: { committees: [other.name] } });
  apps = [];
  for (let i = 0; i < 6; i++) {
    const a = await makeApplicant(db, unit, { name: `表决${"甲乙丙丁戊己"[i]}`, categories: ["paper"] });
    const { id } = await submitInProcess(db, a.id, plans.review);
    await toVoteStage(db, staff, id);
    const r = await row(id);
    apps.push({ id, number: r.number!, name: r.applicantName!, idNumber: r.applicantIdNumber! });
  }
  office = await login(staff.office.username);
  otherOffice = await login(otherUser.username);
}, 300_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("评审会议", () => {
  it("waits at 评委会评审, where the plain 通过 button is refused", async () => {
    expect(await row(apps[0].id)).toMatchObject({ status: "submitted", stage: "committee_review" });
    const r = await office.action(`/staff/applications/${apps[0].id}`, "routes/staff.applications.$id", { action: "approve", version: (await row(apps[0].id)).version });
    expect(r.status).toBe(409);
    expect((await r.json()).error).toBe("「评委会评审」环节由评审会议表决决定，请在【评审会议】中录入表决票数");
    // Batch 通过 from the queue neither.
    const batch = await office.action("/staff/applications", "routes/staff.applications._index", { items: [{ id: apps[0].id, version: (await row(apps[0].id)).version }] });
    expect(batch.status).toBe(409);
    expect((await batch.json()).error).toContain("由评审会议表决决定");
    expect(await row(apps[0].id)).toMatchObject({ status: "submitted", stage: "committee_review" });
    // The page offers the way to the meeting instead of the buttons.
    const page = await (await office.get(`/staff/applications/${apps[0].id}`)).text();
    expect(page).toContain("由评审会议表决决定");
    expect(page).not.toContain('aria-label="审核意见"');
  });

  it("is recorded by the office with every application waiting in its committee; bad input is refused in Chinese", async () => {
    const bad = await office.post("/staff/meetings", { committeeId: "", meetingDate: "2026-11-20", membersTotal: "15", membersPresent: "9" });
    expect(bad.status).toBe(422);
    const more = await office.post("/staff/meetings", { committeeId: String((await row(apps[0].id)).committeeId), meetingDate: "2026-11-20", membersTotal: "8", membersPresent: "9" });
    expect(more.status).toBe(422);
    expect(await more.text()).toContain("实到人数不能超过委员总数 8");
    const res = await office.post("/staff/meetings", { committeeId: String((await row(apps[0].id)).committeeId), meetingDate: "2026-11-20", membersTotal: "15", membersPresent: "9", title: "2026年第一次评审会议" });
    expect(res.status).toBe(302);
    meetingId = Number(res.headers.get("location")!.match(/\/staff\/meetings\/(\d+)/)![1]);
    const listed = await db.models.CommitteeVote.findAll({ where: { meetingId }, raw: true });
    expect(listed.map((v) => v.applicationId).sort()).toEqual(apps.map((a) => a.id).sort());
    const page = await (await office.get(`/staff/meetings/${meetingId}`)).text();
    for (const a of apps) expect(page).toContain(a.name);
    // Nothing else waits: a second meeting would have an empty list.
    const again = await office.post("/staff/meetings", { committeeId: String((await row(apps[0].id)).committeeId), meetingDate: "2026-11-21", membersTotal: "15", membersPresent: "9" });
    expect(again.status).toBe(422);
  });

  it("is the office's: anonymous → login, a unit reviewer is refused (403)", async () => {
    expect((await new Client(server.url).get(`/staff/meetings/${meetingId}`)).headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/staff/meetings/${meetingId}`)}`);
    const unitC = await login(staff.unit.username);
    expect((await unitC.get("/staff/meetings")).status).toBe(403);
    expect((await unitC.get(`/staff/meetings/${meetingId}/template.xlsx`)).status).toBe(403);
  });

  it("is not there for another committee's office (404), its sheet and import neither", async () => {
    expect((await otherOffice.get(`/staff/meetings/${meetingId}`)).status).toBe(404);
    expect((await otherOffice.get(`/staff/meetings/${meetingId}/template.xlsx`)).status).toBe(404);
    expect((await otherOffice.upload(`/staff/meetings/${meetingId}/import`, await sheet([[apps[0].number, "", "", 9, 0, 0]]), "表决票.xlsx")).status).toBe(404);
    const r = await otherOffice.action(`/staff/meetings/${meetingId}`, ROUTE, { items: [await line(0, 9, 0, 0)] });
    expect(r.status).toBe(404);
    expect(await row(apps[0].id)).toMatchObject({ status: "submitted", stage: "committee_review" });
  });

  it("refuses counts summing past 实到, and negative or non-numeric counts; nothing changes", async () => {
    const before = await Promise.all(apps.map((a) => row(a.id)));
    for (const items of [[await line(0, 6, 2, 1), await line(1, 7, 2, 1)], [await line(0, -1, 0, 0)], [await line(0, "六", 0, 0)]]) {
      const r = await votes(items);
      expect(r.status).toBe(422);
      expect((await r.json()).error).toMatch(/超过实到委员 9 人|须为不小于 0 的整数/);
    }
    expect(await Promise.all(apps.map((a) => row(a.id)))).toEqual(before);
    expect(await db.models.CommitteeVote.count({ where: { meetingId, result: { [(await import("sequelize")).Op.ne]: null } } })).toBe(0);
  });

  it("refuses a stale version with 409 and changes nothing", async () => {
    const v = (await row(apps[0].id)).version;
    const r = await votes([await line(0, 9, 0, 0, v - 1)]);
    expect(r.status).toBe(409);
    expect(await row(apps[0].id)).toMatchObject({ status: "submitted", version: v });
    const m = plain(await db.models.CommitteeMeeting.findByPk(meetingId))!;
    expect((await votes([await line(0, 9, 0, 0)], m.version + 1)).status).toBe(409);
  });

  it("decides at the boundary: 6 of 9 赞成 (exactly 2/3) passes, 5 fails — audited with the counts and the rule", async () => {
    const m = plain(await db.models.CommitteeMeeting.findByPk(meetingId))!;
    const r = await votes([await line(0, 6, 2, 1), await line(1, 5, 3, 1), { applicationId: apps[2].id, version: 0, approve: "", oppose: "", abstain: "" }], m.version);
    expect(redirectOf(r)).toBe(`/staff/meetings/${meetingId}?notice=voted&count=2`);
    expect(await row(apps[0].id)).toMatchObject({ status: "approved", stage: null });
    expect(await row(apps[1].id)).toMatchObject({ status: "rejected", stage: "committee_review" });
    expect(await row(apps[2].id)).toMatchObject({ status: "submitted", stage: "committee_review" });
    const logs = await db.models.AuditLog.findAll({ where: { entityType: "application", entityId: [String(apps[0].id), String(apps[1].id)], fromState: "committee_review" }, order: [["id", "ASC"]], raw: true });
    expect(logs.map((l) => [l.entityId, l.action, l.toState, l.actorId])).toEqual([[String(apps[0].id), "vote-pass", "approved", staff.office.id], [String(apps[1].id), "vote-fail", "rejected", staff.office.id]]);
    expect(logs[0].comment).toContain("赞成 6 票，反对 2 票，弃权 1 票（实到 9 人");
    expect(logs[0].comment).toContain("通过规则：赞成票不少于实到委员的2/3；结果：通过");
    expect(logs[1].comment).toContain("结果：不通过");
    // Counted once: a second entry for the same application is refused.
    expect((await votes([await line(0, 9, 0, 0)])).status).toBe(422);
  });

  it("the 表决票 sheet: the template lists those still to count; one bad row applies nothing and names its line; a good sheet decides all", async () => {
    const tpl = await office.get(`/staff/meetings/${meetingId}/template.xlsx`);
    expect(tpl.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await tpl.arrayBuffer());
    const cells: string[][] = [];
    wb.worksheets[0].eachRow((r) => cells.push((r.values as unknown[]).slice(1).map((v) => String(v ?? ""))));
    expect(cells[0]).toEqual(["申报编号", "姓名", "工作单位", "赞成", "反对", "弃权"]);
    expect(cells.slice(1).map((c) => c[0]).sort()).toEqual(apps.slice(2).map((a) => a.number).sort());

    const rest = apps.slice(2);
    const bad = await office.upload(`/staff/meetings/${meetingId}/import`, await sheet([
      [rest[0].number, rest[0].name, "", 9, 0, 0],
      [rest[1].number, rest[1].name, "", 7, 2, 1],
      [rest[2].number, rest[2].name, "", "九", 0, 0],
      ["PS0000000000", "无此人", "", 9, 0, 0],
      [rest[0].number, rest[0].name, "", 9, 0, 0],
      [apps[0].number, apps[0].name, "", 9, 0, 0],
    ]), "表决票.xlsx");
    expect(bad.status).toBe(422);
    const error = (await bad.json()).error as string;
    expect(error).toContain("未导入任何结果");
    expect(error).toContain("第 3 行：赞成、反对、弃权票数之和 10 超过实到委员 9 人");
    expect(error).toContain("第 4 行：赞成票数须为不小于 0 的整数");
    expect(error).toContain("第 5 行：申报编号 PS0000000000 不存在");
    expect(error).toContain(`第 6 行：申报编号 ${rest[0].number} 与第 2 行重复`);
    expect(error).not.toContain("第 2 行：");
    for (const a of rest) expect(await row(a.id)).toMatchObject({ status: "submitted", stage: "committee_review" });

    // Not a spreadsheet at all: a Chinese message, nothing applied.
    const junk = await office.upload(`/staff/meetings/${meetingId}/import`, new TextEncoder().encode("申报编号,赞成\n"), "表决票.xlsx");
    expect(junk.status).toBe(422);
    expect((await junk.json()).error).toContain(".xlsx");

    const good = await office.upload(`/staff/meetings/${meetingId}/import`, await sheet(rest.map((a, i) => [a.number, a.name, "", i < 3 ? 6 : 2, i < 3 ? 3 : 7, 0])), "表决票.xlsx");
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, decided: 4, passed: 3 });
    for (const [i, a] of rest.entries()) expect(await row(a.id)).toMatchObject(i < 3 ? { status: "approved" } : { status: "rejected", stage: "committee_review" });
  });
});

describe("评审结果公示", () => {
  it("is published by the office for a period (bad dates refused), audited", async () => {
    const m = plain(await db.models.CommitteeMeeting.findByPk(meetingId))!;
    const today = beijingToday();
    const later = new Date(Date.now() + 8 * 3600_000 + 5 * 86_400_000).toISOString().slice(0, 10);
    const backwards = await office.post(`/staff/meetings/${meetingId}`, { intent: "publish", version: String(m.version), from: later, to: today });
    expect(backwards.status).toBe(422);
    expect(await backwards.text()).toContain("公示结束日期不能早于开始日期");
    expect((await otherOffice.post(`/staff/meetings/${meetingId}`, { intent: "publish", version: String(m.version), from: today, to: later })).status).toBe(404);
    const ok = await office.post(`/staff/meetings/${meetingId}`, { intent: "publish", version: String(m.version), from: today, to: later });
    expect(ok.status).toBe(302);
    expect(await db.models.AuditLog.count({ where: { entityType: "committee-meeting", entityId: String(meetingId), action: "result-publish", actorId: staff.office.id } })).toBe(1);
  });

  it("lists name, unit, series and level on a public page without login — never an ID number or a mobile", async () => {
    const anon = new Client(server.url);
    const index = await (await anon.get("/public/results")).text();
    expect(index).toContain(`/public/results/${meetingId}`);
    expect(await (await anon.get("/login")).text()).toContain("/public/results");
    const res = await anon.get(`/public/results/${meetingId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const passed = [apps[0], ...apps.slice(2, 5)];
    for (const a of passed) expect(html).toContain(a.name);
    for (const a of [apps[1], apps[5]]) expect(html).not.toContain(a.name);
    for (const a of apps) {
      expect(html).not.toContain(a.idNumber);
      expect(html).not.toContain(a.idNumber.slice(0, 14));
    }
    expect(html).not.toContain("13905710001");
    expect(html).toContain("浙江工业大学");
    expect(html).toContain("工程");
    expect(html).toContain("副高级");
  });

  it("leaves the public page after its period: 公示已结束 without names, and off the list", async () => {
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    await db.models.CommitteeMeeting.update({ publishFrom: "2026-01-01", publishTo: yesterday }, { where: { id: meetingId } });
    const anon = new Client(server.url);
    const res = await anon.get(`/public/results/${meetingId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("公示已结束");
    for (const a of apps) expect(html).not.toContain(a.name);
    expect(await (await anon.get("/public/results")).text()).not.toContain(`/public/results/${meetingId}`);
    expect((await anon.get("/public/results/999999")).status).toBe(404);
  });
});

describe("a later application", () => {
  it("goes on the next meeting; its passing vote tells the applicant 评审通过 once (站内信 and SMS)", async () => {
    const a = await makeApplicant(db, unit, { name: "表决庚", categories: ["paper"] });
    const { id } = await submitInProcess(db, a.id, plans.review);
    await toVoteStage(db, staff, id);
    await settleNotifications(db);
    const before = await db.models.Notification.count({ where: { userId: a.id } });
    const meeting = await passCommitteeVote(db, staff.office, id);
    expect(meeting.id).not.toBe(meetingId);
    expect(await row(id)).toMatchObject({ status: "approved", stage: null });
    await settleNotifications(db);
    const mine = await db.models.Notification.findAll({ where: { userId: a.id }, order: [["id", "ASC"]], raw: true });
    expect(mine.slice(before).map((n) => [n.channel, n.title])).toEqual([["inbox", "评审通过"], ["sms", "评审通过"]]);
  });
});
