// Each step kind's handler on its own (app/engine/workflow/steps/<kind>/index.server.ts): called
// directly with a step context on a real, migrated and seeded database — no server, no HTTP, no
// other step run first. What a handler returns (view, the write of next/act/upload, check,
// summary, review-form data) and what it refuses. On SQLite and Postgres.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "~/utils/env.server";
import { plain, type Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { catalogFromDb, getWorkflow } from "~/engine/workflow/registry.server";
import { startApplication } from "~/engine/workflow/applications.server";
import { pluginOf, stepCtx, stepRules, stepReferences, type StepScope } from "~/engine/workflow/steps.server";
import type { StepDefOf, StepKind, StepOptionsMap, WorkflowDefinition } from "~/engine/definitions/types.generated";
import type { ApplicationAttrs, PlanAttrs, StepState } from "../../db/models";
import { createTestDb } from "../helpers/db";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { formData, photoJpeg, signaturePng } from "../helpers/wizard";
import samplePaper from "../fixtures/achievements/paper.json";

let t: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;
let workflow: WorkflowDefinition;
let plan: PlanAttrs;
let app: ApplicationAttrs;
let refs: { specs: string[]; committees: number[]; paper: number; othersPaper: number };

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = await m.Specialty.findAll({ where: { seriesId: gc }, limit: 2, order: [["id", "ASC"]] });
  const committees = (await m.Committee.findAll({ limit: 2, order: [["id", "ASC"]] })).map((c) => c.id);
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  const created = await createPlan(db, {
    name: `步骤测试计划${uniqueName("")}`, planType: "职称评审", titleSeriesId: gc, titleLevel: "副高级", affiliationIds: [aff], year: 2026,
    opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    basicInfo: "<p>基本信息正文</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: specs.map((s) => s.id), committeeIds: committees, acceptanceDepartmentIds: [],
    attachmentRequirements: [
      { name: "学历证书", required: true, accept: ["pdf"], maxSizeMb: 5, maxCount: 1 },
      { name: "其他材料", required: false, accept: ["pdf"], maxSizeMb: 5, maxCount: 3 },
    ],
    fee: 0,
  });
  plan = plain(await m.Plan.findByPk(created.id))!;
  const user = await createUser(db, { username: uniqueName("steps"), password: "Tulip-Harbor-2931", role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db), { currentTitle: "工程师" }), null);
  const paper = (await getCategory(db, "paper"))!;
  const mine = await createEntry(db, user.id, paper, samplePaper.valid[0]);
  await m.AchievementEntry.update({ status: "approved" }, { where: { id: mine.id } });
  const other = await createUser(db, { username: uniqueName("other"), password: "Tulip-Harbor-2931", role: "applicant" });
  const theirs = await createEntry(db, other.id, paper, samplePaper.valid[0]);
  await m.AchievementEntry.update({ status: "approved" }, { where: { id: theirs.id } });
  const started = await startApplication(db, user.id, plan.id);
  app = plain(await m.Application.findByPk(started.id))!;
  workflow = (await getWorkflow(db, app.workflowId, app.workflowVersion))!;
  refs = { specs: specs.map((s) => s.name), committees, paper: mine.id, othersPaper: theirs.id };
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** A step of `kind` with `options`, its saved state, in the application as it is (or with `steps`). */
function setup<K extends StepKind>(kind: K, options: StepOptionsMap[K] | undefined, state?: StepState, over: { steps?: Record<string, StepState>; workflow?: WorkflowDefinition } = {}) {
  const step: StepDefOf<K> = { id: "s", kind, title: "测试步骤", options };
  const scope: StepScope = { db, plan, workflow: over.workflow ?? workflow, app: { ...app, steps: { ...(over.steps ?? {}), ...(state ? { s: state } : {}) } } };
  return { plugin: pluginOf(step), ctx: stepCtx(scope, step) };
}
const done = (data: unknown): StepState => ({ data, completedAt: new Date().toISOString() });

