// Notifications declared in workflows/notifications.json (issue 15), on SQLite and Postgres: the
// engine's real state changes (an entry 退回, an application 退回修改, 通过 to the next stage, 待缴费)
// become one 站内信 and one SMS per person — also when the dispatch is retried, and while the
// server's own loop dispatches at the same time; SMS are retried with backoff and fail with the
// reason; no message carries more than a masked 身份证号; the 站内信 page shows only one's own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { Op } from "sequelize";
import { makeApplicant, makePlans, makeReviewers, passPublicity, PASSWORD, settleNotifications } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { uniqueName, unitId } from "../helpers/fixtures";
import { createUser } from "~/engine/people/users.server";
import { createEntry, decide, getCategory } from "~/engine/archive.server";
import { decideApplication } from "~/engine/workflow/review.server";
import { loadReviewerScope } from "~/engine/people/scope.server";
import { SANDBOX_UNREACHABLE, sendDueSms } from "~/engine/notifications/sms.server";
import type { Db } from "~/utils/db.server";

let t: TestServer;
let db: Db;
let unit: number;
let plans: Awaited<ReturnType<typeof makePlans>>;
let staff: Awaited<ReturnType<typeof makeReviewers>>;

beforeAll(async () => {
  t = await startTestServer({ NOTIFY_INTERVAL_SECONDS: "1" });
  db = t.db;
  unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
}, 180_000);
afterAll(async () => t?.stop());

const settle = () => settleNotifications(db);

const messagesOf = (userId: number) => db.models.Notification.findAll({ where: { userId }, order: [["id", "ASC"]], raw: true });

async function pendingEntry(userId: number) {
  const cat = (await getCategory(db, "paper"))!;
  const sample = (await import("../fixtures/achievements/paper.json")).default.valid[0];
  return createEntry(db, userId, cat, sample);
}

async function version(id: number) {
  return (await db.models.Application.findByPk(id))!.version;
}

