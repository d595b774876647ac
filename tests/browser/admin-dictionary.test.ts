// 字典管理 → 【新建字典】 in real Chromium against the built server on a fresh SQLite database: the
// admin declares 研究领域 (its default 名称 column is the key), is taken to the new dictionary, adds
// two rows with 新增, and the form designer's 字典选择 field offers it; picking it writes the
// x-dictionary reference and the preview's search picker finds a row by keyword; 节假日's edit form
// picks a day with a DatePicker and a 类型 from its list, and 新建字典 declares 可选值 and a 日期
// column. Every wait is on page state.
import os from "node:os";
import path from "node:path";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../app/utils/db.server";
import { createUser } from "../../app/engine/people/users.server";
import { ensureBuilt, launchBrowser, loginThroughPage, newPage, noEnglish, pageHelpers, type PageHelpers } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { uniqueName } from "../helpers/fixtures";
import { startServer, type RunningServer } from "../helpers/server";

const PASSWORD = "Tulip-Harbor-2931";
const ID = "research-fields";
const LABEL = "研究领域";
const WAIT = 45_000;
const STEP = 240_000;

let target: TestTarget;
let server: RunningServer;
let db: Db;
let browser: Browser;
let adm: PageHelpers;
let adminName: string;

beforeAll(async () => {
  ensureBuilt();
  target = await createTestTarget("sqlite");
  server = await startServer(target, { DATA_DIR: path.join(os.tmpdir(), `zcps-admin-dictionary-${Date.now()}`) });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  adminName = uniqueName("admin");
  await createUser(db, { username: adminName, password: PASSWORD, role: "admin", displayName: "管理员郑" });
  browser = await launchBrowser();
  adm = pageHelpers(await newPage(browser, WAIT));
}, STEP);

afterAll(async () => {
  await browser?.close();
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
});

/** The open modal (antd keeps a closed one in the DOM, hidden), once its zoom-in has finished. */
const openModal = () =>
  adm.page.waitForFunction(() => {
    const m = [...document.querySelectorAll<HTMLElement>(".ant-modal")].find((x) => x.offsetParent !== null);
    return m && ![...m.classList].some((c) => c.includes("zoom")) ? m : null;
  });

/** 新增 one row of the open dictionary: the modal's 名称 input, 保存, then the row in the table and no modal open. */
async function addRow(name: string) {
  await adm.clickButton("新增");
  await openModal();
  const input = ".ant-modal-wrap:not([style*='display: none']) input#name";
  await adm.page.waitForSelector(input, { visible: true });
  await adm.fill(input, name);
  await adm.clickButton("保存", ".ant-modal-wrap:not([style*='display: none'])");
  await adm.waitForText("main .ant-table-tbody", name).catch(async (e) => {
    await adm.page.screenshot({ path: "/tmp/admin-dictionary-fail.png", fullPage: true });
    throw new Error(`${e.message}; page: ${await adm.page.evaluate(() => document.body.innerText)}`);
  });
  await adm.page.waitForFunction(() => ![...document.querySelectorAll<HTMLElement>(".ant-modal")].some((m) => m.offsetParent !== null));
}

