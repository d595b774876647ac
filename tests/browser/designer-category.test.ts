// 表单管理 → 新建业绩类别 in real Chromium against the built server on a fresh SQLite database.
// An admin (logged in through the page) names the category 技术推广应用情况 and, in the designer's
// 可视化 tab, turns the two sample fields into 推广项目名称 (text, required) and 推广时间 (year-month,
// required) and adds 推广范围 (单选 省内/国内/国际, list column) and 经济效益（万元） (数字), with the
// 列表列 switches deciding the list columns; the preview follows; 发布. Without a restart the
// category is in an applicant's 我的业绩档案库: the applicant adds an entry through the generated
// form (待审核, list columns as chosen), a unit reviewer of the applicant's unit approves it in a
// second browser context, and the applicant sees 审核通过. A screenshot of the builder is left in
// /tmp for a look at the layout.
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../app/utils/db.server";
import { createUser } from "../../app/engine/people/users.server";
import { ensureBuilt, launchBrowser, loginThroughPage, newPage, pageHelpers, setSessionCookies, type PageHelpers } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";
import { Client } from "../helpers/http";
import { startServer, type RunningServer } from "../helpers/server";

const TITLE = "技术推广应用情况";
const SLUG = "tech-promotion";
const FORM_ID = `achievement/${SLUG}`;
const LIST = `/archive/${SLUG}`;
const PASSWORD = "Tulip-Harbor-2931";
const APPLICANT_NAME = "钱推广";
const ENTRY = { projectName: "高效节能电机推广应用", promotedAt: "2023-05", scope: "国内", benefit: "125.5" };
// How every surface shows that year-month (the one value formatter, app/engine/format-value.ts).
const PROMOTED_TEXT = "2023年5月";
const SCREENSHOT = path.join(os.tmpdir(), "designer-category-builder.png");
const WAIT = 45_000;
const STEP = 240_000;

let target: TestTarget;
let server: RunningServer;
let db: Db;
let browser: Browser;
let reviewerContext: BrowserContext;
let adminContext: BrowserContext;
let adm: PageHelpers;
let a: PageHelpers;
let r: PageHelpers;
let adminName: string;
let reviewerName: string;
let entryId: number;

const rowText = () => a.page.$eval(`tr:has(a[href='${LIST}/${entryId}'])`, (tr) => (tr as HTMLElement).innerText);

beforeAll(async () => {
  ensureBuilt();
  target = await createTestTarget("sqlite");
  server = await startServer(target, { DATA_DIR: path.join(os.tmpdir(), `zcps-designer-${Date.now()}`) });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });

  adminName = uniqueName("admin");
  await createUser(db, { username: adminName, password: PASSWORD, role: "admin", displayName: "管理员孙" });
  reviewerName = uniqueName("unitrev");
  await createUser(db, { username: reviewerName, password: PASSWORD, role: "unit_reviewer", displayName: "审核员吴", scopes: { units: [unit!.creditCode] } });

  const applicant = new Client(server.url);
  await applicant.post("/register", { username: uniqueName("tech"), password: PASSWORD, confirmPassword: PASSWORD });
  const saved = await applicant.post(
    "/profile",
    { data: validProfile(unit!.id, { name: APPLICANT_NAME, idNumber: idNumber("33010619860315123") }), version: null },
    { json: true },
  );
  expect(saved.status).toBe(302);

  browser = await launchBrowser();
  // Three sessions, three contexts (a context shares its cookies between its pages).
  adminContext = await browser.createBrowserContext();
  adm = pageHelpers(await newPage(adminContext, WAIT));
  a = pageHelpers(await newPage(browser, WAIT));
  await setSessionCookies(a.page, server.url, applicant.cookies);
  reviewerContext = await browser.createBrowserContext();
  r = pageHelpers(await newPage(reviewerContext, WAIT));
}, STEP);

afterAll(async () => {
  await browser?.close();
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
});

/** The builder's field editor: sets an input (by aria-label) of the selected field. */
const setInput = (label: string, value: string) => adm.fill(`main input[aria-label='${label}'], main textarea[aria-label='${label}']`, value);

/** Waits for the builder's field editor card titled 编辑字段：`label`. */
const editorFor = (label: string) =>
  adm.page.waitForFunction(
    (t) => [...document.querySelectorAll(".ant-card-head")].some((h) => (h as HTMLElement).innerText.trim() === t), {}, `编辑字段：${label}`,
  );

