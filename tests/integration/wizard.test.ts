// The application wizard over HTTP through the built server, on SQLite and Postgres: each of the
// three workflow definitions walked to submission; step guards (URL and raw POST); resume; the
// photo, pledge hand-off, extraction and attachment steps refusing bad input without change;
// version pinning; idempotent submission; another applicant's ids read as missing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op } from "sequelize";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { getWorkflow } from "~/engine/workflow/registry.server";
import { findDictionary, rowModel } from "~/engine/dictionaries.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import sampleEducation from "../fixtures/achievements/education.json";
import sampleWork from "../fixtures/achievements/work.json";
import samplePaper from "../fixtures/achievements/paper.json";
import sampleQualification from "../fixtures/achievements/qualification.json";
import {
  currentVersion, photoJpeg, redirectOf, signaturePng, SIGN_ROUTE, startApply, stepAction, stepView, uploadToStep, walkToSubmit,
} from "../helpers/wizard";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
const PASSWORD = "Tulip-Harbor-2931";
const DAY = 86_400_000;
let plans: Record<"review" | "initial" | "recognition", number>;
let refs: { gc: number; specs: number[]; committee: number; depts: number[]; aff: number };

async function appRow(id: number) {
  return plain(await db.models.Application.findByPk(id))!;
}

async function applicant(over: Record<string, unknown> = {}) {
  const username = uniqueName("app");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db), { currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12", ...over }), null);
  // Approved archive entries in the categories the workflows ask for.
  for (const [slug, sample] of [["education", sampleEducation], ["work", sampleWork], ["paper", samplePaper], ["qualification", sampleQualification]] as const) {
    const cat = (await getCategory(db, slug))!;
    const e = await createEntry(db, user.id, cat, (sample as any).valid[0]);
    await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
  }
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: user.id };
}

