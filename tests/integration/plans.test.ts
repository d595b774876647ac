// 申报计划 over HTTP, on SQLite and Postgres: admin CRUD (validation, 409 on a stale edit,
// formatted text sanitised on save and on display), applicant listing with filters, the plan
// detail with every section, the eligibility pre-check, closed / not-yet-open plans, access.
import { Op } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { seedDemoPlans } from "../../scripts/seeders/plans";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let admin: Client;
const PASSWORD = "Tulip-Harbor-2931";
const EDIT = "routes/admin.plans.$id";
const DAY = 86_400_000;

async function login(role: string, profile?: Record<string, unknown>) {
  const username = uniqueName(role.replace("_", ""));
  const user = await createUser(db, { username, password: PASSWORD, role });
  if (profile) await saveProfile(db, user.id, validProfile(await unitId(db), profile), null);
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: user.id };
}

let refs: { gc: number; kj: number; specs: number[]; committee: number; dept: number; affShu: number; affFei: number };

function values(over: Record<string, unknown> = {}) {
  return {
    name: `测试计划${uniqueName("")}`, planType: "职称评审", titleSeriesId: refs.gc, titleLevel: "副高级",
    affiliationIds: [refs.affShu], year: 2026,
    opensAt: new Date(Date.now() - 10 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息正文</p>", reviewNotes: "<ol><li>单位审核</li></ol>", applicantNotice: "<p>须知正文</p>",
    attachmentRequirements: [{ name: "学历证书", required: true, accept: ["pdf", "JPG"], maxSizeMb: 10, maxCount: 2 }],
    eligibilityText: "大学本科及以上学历，取得中级资格满5年",
    eligibilityRules: [
      { label: "大学本科及以上学历", logic: { ">=": [{ var: "educationRank" }, 4] } },
      { label: "取得中级资格满 5 年", logic: { and: [{ "==": [{ var: "currentTitleLevel" }, "中级"] }, { ">=": [{ var: "yearsSinceCurrentTitle" }, 5] }] } },
      { label: "审核通过的论文不少于 1 篇", logic: { ">=": [{ var: "approved.paper" }, 1] } },
    ],
    specialtyIds: refs.specs.slice(0, 2), committeeIds: [refs.committee], acceptanceDepartmentIds: [], fee: 30000,
    ...over,
  };
}

async function create(over: Record<string, unknown> = {}) {
  const res = await admin.action("/admin/plans/new", EDIT, { intent: "save", values: values(over) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()).id as number;
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  admin = (await login("admin")).c;
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  refs = {
    gc, kj: (await m.TitleSeries.findOne({ where: { name: "会计" } }))!.id,
    specs: (await m.Specialty.findAll({ where: { seriesId: gc }, order: [["id", "ASC"]] })).map((s) => s.id),
    committee: (await m.Committee.findOne({ where: { name: "浙江省工程系列高级工程师职务任职资格评审委员会" } }))!.id,
    dept: (await m.AcceptanceDepartment.findOne({ where: { name: "杭州市人力资源和社会保障局" } }))!.id,
    affShu: (await m.Affiliation.findOne({ where: { name: "省属" } }))!.id,
    affFei: (await m.Affiliation.findOne({ where: { name: "非公有制" } }))!.id,
  };
});
afterAll(async () => ctx?.stop());

describe("admin CRUD", () => {
  it("creates, edits, refuses a stale edit with 409, deletes", async () => {
    const id = await create({ name: "测试计划CRUD" });
    const row = await db.models.Plan.findByPk(id);
    expect(row).toMatchObject({ name: "测试计划CRUD", planType: "职称评审", applicationType: "title-review", version: 0, fee: 30000 });
    expect(row!.attachmentRequirements).toEqual([{ name: "学历证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 10, maxCount: 2 }]);

    const list = await (await admin.get("/admin/plans?q=CRUD")).text();
    expect(list).toContain("测试计划CRUD");
    expect(list).toContain("申报中");

    const upd = await admin.action(`/admin/plans/${id}`, EDIT, { intent: "save", version: 0, values: values({ name: "测试计划CRUD改" }) });
    expect(upd.status).toBe(200);
    expect(await db.models.Plan.findByPk(id)).toMatchObject({ name: "测试计划CRUD改", version: 1 });
    const stale = await admin.action(`/admin/plans/${id}`, EDIT, { intent: "save", version: 0, values: values({ name: "覆盖" }) });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toContain("已被他人修改");
    expect((await db.models.Plan.findByPk(id))!.name).toBe("测试计划CRUD改");

    const page = await (await admin.get(`/admin/plans/${id}`)).text();
    // The rule help lists the facts from the engine, a category fact with the category's title.
    expect(page).toContain("<code>approved.paper</code> 已审核通过的业绩数（论文）");
    expect(page).toContain("大学本科 4");
    expect(page).toContain("测试计划CRUD改");
    const del = await admin.action(`/admin/plans/${id}`, EDIT, { intent: "delete", version: 1 });
    expect(del.status).toBe(200);
    expect(await db.models.Plan.findByPk(id)).toBeNull();
  });

  it.each([
    ["dates in the wrong order", { closesAt: new Date(Date.now() - 20 * DAY).toISOString() }, "开始时间必须早于截止时间"],
    ["an unknown plan type", { planType: "职称考试" }, "计划类型必须是"],
    ["a level the series lacks", { titleSeriesId: undefined, titleLevel: "初级员级" }, "职称系列「会计」没有「初级员级」级别"],
    ["a specialty of another series", { titleSeriesId: undefined, titleLevel: "中级" }, "可评审专业（须属于所选职称系列）"],
    ["a rule that is not JSON Logic", { eligibilityRules: [{ label: "x", logic: 3 }] }, "第 1 条规则的 logic 不是 JSON Logic 表达式"],
    ["a rule reading a misspelt fact", { eligibilityRules: [{ label: "x", logic: { ">=": [{ var: "approved.papers" }, 1] } }] }, "第 1 条规则引用了未知的条件：approved.papers"],
    ["a bad attachment type", { attachmentRequirements: [{ name: "a", required: true, accept: ["p d f"], maxSizeMb: 5, maxCount: 1 }] }, "允许的文件类型不正确"],
    ["认定 without 认定类型 or 受理部门", { planType: "职称认定", committeeIds: [] }, "认定类型必须是"],
  ])("refuses %s, saving nothing", async (_, over, message) => {
    const before = await db.models.Plan.count();
    const o: Record<string, unknown> = { ...over };
    if ("titleSeriesId" in o) o.titleSeriesId = refs.kj;
    const res = await admin.action("/admin/plans/new", EDIT, { intent: "save", values: values(o) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(message);
    expect(await db.models.Plan.count()).toBe(before);
  });

  it("strips script from formatted text on save and again on display", async () => {
    const id = await create({ basicInfo: '<p onclick="alert(1)">正文<script>alert("x")</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">链接</a><strong>加粗</strong></p>' });
    const row = await db.models.Plan.findByPk(id);
    expect(row!.basicInfo).toBe('<p>正文<a rel="noopener noreferrer" target="_blank">链接</a><strong>加粗</strong></p>');
    // A row written around the engine (older version, direct SQL) is sanitised when shown.
    await db.models.Plan.update({ basicInfo: "<p>旧数据</p><script>window.pwned=1</script><iframe src=//evil></iframe>" }, { where: { id } });
    const { c } = await login("applicant", {});
    const html = await (await c.get(`/plans/${id}`)).text();
    expect(html).toContain("<p>旧数据</p>");
    expect(html).not.toContain("window.pwned");
    expect(html).not.toContain("<iframe");
    const data = await (await c.get(`/plans/${id}?_data=${encodeURIComponent("routes/plans.$id")}`)).json();
    expect(data.plan.basicInfo).toBe("<p>旧数据</p>");
  });
});

describe("applicant pages", () => {
  let review: number, closed: number, upcoming: number, initial: number, otherAff: number;
  beforeAll(async () => {
    review = await create({ name: "筛选-工程副高-省属" });
    otherAff = await create({ name: "筛选-工程副高-非公", affiliationIds: [refs.affFei] });
    closed = await create({ name: "筛选-已截止", opensAt: "2026-01-01T00:00:00+08:00", closesAt: "2026-02-01T17:00:00+08:00" });
    upcoming = await create({ name: "筛选-未开始", opensAt: "2099-01-01T09:00:00+08:00", closesAt: "2099-02-01T17:00:00+08:00" });
    initial = await create({
      name: "筛选-初定", planType: "职称初定", recognitionType: "大中专毕业生职称初定", titleLevel: "初级助理级",
      committeeIds: [], acceptanceDepartmentIds: [refs.dept], applicantNotice: "<p>初定申报须知正文</p>",
    });
  });

  it("lists the open plans of a type, filtered by 职称系列 and 单位隶属关系", async () => {
    const { c } = await login("applicant", {});
    const route = encodeURIComponent("routes/plans._index");
    const names = async (q: string) => ((await (await c.get(`/plans?${q}&pageSize=100&_data=${route}`)).json()).rows as { name: string }[]).map((r) => r.name).filter((n) => n.startsWith("筛选-"));
    expect((await names("type=title-review")).sort()).toEqual(["筛选-工程副高-省属", "筛选-工程副高-非公"]);
    expect(await names(`type=title-review&affiliation=${refs.affFei}`)).toEqual(["筛选-工程副高-非公"]);
    expect(await names(`type=title-review&series=${refs.kj}`)).toEqual([]);
    expect(await names("type=graduate-initial")).toEqual(["筛选-初定"]);
    expect(await names(`type=graduate-initial&department=${refs.dept}&recognition=${encodeURIComponent("大中专毕业生职称初定")}`)).toEqual(["筛选-初定"]);
    expect(await names("type=transfer-recognition")).toEqual([]);
    const html = await (await c.get("/plans?type=graduate-initial")).text();
    expect(html).toContain("大中专毕业生职称初定");
    expect(html).toContain("受理部门");
    expect(html).toContain("筛选-初定");
    expect(html).not.toContain("筛选-工程副高");
    expect(otherAff).toBeGreaterThan(0);
  });

  it("shows every section of a plan, and 【马上申报】 posting to the wizard", async () => {
    const { c } = await login("applicant", {});
    const html = await (await c.get(`/plans/${review}`)).text();
    for (const s of ["基本信息", "基本信息正文", "评审计划说明", "<li>单位审核</li>", "申报须知", "须知正文", "附件要求", "学历证书", "pdf、jpg", "10 MB", "申报对象资格", "取得中级资格满5年", "可评审专业", "受理评审委员会", "浙江省工程系列高级工程师职务任职资格评审委员会", "300.00 元", "马上申报", `name="planId" value="${review}"`]) expect(html.replace(/<!-- -->/g, "")).toContain(s);
    expect(html).toContain('action="/apply"');
    const spec = (await db.models.Specialty.findByPk(refs.specs[0]))!.name;
    expect(html).toContain(spec);
    const init = await (await c.get(`/plans/${initial}`)).text();
    expect(init).toContain("初定申报须知正文");
    expect(init).toContain("杭州市人力资源和社会保障局");
    expect(init).toContain("大中专毕业生职称初定");
  });

  it("closed and not-yet-open plans say so with their dates and offer no 马上申报", async () => {
    const { c } = await login("applicant", {});
    const a = await (await c.get(`/plans/${closed}`)).text();
    expect(a).toContain("该计划已截止申报");
    expect(a).toContain("2026/02/01 17:00");
    expect(a).not.toContain("马上申报");
    const b = await (await c.get(`/plans/${upcoming}`)).text();
    expect(b).toContain("该计划尚未开始申报");
    expect(b).toContain("2099/01/01 09:00");
    expect(b).not.toContain("马上申报");
  });

  it("pre-checks eligibility: met / unmet rules with the data used", async () => {
    const route = encodeURIComponent("routes/plans.$id");
    const ok = await login("applicant", { highestEducation: "大学本科", currentTitleLevel: "中级", currentTitleDate: "2018-06", currentTitle: "工程师" });
    await db.models.AchievementEntry.create({ userId: ok.id, categoryId: "achievement/paper", formVersion: 1, data: {}, status: "approved", submittedAt: new Date() });
    await db.models.AchievementEntry.create({ userId: ok.id, categoryId: "achievement/paper", formVersion: 1, data: {}, status: "pending", submittedAt: new Date() });
    const good = (await (await ok.c.get(`/plans/${review}?_data=${route}`)).json()).checks;
    expect(good.map((r: any) => [r.label, r.met])).toEqual([["大学本科及以上学历", true], ["取得中级资格满 5 年", true], ["审核通过的论文不少于 1 篇", true]]);
    expect(good[2].used).toEqual([{ name: "approved.paper", label: "已审核通过的业绩数（论文）", value: 1, text: "1" }]);
    expect(good[0].used).toEqual([{ name: "educationRank", label: "学历等级", value: 4, text: "大学本科" }]);
    const okHtml = await (await ok.c.get(`/plans/${review}`)).text();
    expect(okHtml).toContain("您满足全部资格条件");

    const bad = await login("applicant", { highestEducation: "大学专科", currentTitleLevel: "中级", currentTitleDate: `${new Date().getFullYear() - 2}-01` });
    const res = (await (await bad.c.get(`/plans/${review}?_data=${route}`)).json()).checks;
    expect(res.map((r: any) => r.met)).toEqual([false, false, false]);
    expect(res[1].used.find((u: any) => u.name === "yearsSinceCurrentTitle").value).toBe(2);
    const html = await (await bad.c.get(`/plans/${review}`)).text();
    expect(html).toContain("有 3 项资格条件未满足");
    expect(html).toContain("学历等级：大学专科");
    expect(html).toContain("已审核通过的业绩数（论文）：0");
    expect(html).not.toMatch(/学历等级：\d|业绩数（[a-z]/);
    expect(html).toContain("取得现资格年限（年）：2");
  });
});

describe("demo plans", () => {
  // Issue 16: a demo plan's text said 截止 2026年12月31日17:00 while its window ran to another day.
  it("every date a demo plan page shows is a date of the plan itself", async () => {
    await seedDemoPlans(db);
    const demo = await db.models.Plan.findAll({ where: { name: { [Op.like]: "%年度%" } } });
    const names = demo.map((p) => p.name).filter((n) => /年度(浙江省工程系列|大中专|外省调入)/.test(n));
    expect(names).toHaveLength(3);
    const { c } = await login("applicant", {});
    const beijing = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    for (const p of demo.filter((x) => names.includes(x.name))) {
      const own = [beijing(p.opensAt), beijing(p.closesAt)];
      // A demo window opens at 09:00 and closes at 17:00, Beijing time.
      expect(own.map((d) => d.slice(11))).toEqual(["09:00", "17:00"]);
      const html = await (await c.get(`/plans/${p.id}`)).text();
      const text = html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ");
      const shown = [...text.matchAll(/(\d{4})\s*(?:年|\/|-|\.)\s*(\d{1,2})\s*(?:月|\/|-|\.)\s*(\d{1,2})\s*日?\s*(\d{1,2}:\d{2})?/g)]
        .map((m) => `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}${m[4] ? ` ${m[4].padStart(5, "0")}` : ""}`);
      expect(shown.length, p.name).toBeGreaterThan(0);
      for (const d of shown) expect(own.some((o) => o.startsWith(d)), `${p.name}: ${d} is not one of ${own.join("、")}`).toBe(true);
      for (const y of text.matchAll(/(\d{4})\s*年度/g)) expect(Number(y[1]), p.name).toBe(p.year);
    }
  });
});

describe("access", () => {
  it("an applicant is refused /admin/plans (403); an unknown plan is 404", async () => {
    const { c } = await login("applicant", {});
    expect((await c.get("/admin/plans")).status).toBe(403);
    expect((await c.get("/admin/plans/new")).status).toBe(403);
    const post = await c.action("/admin/plans/new", EDIT, { intent: "save", values: values() });
    expect(post.status).toBe(403);
    expect((await c.get("/plans/999999")).status).toBe(404);
    expect((await c.get("/plans/abc")).status).toBe(404);
    expect((await admin.get("/admin/plans/999999")).status).toBe(404);
    const staff = await login("unit_reviewer");
    expect((await staff.c.get("/plans?type=title-review")).status).toBe(403);
  });

  it("the applicant menu links the three plan types; the admin menu 申报计划", async () => {
    const { c } = await login("applicant", {});
    const html = await (await c.get("/home")).text();
    for (const t of ["职称评审申报", "大中专毕业生职称初定", "外省调入等职称认定", "/plans?type=title-review"]) expect(html).toContain(t);
    expect(await (await admin.get("/admin/plans")).text()).toContain("申报计划");
  });
});