/** The UserError a call throws (its message and status), or fails. */
async function refusal(p: Promise<unknown>) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return { message: (e as UserError).message, status: (e as UserError).status };
}

function multipart(bytes: Uint8Array, name: string, type: string) {
  const fd = new FormData();
  fd.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  return new Request("https://example.test/upload", { method: "POST", body: fd });
}

describe("plan-notice", () => {
  it("shows the plan's sections the options name and needs the box ticked", async () => {
    const { plugin, ctx } = setup("plan-notice", { sections: ["basicInfo", "eligibilityText", "attachmentRequirements"], acknowledge: "我已阅读" });
    const v = await plugin.view(ctx);
    expect(v.sections.map((s) => [s.key, s.title])).toEqual([["basicInfo", "基本信息"], ["eligibilityText", "申报对象资格"], ["attachmentRequirements", "附件要求"]]);
    expect(v.sections[0].html).toContain("基本信息正文");
    expect(v.sections[1].text).toBe("具备相应学历");
    expect(v.sections[2].attachments?.map((a) => a.name)).toEqual(["学历证书", "其他材料"]);
    expect(v).toMatchObject({ acknowledge: "我已阅读", acknowledged: false });
    expect(await refusal(plugin.next(ctx, {}))).toEqual({ message: "请先阅读并勾选“我已阅读”", status: 422 });
    const w = await plugin.next(ctx, { acknowledged: "on" });
    expect(w).toMatchObject({ complete: true, data: { acknowledgedAt: expect.any(String) } });
  });

  it("without options shows the 申报须知 and needs nothing ticked", async () => {
    const { plugin, ctx } = setup("plan-notice", undefined);
    expect((await plugin.view(ctx)).sections.map((s) => s.key)).toEqual(["applicantNotice"]);
    expect((await plugin.next(ctx, {})).complete).toBe(true);
    expect(await plugin.summary(ctx)).toEqual([{ type: "text", items: [{ label: "测试步骤", value: "未确认" }] }]);
  });
});

describe("photo", () => {
  const options = { maxSizeMb: 2, minWidth: 200, minHeight: 260, width: 354, height: 472 };

  it("stores an upload at the options' size; next and check need the stored file", async () => {
    const empty = setup("photo", options);
    expect(await refusal(empty.plugin.next(empty.ctx, {}))).toEqual({ message: "请先上传证件照", status: 422 });
    expect(await empty.plugin.check(empty.ctx)).toEqual(["证件照缺失，请重新上传"]);
    expect((await empty.plugin.view(empty.ctx)).limits).toEqual({ maxSize: "2 MB", minWidth: 200, minHeight: 260, width: 354, height: 472 });

    const w = await empty.plugin.upload!(empty.ctx, new URLSearchParams(), multipart(await photoJpeg(), "我.jpg", "image/jpeg"));
    expect(w).toMatchObject({ complete: false, data: { width: 354, height: 472 } });
    const saved = setup("photo", options, { data: w.data, completedAt: null });
    expect((await saved.plugin.next(saved.ctx, {})).complete).toBe(true);
    expect(await saved.plugin.check(saved.ctx)).toEqual([]);
    expect((await saved.plugin.view(saved.ctx)).photo).toMatchObject({ width: 354, height: 472 });
  });

  it("refuses a picture smaller than the options allow and a file that is not one", async () => {
    const { plugin, ctx } = setup("photo", options);
    expect((await refusal(plugin.upload!(ctx, new URLSearchParams(), multipart(await photoJpeg(100, 120), "小.jpg", "image/jpeg")))).status).toBe(422);
    expect((await refusal(plugin.upload!(ctx, new URLSearchParams(), multipart(new TextEncoder().encode("%PDF-1.4 not a photo"), "x.jpg", "image/jpeg")))).status).toBeGreaterThanOrEqual(400);
  });

  it("gives the review form its image, or null without a photo step", async () => {
    const { plugin } = setup("photo", options);
    const print = { fields: async () => [], image: async (key: unknown) => `data:image/jpeg;base64,${String(key)}`, cells: async () => () => "", ordinal: String };
    const step: StepDefOf<"photo"> = { id: "p", kind: "photo", title: "证件照", options };
    const withPhoto = { db, plan, workflow, app: { ...app, steps: { p: done({ key: "k1" }) } }, print };
    expect(await plugin.reviewForm!.data(withPhoto, [step])).toEqual({ photo: "data:image/jpeg;base64,k1" });
    expect(await plugin.reviewForm!.data(withPhoto, [])).toEqual({ photo: null });
  });
});