function planValues(over: Record<string, unknown>) {
  return {
    name: `测试计划${uniqueName("")}`, titleSeriesId: refs.gc, affiliationIds: [refs.aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: refs.specs, committeeIds: [], acceptanceDepartmentIds: [],
    attachmentRequirements: [
      { name: "学历证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 2 },
      { name: "其他材料", required: false, accept: ["pdf"], maxSizeMb: 5, maxCount: 3 },
    ],
    fee: 0, ...over,
  };
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 3, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = (await m.Committee.findOne({ order: [["id", "ASC"]] }))!.id;
  const depts = (await m.AcceptanceDepartment.findAll({ limit: 2, order: [["id", "ASC"]] })).map((d) => d.id);
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  refs = { gc, specs, committee, depts, aff };
  plans = {
    review: (await createPlan(db, planValues({ planType: "职称评审", titleLevel: "副高级", committeeIds: [committee], fee: 30000 }))).id,
    initial: (await createPlan(db, planValues({ planType: "职称初定", recognitionType: "大中专毕业生职称初定", titleLevel: "初级助理级", acceptanceDepartmentIds: depts }))).id,
    recognition: (await createPlan(db, planValues({ planType: "职称认定", recognitionType: "外省调入人员职称认定", titleLevel: "中级", acceptanceDepartmentIds: depts }))).id,
  };
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("each application type, walked end to end over HTTP", () => {
  for (const [key, type] of [["review", "title-review"], ["initial", "graduate-initial"], ["recognition", "transfer-recognition"]] as const) {
    it(`${type}: plan → every step → submitted, once, with snapshots and a number`, async () => {
      const a = await applicant();
      const id = await startApply(a.c, plans[key]);
      const seen: string[] = [];
      const done = await walkToSubmit(a.c, id, { base: server.url, after: (s) => { seen.push(s); } });
      expect(done.landed).toBe(`/records/${id}?notice=submitted`);
      const wf = (await getWorkflow(db, type))!;
      expect(seen).toEqual(wf.steps.map((s) => s.id));
      const row = (await appRow(id));
      expect(row).toMatchObject({ status: "submitted", stage: wf.reviewChain.stages[0].id, workflowId: type, workflowVersion: wf.version });
      expect(row.number).toMatch(new RegExp(`^${wf.numberPrefix}2026\\d{6}$`));
      // 个人基本信息 is kept as it was at submission (the review form prints this copy).
      expect(row.profileSnapshot).toMatchObject({ formId: "profile", data: { name: "王小明", currentTitle: "工程师" } });
      await saveProfile(db, a.id, validProfile(await unitId(db), { name: "王大明" }), (await db.models.Profile.findOne({ where: { userId: a.id } }))!.version);
      expect((await appRow(id)).profileSnapshot!.data.name).toBe("王小明");
      expect(await db.models.ApplicationAchievement.count({ where: { applicationId: id } })).toBeGreaterThan(0);
      expect(await db.models.AuditLog.count({ where: { entityType: "application", entityId: String(id), action: "submit" } })).toBe(1);
      // 【马上申报】 again reopens the same application; the record page shows it read-only.
      expect(await startApply(a.c, plans[key])).toBe(id);
      const page = await a.c.get(`/records/${id}`);
      expect(page.status).toBe(200);
      expect((await page.text()).replace(/<!-- -->/g, "")).toContain(row.number!);
    }, 120_000);
  }
});

describe("step guards, resume and submission", () => {
  it("refuses a later step by URL and by raw POST while an earlier one is incomplete, and resumes where the applicant left off", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.review);
    const first = await a.c.get(`/apply/${id}`);
    expect(first.headers.get("location")).toBe(`/apply/${id}/photo`);
    const byUrl = await a.c.get(`/apply/${id}/submit`);
    expect(byUrl.status).toBe(302);
    expect(byUrl.headers.get("location")).toMatch(new RegExp(`^/apply/${id}/photo\\?blocked=`));
    const forged = await stepAction(a.c, id, "info", { intent: "next", version: 0, data: {} });
    expect(forged.status).toBe(409);
    expect((await forged.json()).error).toBe("请先完成「上传证件照」");
    const submit = await stepAction(a.c, id, "submit", { intent: "submit", version: 0 });
    expect(submit.status).toBe(409);
    expect((await appRow(id))).toMatchObject({ status: "draft", version: 0, steps: {} });
    // Stop before the achievements; a new session (days later) resumes there.
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "achievements" });
    const again = new Client(server.url);
    a.c.cookies.forEach((v, k) => again.cookies.set(k, v));
    expect((await again.get(`/apply/${id}`)).headers.get("location")).toBe(`/apply/${id}/achievements`);
    const list = await again.get("/records?_data=routes%2Frecords._index");
    const rows = (await list.json()).rows;
    expect(rows).toEqual([expect.objectContaining({ id, status: "draft", resume: "选择业绩" })]);
  }, 120_000);

  it("submits once under a double click and two tabs, and nothing changes afterwards", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.recognition);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "submit" });
    const version = await currentVersion(a.c, id, "submit");
    const tab2 = new Client(server.url);
    a.c.cookies.forEach((v, k) => tab2.cookies.set(k, v));
    const [x, y, z] = await Promise.all([
      stepAction(a.c, id, "submit", { intent: "submit", version }),
      stepAction(a.c, id, "submit", { intent: "submit", version }),
      stepAction(tab2, id, "submit", { intent: "submit", version }),
    ]);
    for (const r of [x, y, z]) expect(redirectOf(r), `${r.status} ${await r.clone().text()}`).toBe(`/records/${id}?notice=submitted`);
    expect(await db.models.AuditLog.count({ where: { entityType: "application", entityId: String(id), action: "submit" } })).toBe(1);
    const before = (await appRow(id));
    const late = await stepAction(a.c, id, "info", { intent: "next", version: before.version, data: {} });
    expect(late.status).toBe(409);
    expect((await late.json()).error).toBe("申报已提交，不能再修改");
    expect((await a.c.get(`/apply/${id}/info`)).headers.get("location")).toBe(`/records/${id}`);
    const after = (await appRow(id));
    expect(after.version).toBe(before.version);
  }, 120_000);

  it("refuses a stale page (two tabs editing one step) with a conflict, keeping the first save", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.initial);
    const v = await currentVersion(a.c, id, "notice");
    expect(redirectOf(await stepAction(a.c, id, "notice", { intent: "next", version: v, acknowledged: true }))).toBe(`/apply/${id}/photo`);
    const stale = await stepAction(a.c, id, "notice", { intent: "next", version: v, acknowledged: true });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toContain("请刷新页面后重试");
  }, 60_000);

  it("refuses submission after the plan closed, naming the dates, and a plan-notice without the tick", async () => {
    const a = await applicant();
    const planId = (await createPlan(db, planValues({ planType: "职称认定", recognitionType: "外省调入人员职称认定", titleLevel: "中级", acceptanceDepartmentIds: refs.depts }))).id;
    const id = await startApply(a.c, planId);
    const v = await currentVersion(a.c, id, "notice");
    const unticked = await stepAction(a.c, id, "notice", { intent: "next", version: v });
    expect(unticked.status).toBe(422);
    expect((await unticked.json()).error).toContain("请先阅读并勾选");
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "submit" });
    await db.models.Plan.update({ closesAt: new Date(Date.now() - 60_000) }, { where: { id: planId } });
    const version = await currentVersion(a.c, id, "submit");
    const late = await stepAction(a.c, id, "submit", { intent: "submit", version });
    expect(late.status).toBe(422);
    expect((await late.json()).error).toMatch(/该申报计划已截止申报（申报时间：\d{4}年/);
    expect((await appRow(id)).status).toBe("draft");
    // A closed plan opens no new application either.
    const b = await applicant();
    const res = await b.c.post(`/apply?_data=routes%2Fapply._index`, { planId: String(planId) });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toContain("已截止申报");
  }, 120_000);

  it("refuses submission while the plan's eligibility rules are unmet, listing them", async () => {
    const a = await applicant({ highestEducation: "大学专科" });
    const planId = (await createPlan(db, planValues({
      planType: "职称认定", recognitionType: "外省调入人员职称认定", titleLevel: "中级", acceptanceDepartmentIds: refs.depts,
      eligibilityRules: [{ label: "大学本科及以上学历", logic: { ">=": [{ var: "educationRank" }, 4] } }],
    }))).id;
    const id = await startApply(a.c, planId);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "submit" });
    const r = await stepAction(a.c, id, "submit", { intent: "submit", version: await currentVersion(a.c, id, "submit") });
    expect(r.status).toBe(422);
    expect((await r.json()).error).toContain("资格条件不满足：大学本科及以上学历");
  }, 120_000);
});