describe("notifications from the engine's changes", () => {
  it("an entry 退回: one 站内信 and one SMS to its owner, not two when the dispatch is retried", async () => {
    const a = await makeApplicant(db, unit, { categories: [] });
    const entry = await pendingEntry(a.id);
    const scope = await loadReviewerScope(db, staff.unit);
    await decide(db, staff.unit, scope, entry.id, "return", "请补充\"期刊封面\" & <目录>", entry.version);
    await settle();
    const audit = (await db.models.AuditLog.findOne({ where: { entityType: "achievement-entry", entityId: String(entry.id), action: "return" } }))!;
    expect(audit.notifyPending).toBe(false);
    // Retried: the row waits again (as after a crash before the commit), and is dispatched again.
    await audit.update({ notifyPending: true });
    await settle();
    const msgs = (await messagesOf(a.id)).filter((m) => m.eventKey === `audit:${audit.id}:entry-returned`);
    expect(msgs.map((m) => m.channel).sort()).toEqual(["inbox", "sms"]);
    const inbox = msgs.find((m) => m.channel === "inbox")!;
    expect(inbox).toMatchObject({ title: "业绩被退回", status: "delivered", link: "/archive" });
    expect(inbox.body).toContain("请补充\"期刊封面\" & <目录>");
    expect(inbox.body).toContain(entry.title);
    expect(inbox.body).toContain("论文");
    const sms = msgs.find((m) => m.channel === "sms")!;
    expect(sms).toMatchObject({ recipient: "13905710001" });
    // The sandbox provider "sends" it: the row is the record.
    await sendDueSms(db, new Date(Date.now() + 1000));
    expect((await db.models.Notification.findByPk(sms.id))!.status).toBe("sent");
  });

  it("an application 退回修改, 通过 to the next stage and 待缴费: one message each, a masked 身份证号 at most", async () => {
    const a = await makeApplicant(db, unit, { categories: ["paper"] });
    const { id } = await submitInProcess(db, a.id, plans.review);
    const app = (await db.models.Application.findByPk(id))!;
    await decideApplication(db, staff.unit, id, "return", "请补充单位推荐意见", await version(id));
    await settle();
    let msgs = await messagesOf(a.id);
    const returned = msgs.filter((m) => m.eventKey.endsWith(":application-returned"));
    expect(returned.map((m) => m.channel).sort(), JSON.stringify(msgs)).toEqual(["inbox", "sms"]);
    expect(returned[0].body).toContain(app.number!);
    expect(returned[0].body).toContain("请补充单位推荐意见");

    // A second application goes through 单位审核 → 单位公示 → 主管部门审核 → 受理 to 缴费.
    const b = await makeApplicant(db, unit, { categories: ["paper"] });
    const second = await submitInProcess(db, b.id, plans.review);
    for (const who of [staff.unit, staff.dept, staff.office]) {
      await decideApplication(db, who, second.id, "approve", "同意", await version(second.id));
      if (who === staff.unit) await passPublicity(db, who, second.id);
    }
    await settle();
    msgs = await messagesOf(b.id);
    const kinds = msgs.map((m) => `${m.eventKey.split(":")[2]}/${m.channel}`).sort();
    expect(kinds, JSON.stringify(await db.models.AuditLog.findAll({ where: { entityType: "application", entityId: String(second.id) }, raw: true }))).toEqual(["application-payment-due/inbox", "application-payment-due/sms", "application-publicity-ended/inbox", "application-publicity-started/inbox", "application-stage-passed/inbox", "application-stage-passed/inbox"]);
    const full = (await db.models.Application.findByPk(second.id))!.applicantIdNumber!;
    for (const m of msgs) expect(m.body).not.toContain(full);
  });

  it("an application reaching a review stage tells the staff who act there, in their scope only, once", async () => {
    const elsewhere = (await db.models.Unit.findOne({ where: { id: { [Op.ne]: unit } }, order: [["id", "ASC"]] }))!;
    const otherUnit = await createUser(db, { username: uniqueName("st"), password: PASSWORD, role: "unit_reviewer", displayName: "别的单位经办人", scopes: { units: [elsewhere.creditCode] } });
    const a = await makeApplicant(db, unit, { categories: ["paper"] });
    const { id } = await submitInProcess(db, a.id, plans.review);
    const waiting = async (userId: number) => (await messagesOf(userId)).filter((m) => m.eventKey.endsWith(":application-waiting-staff") && m.link === `/staff/applications/${id}`);
    await settle();
    await settle(); // a second round (a retry) adds nothing
    const mine = await waiting(staff.unit.id);
    expect(mine.map((m) => [m.channel, m.title])).toEqual([["inbox", "待审核申报"]]);
    expect(mine[0].body).toContain((await db.models.Application.findByPk(id))!.number!);
    expect(mine[0].body).toContain("「单位审核」");
    expect(await waiting(otherUnit.id)).toEqual([]);
    expect(await waiting(staff.dept.id)).toEqual([]);
    // 通过 at 单位审核: the unit runs 单位公示 next; after it the 主管部门 is told; never the applicant.
    await decideApplication(db, staff.unit, id, "approve", "同意", await version(id));
    await settle();
    expect((await waiting(staff.unit.id)).map((m) => m.body)).toEqual([expect.stringContaining("「单位审核」"), expect.stringContaining("「单位公示」")]);
    expect(await waiting(staff.dept.id)).toEqual([]);
    await passPublicity(db, staff.unit, id);
    await settle();
    expect((await waiting(staff.dept.id)).map((m) => m.body)).toEqual([expect.stringContaining("「主管部门审核」")]);
    expect(await waiting(a.id)).toEqual([]);
  });

  it("an SMS the gateway refuses is retried with backoff, then marked failed with the reason", async () => {
    const a = await makeApplicant(db, unit, { categories: [] });
    const profile = (await db.models.Profile.findOne({ where: { userId: a.id } }))!;
    await profile.update({ data: { ...profile.data, mobile: SANDBOX_UNREACHABLE } });
    const entry = await pendingEntry(a.id);
    await decide(db, staff.unit, await loadReviewerScope(db, staff.unit), entry.id, "return", "退回", entry.version);
    await settle();
    const sms = (await messagesOf(a.id)).find((m) => m.channel === "sms")!;
    let now = Date.now() + 1000;
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await sendDueSms(db, new Date(now))).toBeGreaterThanOrEqual(1);
      const row = (await db.models.Notification.findByPk(sms.id))!;
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toContain("无法接收短信");
      expect(row.status).toBe(attempt < 5 ? "pending" : "failed");
      // Not due again before its backoff.
      if (attempt < 5) {
        expect(row.nextAttemptAt!.getTime()).toBeGreaterThan(now + 29_000);
        now = row.nextAttemptAt!.getTime() + 1;
      }
    }
  });

  it("the server's own loop dispatches too: the header counts unread 站内信; one's own only; marked read", async () => {
    const a = await makeApplicant(db, unit, { categories: [] });
    const entry = await pendingEntry(a.id);
    await decide(db, staff.unit, await loadReviewerScope(db, staff.unit), entry.id, "approve", null, entry.version);
    // No dispatch here: the server's loop (every second) writes it.
    for (let i = 0; i < 100 && !(await db.models.Notification.count({ where: { userId: a.id } })); i++) await new Promise((r) => setTimeout(r, 100));
    const c = new Client(t.server.url);
    expect((await c.login(a.username, PASSWORD)).status).toBe(302);
    const home = await (await c.get("/home")).text();
    expect(home).toContain("站内信，1 条未读");
    const page = await (await c.get("/messages")).text();
    expect(page).toContain("业绩审核通过");
    const mine = (await messagesOf(a.id))[0];
    // Someone else's message: not found, unchanged.
    const other = await makeApplicant(db, unit, { categories: [] });
    const o = new Client(t.server.url);
    expect((await o.login(other.username, PASSWORD)).status).toBe(302);
    expect((await o.post("/messages", { id: String(mine.id) })).status).toBe(404);
    expect(await o.get("/messages").then((r) => r.text())).not.toContain("业绩审核通过");
    expect((await db.models.Notification.findByPk(mine.id))!.readAt).toBeNull();
    expect((await c.post("/messages", { id: String(mine.id) })).status).toBe(200);
    expect(await c.get("/home").then((r) => r.text())).not.toContain("条未读");
  });
});