describe("字典管理：新建字典 → 新增两行 → 表单设计器可选", () => {
  it("the admin declares 研究领域 in the browser and adds two rows", async () => {
    await loginThroughPage(adm, server.url, adminName, PASSWORD);
    await adm.open(`${server.url}/admin/dictionaries`);
    await adm.waitForText("main h3", "字典管理");
    await (await adm.button("新建字典")).click();
    await adm.waitForPath("/admin/dictionaries/new");
    await adm.hydrated();
    await adm.fill("input[aria-label='字典编号']", ID);
    await adm.fill("input[aria-label='字典名称']", LABEL);
    await adm.fill("input[aria-label='第 1 列标题']", "领域名称");
    await noEnglish(adm.page, "新建字典");
    await adm.clickButton("创建字典");
    await adm.waitForPath(`/admin/dictionaries/${ID}`);
    await adm.waitForText("main h3", LABEL);
    await adm.hydrated();
    await adm.waitForText("main .ant-table", `没有符合条件的${LABEL}`);

    await addRow("人工智能");
    await addRow("新材料");
    expect(await db.models.DictionaryVersion.count({ where: { dictionaryId: ID } })).toBe(1);
  }, STEP);

  it("the form designer offers it for a 字典选择 field", async () => {
    await adm.open(`${server.url}/admin/forms/new`);
    await adm.waitForText("main h3", "新建业绩类别");
    const tab = await adm.page.waitForFunction(
      () => [...document.querySelectorAll("[role=tab]")].find((t) => (t as HTMLElement).innerText.trim() === "可视化") ?? null,
    );
    await (tab.asElement() as any).click();
    // Fifteen field types: narrow the list by typing (the dropdown renders only what is in view).
    await adm.page.click("main .ant-select:has(input[aria-label='新字段类型'])");
    await adm.page.type("main input[aria-label='新字段类型']", "字典");
    await adm.pickOption("字典选择");
    await adm.clickButton("添加字段");
    await adm.page.waitForSelector("main input[aria-label='选择字典']", { visible: true });
    await adm.page.click("main .ant-select:has(input[aria-label='选择字典'])");
    await adm.pickOption(`${LABEL}（${ID}）`);
    // The builder wrote the reference; the preview renders the picker for it.
    const jsonTab = await adm.page.waitForFunction(
      () => [...document.querySelectorAll("[role=tab]")].find((t) => (t as HTMLElement).innerText.trim() === "JSON") ?? null,
    );
    await (jsonTab.asElement() as any).click();
    await adm.page.waitForFunction((id) => (document.querySelector("textarea[aria-label='表单定义 JSON']") as HTMLTextAreaElement | null)?.value.includes(`"x-dictionary": "${id}"`), {}, ID);
    expect(await adm.page.$eval("textarea[aria-label='表单定义 JSON']", (t) => (t as HTMLTextAreaElement).value)).toContain(`"ui:widget": "dictionary-search"`);
    // The preview's picker searches the dictionary as an applicant's would (/api/dictionaries/<id>).
    await adm.page.waitForSelector("#root_field3", { visible: true });
    await adm.page.click("#root_field3");
    await adm.page.type("#root_field3", "人工");
    await adm.pickOption("人工智能");
    await adm.page.waitForFunction(() => (document.querySelector("#root_field3")?.closest(".ant-select") as HTMLElement | null)?.innerText.includes("人工智能"));
    await noEnglish(adm.page, "表单设计器");
  }, STEP);

  it("节假日 offers a date picker and the two kinds: a day picked is stored as YYYY-MM-DD", async () => {
    await adm.open(`${server.url}/admin/dictionaries/holidays`);
    await adm.waitForText("main h3", "节假日");
    await adm.hydrated();
    await adm.clickButton("新增");
    await openModal();
    const modal = ".ant-modal-wrap:not([style*='display: none'])";
    await adm.page.waitForSelector(`${modal} input#date`, { visible: true });
    await adm.typeDate("date", "2027-10-11");
    await adm.page.click(`${modal} .ant-select:has(input#kind)`);
    await adm.pickOption("调休上班日");
    await adm.fill(`${modal} input#name`, "国庆节调休上班");
    await noEnglish(adm.page, "节假日编辑");
    await adm.clickButton("保存", modal);
    await adm.waitForText("main .ant-table-tbody", "2027-10-11");
    const rows = await db.sequelize.query("SELECT date, kind, name FROM holidays WHERE date = '2027-10-11'", { type: "SELECT" });
    expect(rows).toEqual([{ date: "2027-10-11", kind: "调休上班日", name: "国庆节调休上班" }]);
  }, STEP);

  it("新建字典 declares a text column with 可选值 and a 日期 column", async () => {
    await adm.open(`${server.url}/admin/dictionaries/new`);
    await adm.fill("input[aria-label='字典编号']", "doc-kinds");
    await adm.fill("input[aria-label='字典名称']", "文档类别");
    await adm.clickButton("添加列");
    await adm.fill("input[aria-label='第 2 列列名']", "grade");
    await adm.fill("input[aria-label='第 2 列标题']", "等级");
    await adm.page.click("input[aria-label='第 2 列可选值']");
    // Each value: typed, seen by the select (an Enter before that creates nothing, and the next
    // value would join it: 「甲乙」 under CI load), then Enter, then its tag is there.
    const optionsBox = "input[aria-label='第 2 列可选值']";
    for (const v of ["甲", "乙"]) {
      await adm.page.type(optionsBox, v);
      await adm.page.waitForFunction((sel, want) => (document.querySelector(sel) as HTMLInputElement).value === want, {}, optionsBox, v);
      await adm.page.keyboard.press("Enter");
      await adm.page.waitForFunction((sel, want) => [...(document.querySelector(sel)!.closest(".ant-select")!.querySelectorAll(".ant-select-selection-item"))].some((t) => (t as HTMLElement).innerText.trim() === want), {}, optionsBox, v);
    }
    await adm.clickButton("添加列");
    await adm.fill("input[aria-label='第 3 列列名']", "since");
    await adm.fill("input[aria-label='第 3 列标题']", "起始日期");
    await adm.page.click("main .ant-select:has(input[aria-label='第 3 列类型'])");
    await adm.pickOption("日期");
    await noEnglish(adm.page, "新建字典（日期、可选值）");
    await adm.clickButton("创建字典");
    await adm.waitForPath("/admin/dictionaries/doc-kinds");
    const v = await db.models.DictionaryVersion.findOne({ where: { dictionaryId: "doc-kinds" }, raw: true });
    const def = typeof v!.definition === "string" ? JSON.parse(v!.definition) : v!.definition;
    expect(def.columns.slice(1)).toEqual([{ name: "grade", label: "等级", type: "text", maxLength: 128, options: ["甲", "乙"] }, { name: "since", label: "起始日期", type: "date" }]);
  }, STEP);
});