describe("steps refuse bad input and change nothing", () => {
  it("photo: a renamed PDF, a 30 MB upload and a tiny image are refused; a real photo is normalised (size, no EXIF)", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.review);
    const v = await currentVersion(a.c, id, "photo");
    const pdf = await uploadToStep(a.c, id, "photo", v, FILES.pdf, "照片.jpg");
    expect(pdf.status).toBe(415);
    expect((await pdf.json()).error).toContain("证件照只能是 JPG 或 PNG 图片");
    const huge = await uploadToStep(a.c, id, "photo", v, Buffer.alloc(30 * 1024 * 1024, 1), "big.jpg");
    expect(huge.status).toBe(413);
    const tiny = await uploadToStep(a.c, id, "photo", v, await photoJpeg(60, 80), "small.jpg");
    expect(tiny.status).toBe(422);
    expect((await tiny.json()).error).toContain("分辨率过低");
    expect((await appRow(id)).version).toBe(v);
    const ok = await uploadToStep(a.c, id, "photo", v, await photoJpeg(1200, 1600), "me.jpg");
    expect(ok.status).toBe(200);
    const row = (await appRow(id));
    const key = (row.steps.photo.data as any).key;
    const file = await a.c.get(`/files/${key}`);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    const sharp = (await import("sharp")).default;
    const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([295, 413, undefined]);
  }, 60_000);

  it("pledge: the QR token works once, not after expiry or replacement, and not for another applicant's desktop", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.review);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "pledge" });
    const phone = new Client(server.url);
    // Expired.
    let token = ((await stepView(a.c, id, "pledge")).data.view.signUrl as string).split("/").pop()!;
    await db.models.PledgeToken.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { applicationId: id } });
    const expired = await phone.get(`/sign/${token}?_data=${encodeURIComponent(SIGN_ROUTE)}`);
    expect(expired.status).toBe(410);
    expect((await expired.json()).error).toContain("二维码已过期");
    // Replaced by a newer code (each view of the step issues one).
    const older = ((await stepView(a.c, id, "pledge")).data.view.signUrl as string).split("/").pop()!;
    token = ((await stepView(a.c, id, "pledge")).data.view.signUrl as string).split("/").pop()!;
    expect((await phone.get(`/sign/${older}?_data=${encodeURIComponent(SIGN_ROUTE)}`)).status).toBe(404);
    // Blank pad and a non-PNG are refused.
    const blank = await phone.action(`/sign/${token}`, SIGN_ROUTE, { signature: `data:image/png;base64,${(await (await import("sharp")).default({ create: { width: 300, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer()).toString("base64")}` });
    expect(blank.status).toBe(400);
    expect((await blank.json()).error).toContain("签名为空");
    const html = await phone.action(`/sign/${token}`, SIGN_ROUTE, { signature: `data:image/png;base64,${FILES.html.toString("base64")}` });
    expect(html.status).toBe(415);
    // Signed once; the same token again is refused.
    expect((await phone.action(`/sign/${token}`, SIGN_ROUTE, { signature: await signaturePng() })).status).toBe(200);
    const reused = await phone.action(`/sign/${token}`, SIGN_ROUTE, { signature: await signaturePng() });
    expect(reused.status).toBe(410);
    expect((await reused.json()).error).toContain("已使用");
    const sig = (await appRow(id)).steps.pledge;
    expect(sig.completedAt).not.toBeNull();
    expect(sig.data).toMatchObject({ via: "phone", ip: expect.any(String), userAgent: expect.any(String), key: expect.stringMatching(/^f_/) });
    // Another applicant cannot poll, view or act on this application.
    const b = await applicant();
    expect((await b.c.get(`/apply/${id}/pledge-status?step=pledge`)).status).toBe(404);
    expect((await b.c.get(`/apply/${id}/pledge`)).status).toBe(404);
    expect((await stepAction(b.c, id, "pledge", { intent: "next", version: 0 })).status).toBe(404);
    expect((await b.c.get(`/records/${id}`)).status).toBe(404);
  }, 120_000);

  it("achievements: another applicant's entry id, a returned entry and an unknown id extract nothing; 忽略 removes", async () => {
    const a = await applicant();
    const b = await applicant();
    const id = await startApply(a.c, plans.initial);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "achievements" });
    const v = await currentVersion(a.c, id, "achievements");
    const theirs = (await db.models.AchievementEntry.findOne({ where: { userId: b.id }, raw: true }))!.id;
    const mine = (await db.models.AchievementEntry.findAll({ where: { userId: a.id } })).map((r) => r.get({ plain: true }));
    const edu = mine.find((e) => e.categoryId === "achievement/education")!;
    const paper = mine.find((e) => e.categoryId === "achievement/paper")!;
    await db.models.AchievementEntry.update({ status: "returned" }, { where: { id: paper.id } });
    for (const ids of [[edu.id, theirs], [paper.id], [999_999]]) {
      const r = await stepAction(a.c, id, "achievements", { intent: "extract", ids, version: v });
      expect(r.status).toBe(404);
      expect((await r.json()).error).toContain("所选业绩不存在或不可提取");
    }
    expect(await db.models.ApplicationAchievement.count({ where: { applicationId: id } })).toBe(0);
    // 【下一步】 with too few (education min 1) is refused with the rule.
    const early = await stepAction(a.c, id, "achievements", { intent: "next", version: v });
    expect(early.status).toBe(422);
    expect((await early.json()).error).toContain("「教育经历」至少提取 1 条");
    expect((await stepAction(a.c, id, "achievements", { intent: "extract", ids: [edu.id], version: v })).status).toBe(200);
    const snap = plain(await db.models.ApplicationAchievement.findOne({ where: { applicationId: id } }))!;
    expect(snap).toMatchObject({ entryId: edu.id, formVersion: edu.formVersion, data: edu.data, entryStatus: "approved" });
    // The snapshot does not follow later archive edits.
    await db.models.AchievementEntry.update({ data: { ...edu.data, school: "改过的学校" } }, { where: { id: edu.id } });
    expect(plain(await db.models.ApplicationAchievement.findOne({ where: { applicationId: id } }))!.data).toEqual(edu.data);
    expect((await stepAction(a.c, id, "achievements", { intent: "ignore", ids: [edu.id], version: v + 1 })).status).toBe(200);
    expect(await db.models.ApplicationAchievement.count({ where: { applicationId: id } })).toBe(0);
  }, 120_000);

  it("attachments: the wrong type, too many files and a missing required slot are refused", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.recognition);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "attachments" });
    let v = await currentVersion(a.c, id, "attachments");
    const next = await stepAction(a.c, id, "attachments", { intent: "next", version: v });
    expect(next.status).toBe(422);
    expect((await next.json()).error).toContain("请上传“学历证书”");
    const htmlAsPdf = await uploadToStep(a.c, id, "attachments", v, FILES.html, "学历证书.pdf", { slot: "0" });
    expect(htmlAsPdf.status).toBe(415);
    const noSlot = await uploadToStep(a.c, id, "attachments", v, FILES.pdf, "x.pdf", { slot: "9" });
    expect(noSlot.status).toBe(404);
    for (let i = 0; i < 2; i++) expect((await uploadToStep(a.c, id, "attachments", v++, FILES.pdf, `证书${i}.pdf`, { slot: "0" })).status).toBe(200);
    const third = await uploadToStep(a.c, id, "attachments", v, FILES.pdf, "证书3.pdf", { slot: "0" });
    expect(third.status).toBe(422);
    expect((await third.json()).error).toContain("最多上传 2 个文件");
    expect(redirectOf(await stepAction(a.c, id, "attachments", { intent: "next", version: v }))).toBe(`/apply/${id}/submit`);
  }, 120_000);

  it("form: invalid data gets per-field Chinese messages; a specialty outside the plan is refused", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.review);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "info" });
    const view = (await stepView(a.c, id, "info")).data;
    expect(view.view.prefilled).toBe(true);
    expect(view.view.formData).toMatchObject({ name: "王小明", titleSeries: "工程", titleLevel: "副高级", currentTitle: "工程师" });
    const v = view.app.version;
    const bad = await stepAction(a.c, id, "info", { intent: "next", version: v, data: { ...view.view.formData, workYears: "十年", specialty: "外星工程", extra: 1 } });
    expect(bad.status).toBe(422);
    const body = await bad.json();
    expect(Object.keys(body.fieldErrors).length).toBeGreaterThan(0);
    expect(JSON.stringify(body.fieldErrors)).toMatch(/[\u4e00-\u9fa5]/);
    expect((await appRow(id)).version).toBe(v);
    // 【上一步】 keeps an incomplete draft without completing the step.
    const back = await stepAction(a.c, id, "info", { intent: "save", goto: "pledge-preview", version: v, data: { name: "王小明" } });
    expect(redirectOf(back)).toBe(`/apply/${id}/pledge-preview`);
    const row = (await appRow(id));
    expect(row.steps.info).toMatchObject({ data: { name: "王小明" }, completedAt: null });
  }, 120_000);

  it("department-select: 【变更受理部门】 accepts only the plan's departments", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.initial, refs.depts[1]);
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "department" });
    const view = (await stepView(a.c, id, "department")).data;
    expect(view.view.current).toBe(refs.depts[1]);
    const other = (await db.models.AcceptanceDepartment.findOne({ where: { id: { [Op.notIn]: refs.depts } }, raw: true }))!.id;
    const bad = await stepAction(a.c, id, "department", { intent: "change", id: other, version: view.app.version });
    expect(bad.status).toBe(422);
    const ok = await stepAction(a.c, id, "department", { intent: "change", id: refs.depts[0], version: view.app.version });
    expect(ok.status).toBe(200);
    expect((await appRow(id)).acceptanceDepartmentId).toBe(refs.depts[0]);
  }, 120_000);
});