describe("pledge-sign and pledge-preview", () => {
  it("issues a single-use QR token while unsigned and signs on screen", async () => {
    const { plugin, ctx } = setup("pledge-sign", { tokenMinutes: 5 });
    const v = await plugin.view(ctx);
    expect(v.signed).toBeNull();
    // The QR link is absolute on PUBLIC_ORIGIN (never built from a request).
    expect(v.signUrl).toMatch(new RegExp(`^${getEnv().publicOrigin.replace(/[.]/g, "\\.")}/sign/[A-Za-z0-9_-]{20,}$`));
    expect(v.qr).toMatch(/^data:image\/png;base64,/);
    expect(v.pledgeHtml).toContain("保证书");
    expect(await db.models.PledgeToken.count({ where: { applicationId: app.id, usedAt: null } })).toBe(1);
    expect(await refusal(plugin.next(ctx, {}))).toEqual({ message: "请先签署《专业技术资格申报材料真实性保证书》", status: 422 });
    const request = new Request("https://example.test/", { headers: { "user-agent": "test-agent" } });
    expect((await refusal(plugin.act!(ctx, "sign", { signature: "data:image/png;base64,AAAA" }, { request, ip: null }))).status).toBeGreaterThanOrEqual(400);
    const w = await plugin.act!(ctx, "sign", { signature: await signaturePng() }, { request, ip: "10.0.0.1" });
    expect(w).toMatchObject({ complete: true, data: { via: "desktop", ip: "10.0.0.1", userAgent: "test-agent" } });

    const signed = setup("pledge-sign", { tokenMinutes: 5 }, done(w.data));
    expect((await signed.plugin.view(signed.ctx)).signed).toMatchObject({ via: "desktop" });
    expect(await signed.plugin.check(signed.ctx)).toEqual([]);
  });

  it("refuses signing on screen when the options allow the phone only", async () => {
    const { plugin, ctx } = setup("pledge-sign", { allowDesktop: false });
    expect(await refusal(plugin.act!(ctx, "sign", {}, { request: new Request("https://example.test/"), ip: null }))).toEqual({ message: "请使用手机扫码签署", status: 400 });
  });

  it("previews only after the workflow's pledge step is signed, and must come after it", async () => {
    const unsigned = setup("pledge-preview", undefined);
    expect(await refusal(unsigned.plugin.next(unsigned.ctx, {}))).toEqual({ message: "保证书尚未签署", status: 422 });
    expect(await unsigned.plugin.check(unsigned.ctx)).toEqual(["保证书尚未签署"]);
    const sign = setup("pledge-sign", undefined);
    const sig = await sign.plugin.act!(sign.ctx, "sign", { signature: await signaturePng() }, { request: new Request("https://example.test/"), ip: null });
    const pledgeStep = workflow.steps.find((s) => s.kind === "pledge-sign")!;
    const signed = setup("pledge-preview", undefined, undefined, { steps: { [pledgeStep.id]: done(sig.data) } });
    expect((await signed.plugin.next(signed.ctx, {})).complete).toBe(true);
    expect((await signed.plugin.view(signed.ctx)).html).toContain("data:image/png;base64,");

    const preview: StepDefOf<"pledge-preview"> = { id: "pv", kind: "pledge-preview", title: "预览" };
    expect(signed.plugin.rules!([preview], [preview, pledgeStep], "w: ")).toEqual(["w: pledge-preview 必须在 pledge-sign 之后"]);
    expect(signed.plugin.rules!([preview], [pledgeStep, preview], "w: ")).toEqual([]);
  });
});