/** Clicks the field-list row whose visible text contains `text`. */
async function selectField(text: string) {
  const item = await adm.page.waitForFunction(
    (t) => [...document.querySelectorAll(".ant-list-item")].find((li) => (li as HTMLElement).innerText.includes(t)) ?? null, {}, text,
  );
  await (item.asElement() as any).click();
  await editorFor(text).catch(async (e) => {
    await adm.page.screenshot({ path: "/tmp/designer-fail.png", fullPage: true });
    throw e;
  });
}

/** Adds a field of the given type (label of the 新字段类型 select). */
async function addField(typeLabel: string) {
  await adm.page.click("main .ant-select:has(input[aria-label='新字段类型'])");
  await adm.pickOption(typeLabel);
  await adm.clickButton("添加字段");
}

/** Switches (必填, 列表列) of the selected field to `on`. */
async function setSwitch(label: string, on: boolean) {
  const sel = `main button[role=switch][aria-label='${label}']`;
  const checked = () => adm.page.$eval(sel, (b) => b.getAttribute("aria-checked") === "true");
  if ((await checked()) !== on) await adm.page.click(sel);
  await adm.page.waitForFunction((s, want) => document.querySelector(s)!.getAttribute("aria-checked") === String(want), {}, sel, on);
}

describe("表单设计器：新建业绩类别（可视化）→ 发布 → 申报人新增 → 单位审核通过", () => {
  it("the admin builds 技术推广应用情况 with four fields in the 可视化 tab and publishes it", async () => {
    await loginThroughPage(adm, server.url, adminName, PASSWORD);
    await adm.hydrated();
    await (await adm.page.waitForSelector("nav[aria-label='主导航'] a[href='/admin/forms']", { visible: true }))!.click();
    await adm.waitForPath("/admin/forms");
    await adm.waitForText("main h3", "表单管理");
    await adm.clickButton("新建业绩类别");
    await adm.waitForPath("/admin/forms/new");
    await adm.waitForText("main h3", "新建业绩类别");
    await adm.hydrated();

    await adm.fill("input[aria-label='类别名称']", TITLE);
    await adm.fill("input[aria-label='编号']", SLUG);

    // 可视化: the sample's two fields, already list columns.
    const tab = await adm.page.waitForFunction(
      () => [...document.querySelectorAll("[role=tab]")].find((t) => (t as HTMLElement).innerText.trim() === "可视化") ?? null,
    );
    await (tab.asElement() as any).click();
    await adm.page.waitForSelector("main input[aria-label='字段标题']", { visible: true });

    // 1: 推广项目名称, text, required.
    await selectField("名称");
    await setInput("字段标题", "推广项目名称");
    await setInput("字段名", "projectName");
    await setSwitch("必填", true);
    await setSwitch("列表列", true);
    // 2: 推广时间, year-month, required.
    await selectField("时间");
    await setInput("字段标题", "推广时间");
    await setInput("字段名", "promotedAt");
    await setSwitch("必填", true);
    await setSwitch("列表列", true);
    await editorFor("推广时间");
    // 3: 推广范围, 单选 省内/国内/国际, list column.
    await addField("单选");
    await editorFor("新字段 3");
    await setInput("字段标题", "推广范围");
    await setInput("字段名", "scope");
    await setInput("选项", "省内\n国内\n国际");
    await setSwitch("必填", true);
    await setSwitch("列表列", true);
    // 4: 经济效益（万元）, 数字, not a list column.
    await addField("数字");
    await editorFor("新字段 4");
    await setInput("字段标题", "经济效益（万元）");
    await setInput("字段名", "benefit");
    await adm.fill("main input[aria-label='最小值']", "0");

    const list = await adm.page.$$eval(".ant-list-item", (lis) => lis.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, " ")));
    expect(list).toHaveLength(4);
    expect(list[0]).toMatch(/推广项目名称 projectName 单行文本 必填/);
    expect(list[1]).toMatch(/推广时间 promotedAt 年月 必填/);
    expect(list[2]).toMatch(/推广范围 scope 单选 必填/);
    expect(list[3]).toMatch(/经济效益（万元） benefit 数字/);
    expect(await adm.text("main")).not.toContain("字段设置有误");

    // The list-column inputs follow the 列表列 switches; the preview renders the four fields.
    const columns = await adm.page.$eval("input[aria-label='列表字段']", (el) => (el as HTMLInputElement).value);
    expect(columns.split(", ").sort()).toEqual(["projectName", "promotedAt", "scope"]);
    expect(await adm.page.$eval("input[aria-label='标题字段']", (el) => (el as HTMLInputElement).value)).toBe("projectName");
    for (const id of ["root_projectName", "root_promotedAt", "root_scope", "root_benefit"]) await adm.page.waitForSelector(`#${id}`);
    await adm.page.screenshot({ path: SCREENSHOT, fullPage: true });

    await adm.clickButton("发布");
    await adm.waitForPath(`/admin/forms/${FORM_ID}`);
    await adm.waitForText("main", TITLE);
  }, STEP);

  it("the applicant finds the category without a restart and adds an entry: 待审核", async () => {
    await a.open(`${server.url}/archive`);
    await a.waitForText("main h3", "我的业绩档案库");
    expect(await a.text("main")).toContain(TITLE);
    await a.page.click(`main a[href='${LIST}']`);
    await a.waitForPath(LIST);
    await a.waitForText("main h3", TITLE);
    await a.clickButton("新增");
    await a.waitForPath(`${LIST}/new`);
    await a.waitForText("main h3", `新增${TITLE}`);
    await a.page.waitForSelector("#root_projectName");

    // An empty save is held: the three required fields.
    await a.clickButton("保存", ".schema-form");
    await a.waitForText(".schema-form", "有 3 处填写有误");

    await a.fill("#root_projectName", ENTRY.projectName);
    await a.typeDate("root_promotedAt", ENTRY.promotedAt);
    await a.chooseEnum("root_scope", ENTRY.scope);
    await a.page.type("#root_benefit", ENTRY.benefit); // antd InputNumber: typed key by key
    await a.page.waitForFunction((v) => (document.querySelector("#root_benefit") as HTMLInputElement).value === v, {}, ENTRY.benefit);
    await a.page.waitForFunction(() => !document.querySelector(".schema-form")!.textContent!.includes("处填写有误"));
    await a.clickButton("保存", ".schema-form");
    await a.waitForPath(LIST);
    await a.waitForText("main", "待审核");
    const link = await a.page.waitForSelector(`main tr a[href^='${LIST}/']`);
    entryId = Number((await link!.evaluate((el) => el.getAttribute("href")))!.split("/").pop());
    const header = await a.page.$$eval("main thead th", (ths) => ths.map((t) => (t as HTMLElement).innerText.trim()));
    expect(header).toEqual(expect.arrayContaining(["推广项目名称", "推广时间", "推广范围"]));
    expect(header).not.toContain("经济效益（万元）");
    const row = await rowText();
    for (const v of [ENTRY.projectName, PROMOTED_TEXT, ENTRY.scope, "待审核"]) expect(row).toContain(v);

    const stored = (await db.models.AchievementEntry.findByPk(entryId))!;
    expect(stored.status).toBe("pending");
    expect(stored.data).toEqual({ projectName: ENTRY.projectName, promotedAt: ENTRY.promotedAt, scope: ENTRY.scope, benefit: 125.5 });
  }, STEP);

  it("a unit reviewer approves it in another browser context; the applicant sees 审核通过", async () => {
    await loginThroughPage(r, server.url, reviewerName, PASSWORD);
    await r.open(`${server.url}/review/entries`);
    await r.waitForText("main h3", "业绩审核");
    const row = `tr:has(a[href='/review/entries/${entryId}'])`;
    await r.page.waitForSelector(row);
    const text = await r.page.$eval(row, (tr) => (tr as HTMLElement).innerText);
    expect(text).toContain(APPLICANT_NAME);
    expect(text).toContain(TITLE);
    await r.page.click(`${row} a[href='/review/entries/${entryId}']`);
    await r.waitForPath(`/review/entries/${entryId}`);
    await r.waitForText("main h3", `审核业绩：${TITLE}`);
    const main = await r.text("main");
    for (const v of [ENTRY.projectName, PROMOTED_TEXT, ENTRY.scope, "125.5", "经济效益（万元）"]) expect(main).toContain(v);
    await r.clickButton("通过");
    await r.waitForPath("/review/entries");
    await r.waitForText("main", "已审核通过");

    await a.open(`${server.url}${LIST}`);
    await a.waitForText("main h3", TITLE);
    expect(await rowText()).toContain("审核通过");
    expect((await db.models.AchievementEntry.findByPk(entryId))!.status).toBe("approved");
  }, STEP);
});