describe("department-select preselection (issue 16 item 3)", () => {
  const hintOf = (view: any) => view.view.hint as { type: string; text: string } | null;
  it("the 受理部门 the 主管部门 or the unit declares is preselected and said why; else the step says how to choose", async () => {
    const [provincial, hangzhou] = refs.depts;
    const names = new Map((await db.models.AcceptanceDepartment.findAll({ raw: true })).map((d) => [d.id, d.name]));
    // Seeded: 浙江工业大学 → 主管部门 浙江省教育厅 → 浙江省人力资源和社会保障厅.
    const a = await applicant();
    const id = await startApply(a.c, plans.initial);
    expect((await appRow(id)).acceptanceDepartmentId).toBeNull();
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "department" });
    const view = (await stepView(a.c, id, "department")).data;
    expect(view.view.current).toBe(provincial);
    expect(hintOf(view)).toEqual({ type: "info", text: `根据您的工作单位「浙江工业大学」的主管部门「浙江省教育厅」，受理部门为${names.get(provincial)}。如不正确，请点击【变更受理部门】选择。` });
    // 【下一步】 without choosing keeps the preselected one.
    const next = await stepAction(a.c, id, "department", { intent: "next", version: view.app.version });
    expect(redirectOf(next)).toMatch(/^\/apply\/\d+\//);
    expect((await appRow(id)).acceptanceDepartmentId).toBe(provincial);

    // A unit's own declaration comes before its 主管部门's.
    const units = (await findDictionary(db, "units"))!;
    const other = await unitId(db, "浙江师范大学");
    await rowModel(db, units).update({ acceptanceDepartmentId: hangzhou }, { where: { id: other } });
    try {
      const b = await applicant();
      await saveProfile(db, b.id, validProfile(other), (await db.models.Profile.findOne({ where: { userId: b.id } }))!.version);
      const idB = await startApply(b.c, plans.recognition);
      await walkToSubmit(b.c, idB, { base: server.url, stopAt: "department" });
      const vb = (await stepView(b.c, idB, "department")).data;
      expect(vb.view.current).toBe(hangzhou);
      expect(hintOf(vb)!.text).toBe(`根据您的工作单位「浙江师范大学」，受理部门为${names.get(hangzhou)}。如不正确，请点击【变更受理部门】选择。`);
      const page = await b.c.get(`/apply/${idB}/department`);
      expect((await page.text()).replace(/<!-- -->/g, "")).toContain("根据您的工作单位「浙江师范大学」");
    } finally {
      await rowModel(db, units).update({ acceptanceDepartmentId: null }, { where: { id: other } });
    }

    // The plan does not list the declared one: nothing preselected, the step says how to choose.
    const third = (await db.models.AcceptanceDepartment.findOne({ where: { id: { [Op.notIn]: refs.depts } }, order: [["id", "ASC"]], raw: true }))!.id;
    const plan = (await createPlan(db, planValues({ planType: "职称初定", recognitionType: "大中专毕业生职称初定", titleLevel: "初级助理级", acceptanceDepartmentIds: [hangzhou, third] }))).id;
    const c = await applicant();
    const idC = await startApply(c.c, plan);
    await walkToSubmit(c.c, idC, { base: server.url, stopAt: "department" });
    const vc = (await stepView(c.c, idC, "department")).data;
    expect(vc.view.current).toBeNull();
    expect(hintOf(vc)).toEqual({ type: "warning", text: "未能根据您的工作单位确定受理部门：请点击【变更受理部门】，从本计划的 2 个受理部门中选择您工作单位的隶属关系和所在地区对应的一个。" });
    const refused = await stepAction(c.c, idC, "department", { intent: "next", version: vc.app.version });
    expect(refused.status).toBe(422);
    expect((await appRow(idC)).acceptanceDepartmentId).toBeNull();

    // A list nothing in the dictionaries decides (受理评审委员会): just how many to choose from.
    const committees = (await db.models.Committee.findAll({ order: [["id", "ASC"]], limit: 2, raw: true })).map((x) => x.id);
    const two = (await createPlan(db, planValues({ planType: "职称评审", titleLevel: "副高级", committeeIds: committees }))).id;
    const d = await applicant();
    const idD = await startApply(d.c, two);
    await walkToSubmit(d.c, idD, { base: server.url, stopAt: "committee" });
    const vd = (await stepView(d.c, idD, "committee")).data;
    expect(vd.view.current).toBeNull();
    expect(hintOf(vd)).toEqual({ type: "warning", text: "请从本计划的 2 个受理评审委员会中选择一个。" });
  }, 180_000);
});