describe("form", () => {
  const options = { form: "application/title-review", prefill: { name: "profile.name", titleLevel: "plan.titleLevel" }, planChoices: { specialty: "specialties" as const } };

  it("prefills from the profile and the plan, and limits a field to the plan's list", async () => {
    const { plugin, ctx } = setup("form", options);
    const v = await plugin.view(ctx);
    expect(v.prefilled).toBe(true);
    expect(v.formData).toMatchObject({ titleLevel: "副高级", name: expect.any(String) });
    expect(v.form.schema.properties.specialty.enum).toEqual(refs.specs);
  });

  it("validates next against the bound form and the plan's list; 上一步 keeps a valid draft", async () => {
    const { plugin, ctx } = setup("form", options);
    const bad = await refusal(plugin.next(ctx, { data: { ...formData("application/title-review", "不在计划中的专业"), workYears: "很多" } }));
    expect(bad).toMatchObject({ status: 422, message: "请按提示修改后再继续" });
    const good = formData("application/title-review", refs.specs[0]);
    expect(await plugin.next(ctx, { data: JSON.stringify(good) })).toMatchObject({ complete: true, data: { specialty: refs.specs[0] } });
    expect(await plugin.act!(ctx, "save", { data: { name: "只填了姓名" } }, { request: new Request("https://example.test/"), ip: null })).toEqual({ data: { name: "只填了姓名" }, complete: false });
    expect((await refusal(plugin.next(ctx, { data: "[1]" }))).message).toBe("提交的数据格式不正确");

    const saved = setup("form", options, done({ ...good, specialty: "不在计划中的专业" }));
    expect((await saved.plugin.check(saved.ctx)).join()).toContain("请从本计划的可选项中选择");
  });

  it("names a missing form and fields the form does not have", async () => {
    const { plugin } = setup("form", options);
    const catalog = await catalogFromDb(db);
    const step = (o: StepOptionsMap["form"]): StepDefOf<"form"> => ({ id: "f", kind: "form", title: "表", options: o });
    expect(plugin.references!(step(options), catalog, "at")).toEqual([]);
    expect(plugin.references!(step({ form: "application/nope" }), catalog, "at")).toEqual(["at 引用的表单 application/nope 不存在"]);
    expect(plugin.references!(step({ form: "application/title-review", prefill: { nope: "profile.nickname" } }), catalog, "at"))
      .toEqual(["at prefill 的字段「nope」不在表单 application/title-review 中", "at prefill 的来源「profile.nickname」不是个人基本信息的字段"]);
  });
});

describe("department-select", () => {
  it("offers the plan's committees and sets the application's column", async () => {
    const { plugin, ctx } = setup("department-select", { source: "committees", label: "受理评审委员会" });
    const v = await plugin.view(ctx);
    expect(v.options.map((o) => o.id)).toEqual(refs.committees);
    expect(v).toMatchObject({ label: "受理评审委员会", mode: "select" });
    expect(await refusal(plugin.next(ctx, { id: 999_999 }))).toEqual({ message: "请从本计划的受理评审委员会中选择", status: 422 });
    expect(await plugin.next(ctx, { id: String(refs.committees[1]) })).toEqual({ data: { id: refs.committees[1] }, complete: true, columns: { committeeId: refs.committees[1] } });
    expect(await plugin.act!(ctx, "change", { id: refs.committees[0] }, { request: new Request("https://example.test/"), ip: null }))
      .toMatchObject({ complete: false, columns: { committeeId: refs.committees[0] }, message: "受理评审委员会已变更" });
  });

  it("fails its check when the saved choice left the plan, and one source may be chosen once", async () => {
    const { plugin, ctx } = setup("department-select", { source: "committees" }, done({ id: 999_999 }));
    expect(await plugin.check(ctx)).toEqual(["所选受理部门已不在本计划中，请重新选择"]);
    const s = (id: string): StepDefOf<"department-select"> => ({ id, kind: "department-select", title: id, options: { source: "committees" } });
    expect(plugin.rules!([s("a"), s("b")], [], "w: ")).toEqual(["w: 同一受理对象（committees、committees）只能选择一次"]);
  });
});

