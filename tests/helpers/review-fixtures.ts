// People and plans for the review-form tests: an applicant with approved entries in every
// category whose sample is valid as is, reviewers scoped to each stage of the chains, and one
// open plan per application type.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../app/utils/db.server";
import { createUser } from "../../app/engine/people/users.server";
import { saveProfile } from "../../app/engine/people/profile.server";
import { createPlan } from "../../app/engine/plans.server";
import { createEntry, getCategory } from "../../app/engine/archive.server";
import { completePaymentStage, decideApplication } from "../../app/engine/workflow/review.server";
import { createMeeting, recordVotes } from "../../app/engine/workflow/meetings.server";
import { workflowOfApp } from "../../app/engine/workflow/registry.server";
import { dispatchNotifications } from "../../app/engine/notifications/dispatch.server";
import { stageOf } from "../../app/engine/workflow/review-machine";
import { uniqueName, validProfile } from "./fixtures";
import { enterPublicityPeriod, recordPublicityOutcome } from "../../app/engine/workflow/publicity.server";
import { addDays, shanghaiDay } from "../../app/engine/working-days";

export const PASSWORD = "Tulip-Harbor-2931";
const DAY = 86_400_000;
const SAMPLES = path.resolve(__dirname, "../fixtures/achievements");

/** An applicant of `unit` with approved entries (samples, first one's title optionally replaced). */
export async function makeApplicant(db: Db, unit: number, opts: { name?: string; paperTitle?: string; categories?: string[] } = {}) {
  const username = uniqueName("rf");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  const name = opts.name ?? "王小明";
  await saveProfile(db, user.id, validProfile(unit, { name, currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12", graduateSchool: "浙江大学", graduateMajor: "土木工程" }), null);
  const titles: string[] = [];
  const slugs = opts.categories ?? fs.readdirSync(SAMPLES).map((f) => f.replace(/\.json$/, ""));
  for (const slug of slugs) {
    const cat = await getCategory(db, slug);
    if (!cat) continue;
    const sample = JSON.parse(fs.readFileSync(path.join(SAMPLES, `${slug}.json`), "utf8")).valid[0];
    const titleField = cat.form.meta.titleField as string;
    const data = slug === "paper" && opts.paperTitle ? { ...sample, [titleField]: opts.paperTitle } : sample;
    try {
      const e = await createEntry(db, user.id, cat, data);
      await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
      titles.push(e.title);
    } catch {
      // A sample that needs an uploaded evidence file is left out.
    }
  }
  return { id: user.id, username, name, titles };
}

/** Staff scoped for every stage of the title-review chain and the 受理部门 of the other two. */
export async function makeReviewers(db: Db, refs: { unitId: number; committee: number; depts: number[] }) {
  const unit = (await db.models.Unit.findByPk(refs.unitId, { include: ["department"] }))!;
  const committee = (await db.models.Committee.findByPk(refs.committee))!;
  const accs = await db.models.AcceptanceDepartment.findAll({ where: { id: refs.depts } });
  const mk = (role: string, displayName: string, scopes: Record<string, string[]>) =>
    createUser(db, { username: uniqueName("st"), password: PASSWORD, role, displayName, scopes }).then((u) => ({ id: u.id, role: u.role, username: u.username }));
  return {
    unit: await mk("unit_reviewer", "单位经办人甲", { units: [unit.creditCode] }),
    dept: await mk("dept_reviewer", "主管部门乙", { departments: [(unit as any).department.name] }),
    office: await mk("acceptance_office", "评委会办事机构丙", { committees: [committee.name], acceptanceDepartments: accs.map((a) => a.name) }),
  };
}

export async function makePlans(db: Db) {
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 3, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = (await m.Committee.findOne({ order: [["id", "ASC"]] }))!.id;
  const depts = (await m.AcceptanceDepartment.findAll({ limit: 2, order: [["id", "ASC"]] })).map((d) => d.id);
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  const values = (over: Record<string, unknown>) => ({
    name: `测试计划${uniqueName("")}`, titleSeriesId: gc, affiliationIds: [aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: specs, committeeIds: [], acceptanceDepartmentIds: [],
    attachmentRequirements: [{ name: "学历证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 2 }],
    fee: 0, ...over,
  });
  return {
    refs: { committee, depts },
    review: (await createPlan(db, values({ name: `2026年度工程系列高级职称评审${uniqueName("")}`, planType: "职称评审", titleLevel: "副高级", committeeIds: [committee], fee: 30000 }))).id,
    initial: (await createPlan(db, values({ planType: "职称初定", recognitionType: "大中专毕业生职称初定", titleLevel: "初级助理级", acceptanceDepartmentIds: depts }))).id,
    recognition: (await createPlan(db, values({ planType: "职称认定", recognitionType: "外省调入人员职称认定", titleLevel: "中级", acceptanceDepartmentIds: depts }))).id,
  };
}

/**
 * Passes an application waiting at a 公示 (publicity) stage the way a unit does with a period it
 * has already posted: 录入公示期 from 30 days ago to yesterday (Asia/Shanghai), then 无异议. `staff`
 * runs the stage (title-review: the unit reviewer). Returns the application's new version.
 */
export async function passPublicity(db: Db, staff: { id: number; role: string }, id: number) {
  const version = async () => (await db.models.Application.findByPk(id, { attributes: ["version"] }))!.version;
  const today = shanghaiDay();
  await enterPublicityPeriod(db, staff, id, { start: addDays(today, -30), end: addDays(today, -1), version: await version() });
  return (await recordPublicityOutcome(db, staff, id, { outcome: "none", version: await version() })).version;
}

type Staff = { id: number; role: string };

/** A submitted application taken to its vote stage (评委会评审) the ordinary way: every review
 * stage 通过 by the staff of its role, a 公示 passed (passPublicity), a fee confirmed offline by the office. */
export async function toVoteStage(db: Db, staff: { unit: Staff; dept: Staff; office: Staff }, appId: number) {
  for (let i = 0; i < 12; i++) {
    const app = (await db.models.Application.findByPk(appId))!.get({ plain: true });
    const stage = stageOf((await workflowOfApp(db, app))!, app.stage);
    if (!stage || stage.kind === "vote" || app.status !== "submitted") return;
    const who = [staff.unit, staff.dept, staff.office].find((s) => s.role === stage.role) ?? staff.office;
    if (stage.kind === "payment") await db.sequelize.transaction((t) => completePaymentStage(db, t, appId, staff.office, "线下缴费", true));
    else if (stage.kind === "publicity") await passPublicity(db, who, appId);
    else await decideApplication(db, who, appId, "approve", null, app.version);
  }
}

/**
 * The one way tests pass an application at a vote stage: the office records a 评审会议 of its
 * committee (实到 `present`) and enters a passing vote (every member present 赞成). Returns the meeting.
 */
export async function passCommitteeVote(db: Db, office: Staff, appId: number, present = 9) {
  const app = (await db.models.Application.findByPk(appId))!;
  const meeting = await createMeeting(db, office, { committeeId: app.committeeId, meetingDate: "2026-11-20", membersTotal: present + 2, membersPresent: present, title: "评审会议" });
  await recordVotes(db, office, meeting.id, { items: [{ applicationId: appId, version: app.version, approve: present, oppose: 0, abstain: 0 }] });
  return meeting;
}

/** Dispatches notifications until no change waits (the server's loop may hold some rows a moment: waits on state). */
export async function settleNotifications(db: Db) {
  for (let i = 0; i < 200; i++) {
    await dispatchNotifications(db);
    if (!(await db.models.AuditLog.count({ where: { notifyPending: true } }))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("notifications did not settle");
}