describe("version pinning", () => {
  it("a draft keeps the form version it was created with; a new application binds the newest; 放弃草稿 lets the applicant restart", async () => {
    const a = await applicant();
    const id = await startApply(a.c, plans.review);
    const old = plain(await db.models.FormVersion.findOne({ where: { formId: "application/title-review" }, order: [["version", "DESC"]] }))!;
    const schema = structuredClone(old.schema) as any;
    schema.properties.workSummary.maxLength = 100;
    await db.models.FormVersion.create({ ...old, id: undefined as never, version: old.version + 1, schema, hash: `${old.hash.slice(0, 60)}beef`, createdBy: "test" });
    await walkToSubmit(a.c, id, { base: server.url, stopAt: "info" });
    expect((await stepView(a.c, id, "info")).data.view.form.version).toBe(old.version);
    const b = await applicant();
    const other = await startApply(b.c, plans.review);
    expect((await appRow(other)).formVersions["application/title-review"]).toBe(old.version + 1);
    // Restart: discard the draft and apply again → bound to the newest version.
    const v = (await appRow(id)).version;
    const discard = await a.c.post("/records", { id: String(id), version: String(v) });
    expect(discard.headers.get("location")).toBe("/records?notice=discarded");
    const again = await startApply(a.c, plans.review);
    expect(again).not.toBe(id);
    expect((await appRow(again)).formVersions["application/title-review"]).toBe(old.version + 1);
    await db.models.FormVersion.destroy({ where: { formId: "application/title-review", version: old.version + 1 } });
  }, 120_000);
});