describe("achievements", () => {
  const options = { statuses: ["approved" as const], categories: [{ category: "paper", min: 1, max: 1 }] };

  it("extracts the applicant's own entries as snapshots, within the limits; 忽略 removes them", async () => {
    const { plugin, ctx } = setup("achievements", options);
    const v = await plugin.view(ctx);
    expect(v.categories.map((c) => [c.slug, c.entries.map((e) => e.id)])).toEqual([["paper", [refs.paper]]]);
    expect(v.problems).toEqual(["「论文」至少提取 1 条（已提取 0 条）"]);
    expect(await refusal(plugin.next(ctx, {}))).toMatchObject({ status: 422 });
    const none = { request: new Request("https://example.test/"), ip: null };
    expect((await refusal(plugin.act!(ctx, "extract", { ids: [refs.othersPaper] }, none))).status).toBe(404);
    expect((await refusal(plugin.act!(ctx, "extract", { ids: [] }, none))).message).toBe("请先勾选业绩");

    const w = await plugin.act!(ctx, "extract", { ids: `${refs.paper}` }, none);
    expect(w.message).toBe("已提取 1 条业绩");
    await db.sequelize.transaction((tx) => w.inTransaction!(tx));
    const snap = plain(await db.models.ApplicationAchievement.findOne({ where: { applicationId: app.id, stepId: "s" } }))!;
    expect(snap).toMatchObject({ entryId: refs.paper, categoryId: "achievement/paper", entryStatus: "approved" });
    expect(await plugin.check(ctx)).toEqual([]);
    expect(await plugin.next(ctx, {})).toEqual({ data: { count: 1 }, complete: true });
    const [summary] = await plugin.summary(ctx);
    expect(summary).toMatchObject({ type: "achievements", groups: [{ title: "论文", items: [{ status: "审核通过" }] }] });

    const ignore = await plugin.act!(ctx, "ignore", { ids: [refs.paper] }, none);
    await db.sequelize.transaction((tx) => ignore.inTransaction!(tx));
    expect(await db.models.ApplicationAchievement.count({ where: { applicationId: app.id, stepId: "s" } })).toBe(0);
  });

  it("names unknown categories and impossible limits", async () => {
    const { plugin } = setup("achievements", options);
    const catalog = await catalogFromDb(db);
    const step: StepDefOf<"achievements"> = { id: "a", kind: "achievements", title: "业绩", options: { statuses: ["approved"], categories: [{ category: "dragons" }, { category: "paper", min: 3, max: 2 }], minTotal: 5, maxTotal: 1 } };
    expect(plugin.references!(step, catalog, "at")).toEqual(["at 业绩类别「dragons」不存在（achievement/dragons）", "at 业绩类别「paper」的 min 大于 max", "at minTotal 大于 maxTotal"]);
  });
});

describe("attachments", () => {
  it("has a slot per requirement of the plan; next needs the required ones", async () => {
    const { plugin, ctx } = setup("attachments", undefined);
    const v = await plugin.view(ctx);
    expect(v.slots.map((s) => [s.name, s.required, s.accept])).toEqual([["学历证书", true, ["application/pdf"]], ["其他材料", false, ["application/pdf"]]]);
    expect(await refusal(plugin.next(ctx, {}))).toEqual({ message: "请上传“学历证书”", status: 422 });
    const none = { request: new Request("https://example.test/"), ip: null };
    expect(await refusal(plugin.act!(ctx, "remove", { slot: 0, key: "f_nope" }, none))).toEqual({ message: "文件不存在", status: 404 });
    expect(await refusal(plugin.upload!(ctx, new URLSearchParams({ slot: "9" }), multipart(new Uint8Array(1), "a.pdf", "application/pdf")))).toEqual({ message: "附件项不存在", status: 404 });
  });

  it("stores an upload in its slot and finds a lost file at the check", async () => {
    const { plugin, ctx } = setup("attachments", undefined);
    const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    const w = await plugin.upload!(ctx, new URLSearchParams({ slot: "0" }), multipart(pdf, "学历.pdf", "application/pdf"));
    expect(w).toMatchObject({ complete: false, message: "已上传“学历.pdf”" });
    const saved = setup("attachments", undefined, { data: w.data, completedAt: null });
    expect(await saved.plugin.check(saved.ctx)).toEqual([]);
    expect((await saved.plugin.next(saved.ctx, {})).complete).toBe(true);
    const lost = setup("attachments", undefined, { data: { 0: ["f_lostlostlostlostlost"] }, completedAt: null });
    expect(await lost.plugin.check(lost.ctx)).toEqual(["部分附件已丢失，请重新上传"]);
  });
});

describe("confirm-submit", () => {
  it("shows every other step's summary and the declaration; its next is the engine's 提交", async () => {
    const { plugin, ctx } = setup("confirm-submit", { declaration: "本人承诺" });
    const v = await plugin.view(ctx);
    expect(v.declaration).toBe("本人承诺");
    expect(v.sections.map((s) => s.id)).toEqual(workflow.steps.slice(0, -1).map((s) => s.id));
    expect(v.sections.every((s) => !s.complete)).toBe(true);
    expect(await refusal(plugin.next(ctx, {}))).toEqual({ message: "请点击【提交】提交申报", status: 400 });
  });
});

describe("fixture-checklist (the fixture kind)", () => {
  it("validates by its options", async () => {
    const { plugin, ctx } = setup("fixture-checklist", { items: ["一", "二", "三"], minChecked: 2 });
    expect(await refusal(plugin.next(ctx, { checked: [0] }))).toEqual({ message: "请至少勾选 2 项（已勾选 1 项）", status: 422 });
    expect(await refusal(plugin.next(ctx, { checked: [0, 5] }))).toEqual({ message: "勾选的项目不存在", status: 422 });
    expect(await plugin.next(ctx, { checked: ["2", 0, 2] })).toMatchObject({ complete: true, data: { checked: [0, 2] } });
  });
});

describe("rules over a whole workflow", () => {
  it("needs exactly one final step, last, and once-only kinds once", () => {
    const photo = workflow.steps.find((s) => s.kind === "photo")!;
    const last = workflow.steps[workflow.steps.length - 1];
    const twice = { ...workflow, steps: [photo, { ...photo, id: "photo2" }, ...workflow.steps.slice(1)] };
    expect(stepRules(twice, "w")).toEqual(["w: 步骤类型 photo 只能出现一次"]);
    const notLast = { ...workflow, steps: [last, ...workflow.steps.slice(0, -1)] };
    expect(stepRules(notLast, "w")).toContain("w: 最后一步必须是唯一的 confirm-submit（检查并提交）");
    expect(stepRules(workflow, "w")).toEqual([]);
  });

  it("collects every step's references", async () => {
    const broken = { ...workflow, steps: workflow.steps.map((s) => (s.kind === "form" && s.options ? { ...s, options: { ...s.options, form: "application/nope" } } : s)) };
    expect(stepReferences(broken, "w", await catalogFromDb(db))).toEqual(["w: 步骤「info」 引用的表单 application/nope 不存在"]);
  });
});
