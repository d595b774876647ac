// 我的业绩档案库 and 业绩审核 in real Chromium against the built server on a fresh SQLite
// database. An applicant adds a 教育经历 entry through the form (an empty save is held with a
// message under each required field and a banner that counts down as they are corrected;
// year-month pickers, selects, a checkbox, a real PNG uploaded through the file-upload widget)
// and sees it 待审核; a unit reviewer of the applicant's unit, in a second browser context,
// opens it, checks the file link serves the picture, and returns it with a reason; the applicant
// sees 退回 and the reason, edits and saves (待审核 again); the reviewer approves; the entry is
// then locked: 查看 only, a read-only page, and an edit posted over HTTP gets 409.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import type { Browser, BrowserContext } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../app/utils/db.server";
import { createUser } from "../../app/engine/people/users.server";
import {
  ensureBuilt, launchBrowser, loginThroughPage, newPage, pageHelpers, setSessionCookies, squash, type PageHelpers,
} from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";
import { Client } from "../helpers/http";
import { startServer, type RunningServer } from "../helpers/server";

const SLUG = "education";
const LIST = `/archive/${SLUG}`;
const PASSWORD = "Tulip-Harbor-2931";
const APPLICANT_NAME = "周档案";
const REASON = "毕业证书编号与扫描件不一致，请核对";
const FILE_NAME = "毕业证书（扫描件）.png";
const ENTRY = {
  startDate: "2008-09",
  endDate: "2012-06",
  school: "浙江工业大学",
  major: "机械设计制造及其自动化",
  education: "大学本科",
  degree: "学士",
  studyMode: "全日制",
  diplomaNumber: "103371201205009999",
  fixedDiplomaNumber: "103371201205001234",
};
/** Generous: the machine may be running other test suites at the same time. */
const WAIT = 45_000;
const STEP = 240_000;

/** A real PNG (RGB, 8 bit): a light certificate-coloured page with a red seal-like square. */
function certificatePng(width = 120, height = 84): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const seal = x > 80 && x < 108 && y > 48 && y < 76;
      const border = x < 4 || y < 4 || x >= width - 4 || y >= height - 4;
      const [r, g, b] = seal ? [200, 30, 40] : border ? [160, 120, 40] : [250, 246, 230];
      raw.set([r, g, b], row + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

let target: TestTarget;
let server: RunningServer;
let db: Db;
let tmp: string;
let browser: Browser;
let reviewerContext: BrowserContext;
let a: PageHelpers; // the applicant's tab
let r: PageHelpers; // the reviewer's tab
let applicantHttp: Client;
let reviewerName: string;
let entryId: number;
let png: Buffer;

/** The list row of the entry (the table row holding its link). */
const rowText = () =>
  a.page.$eval(`tr:has(a[href='${LIST}/${entryId}'])`, (tr) => (tr as HTMLElement).innerText);
/** Labels of the links and buttons in the row's 操作 cell, white space removed. */
const rowActions = () =>
  a.page.$eval(`tr:has(a[href='${LIST}/${entryId}'])`, (tr) => {
    const cells = tr.querySelectorAll("td");
    const op = cells[cells.length - 1];
    return [...op.querySelectorAll("a, button")].map((el) => (el as HTMLElement).innerText.replace(/\s+/g, "")).filter(Boolean);
  });

/** Reloads the applicant's category list. */
async function openList() {
  await a.open(`${server.url}${LIST}`);
  await a.waitForText("main h3", "教育经历");
}

/** The reviewer: 业绩审核 from the menu, then 审核 on the entry's row. */
async function reviewerOpensEntry() {
  await r.open(`${server.url}/staff`);
  await r.page.click("nav[aria-label='主导航'] a[href='/review/entries']");
  await r.waitForPath("/review/entries");
  await r.waitForText("main h3", "业绩审核");
  const row = `tr:has(a[href='/review/entries/${entryId}'])`;
  await r.page.waitForSelector(row);
  const text = await r.page.$eval(row, (tr) => (tr as HTMLElement).innerText);
  expect(text).toContain(APPLICANT_NAME);
  expect(text).toContain("浙江工业大学");
  expect(text).toContain("教育经历");
  await r.page.click(`${row} a[href='/review/entries/${entryId}']`);
  await r.waitForPath(`/review/entries/${entryId}`);
  await r.waitForText("main h3", "审核业绩：教育经历");
}

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-archive-review-"));
  png = certificatePng();
  fs.writeFileSync(path.join(tmp, FILE_NAME), png);
  target = await createTestTarget("sqlite");
  server = await startServer(target, { DATA_DIR: path.join(tmp, "data") });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });

  // The applicant, registered with a saved profile over HTTP; the browser takes over the session.
  const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  applicantHttp = new Client(server.url);
  await applicantHttp.post("/register", { username: uniqueName("arch"), password: PASSWORD, confirmPassword: PASSWORD });
  const saved = await applicantHttp.post(
    "/profile",
    { data: validProfile(unit!.id, { name: APPLICANT_NAME, idNumber: idNumber("33010619850512123") }), version: null },
    { json: true },
  );
  expect(saved.status).toBe(302);

  // A 单位经办人 whose scope is the applicant's unit.
  reviewerName = uniqueName("unitrev");
  await createUser(db, { username: reviewerName, password: PASSWORD, role: "unit_reviewer", displayName: "审核员郑", scopes: { units: [unit!.creditCode] } });

  browser = await launchBrowser();
  a = pageHelpers(await newPage(browser, WAIT));
  await setSessionCookies(a.page, server.url, applicantHttp.cookies);
  reviewerContext = await browser.createBrowserContext();
  r = pageHelpers(await newPage(reviewerContext, WAIT));
}, STEP);

afterAll(async () => {
  await browser?.close();
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("业绩档案库：新增 → 单位审核退回 → 修改重新提交 → 审核通过后锁定", () => {
  it("the applicant adds a 教育经历 with a certificate through the form and sees it 待审核", async () => {
    // 个人中心 → 我的业绩档案库 → 教育经历 → 【新增】
    await a.open(`${server.url}/home`);
    await a.page.click("nav[aria-label='主导航'] a[href='/archive']");
    await a.waitForPath("/archive");
    await a.waitForText("main h3", "我的业绩档案库");
    await a.page.click(`main a[href='${LIST}']`);
    await a.waitForPath(LIST);
    await a.waitForText("main h3", "教育经历");
    expect(await a.text("main")).toContain("暂无业绩，点击【新增】添加");
    await a.clickButton("新增");
    await a.waitForPath(`${LIST}/new`);
    await a.waitForText("main h3", "新增教育经历");
    await a.page.waitForSelector("#root_school");

    // Saving an empty form is held in the browser with Chinese messages.
    await a.clickButton("保存", ".schema-form");
    await a.waitForText(".schema-form", "处填写有误");
    const required = ["startDate", "endDate", "school", "major", "education", "degree", "studyMode", "diplomaNumber"];
    expect(await a.page.$$eval("[id$='__error']", (els) => els.map((e) => [e.id, (e as HTMLElement).innerText]))).toEqual(
      required.map((f) => [`root_${f}__error`, "此项为必填项"]),
    );
    expect(await a.text(".schema-form")).toContain("有 8 处填写有误，请按字段下方的提示修改");
    expect(a.pathname()).toBe(`${LIST}/new`);

    // Each corrected field drops its message, and the banner counts what is left.
    await a.typeDate("root_startDate", ENTRY.startDate);
    await a.typeDate("root_endDate", ENTRY.endDate);
    await a.waitForText(".schema-form", "有 6 处填写有误");
    expect(await a.page.$("#root_startDate__error")).toBeNull();
    await a.fill("#root_school", ENTRY.school);
    await a.fill("#root_major", ENTRY.major);
    await a.chooseEnum("root_education", ENTRY.education);
    await a.chooseEnum("root_degree", ENTRY.degree);
    await a.chooseEnum("root_studyMode", ENTRY.studyMode);
    await a.page.click("#root_isHighest");
    expect(await a.page.$eval("#root_isHighest", (el) => (el as HTMLInputElement).checked)).toBe(true);
    await a.fill("#root_diplomaNumber", ENTRY.diplomaNumber);
    await a.page.waitForFunction(() => !document.querySelector(".schema-form")!.textContent!.includes("处填写有误"));
    // The banner is recounted a tick before RJSF removes the last field's message: wait for both.
    await a.page.waitForFunction(() => !document.querySelector("[id$='__error']"), { timeout: 5000 });
    expect(await a.page.$$("[id$='__error']")).toEqual([]);

    // 证明材料: the certificate through the file-upload widget.
    const help = await a.text(".file-upload");
    expect(help).toContain("上传文件");
    expect(help).toContain("允许的类型：PDF、JPG、PNG");
    const input = await a.page.$("#root_attachments");
    await (input as any).uploadFile(path.join(tmp, FILE_NAME));
    await a.page.waitForFunction(
      (name) => [...document.querySelectorAll(".file-upload-list a")].some((el) => el.textContent === name),
      {},
      FILE_NAME,
    );
    expect(await a.page.$$(".file-upload-list [role=alert]")).toEqual([]);
    expect(await a.text(".file-upload")).toContain("继续上传");

    // 【保存】: back on the list with the notice, the entry 待审核.
    await a.clickButton("保存", ".schema-form");
    await a.waitForPath(LIST);
    await a.waitForText("main", "已保存，业绩已提交单位审核（待审核）");
    const link = await a.page.waitForSelector(`main tr a[href^='${LIST}/']`);
    entryId = Number((await link!.evaluate((el) => el.getAttribute("href")))!.split("/").pop());
    expect(Number.isInteger(entryId)).toBe(true);
    const row = await rowText();
    expect(row).toContain(ENTRY.school);
    expect(row).toContain(ENTRY.major);
    expect(row).toContain("2008年9月 至 2012年6月");
    expect(row).toContain("待审核");
    expect(await rowActions()).toEqual(["编辑", "删除"]);

    const stored = (await db.models.AchievementEntry.findByPk(entryId))!;
    expect(stored.status).toBe("pending");
    expect(stored.data).toMatchObject({ school: ENTRY.school, isHighest: true, attachments: [expect.stringMatching(/^f_/)] });
  }, STEP);

  it("a unit reviewer, in another browser context, sees the entry with its file and returns it with a reason", async () => {
    await loginThroughPage(r, server.url, reviewerName, PASSWORD);
    expect(r.pathname()).toBe("/staff");
    await r.waitForText("main", "待审核业绩");
    await reviewerOpensEntry();

    const main = await r.text("main");
    expect(main).toContain(APPLICANT_NAME);
    expect(main).toContain("待审核");
    expect(main).toContain(ENTRY.school);
    expect(main).toContain(ENTRY.diplomaNumber);

    // The uploaded certificate is linked by name and served to the reviewer as a PNG.
    const files = await r.page.$$eval("main a[href^='/files/']", (as) => as.map((el) => ({ text: el.textContent, href: el.getAttribute("href") })));
    expect(files).toEqual([{ text: FILE_NAME, href: expect.stringMatching(/^\/files\/f_[A-Za-z0-9_-]+$/) }]);
    const served = await r.page.evaluate(async (href) => {
      const res = await fetch(href);
      return { status: res.status, type: res.headers.get("content-type"), size: (await res.arrayBuffer()).byteLength };
    }, files[0].href!);
    expect(served).toEqual({ status: 200, type: "image/png", size: png.length });

    // 退回 without a reason is refused; with one it goes back to the queue.
    await r.clickButton("退回");
    await r.waitForText("main [role=alert]", "请填写退回原因");
    expect(r.pathname()).toBe(`/review/entries/${entryId}`);
    await r.fill("#reason", REASON);
    await r.clickButton("退回");
    await r.waitForPath("/review/entries");
    await r.waitForText("main", "已退回，申请人将看到退回原因");
    expect(await r.page.$(`a[href='/review/entries/${entryId}']`)).toBeNull();
  }, STEP);

  it("the applicant sees 退回 and the reason, edits the entry and saves it: 待审核 again", async () => {
    await openList();
    let row = await rowText();
    expect(row).toContain("退回");
    expect(row).toContain(`退回原因：${REASON}`);
    expect(await rowActions()).toEqual(["编辑", "删除"]);

    await a.page.click(`main a[href='${LIST}/${entryId}']`);
    await a.waitForPath(`${LIST}/${entryId}`);
    await a.waitForText("main h3", "编辑教育经历");
    const page = await a.text("main");
    expect(page).toContain("单位审核退回");
    expect(page).toContain(`退回原因：${REASON}。请修改后点击【保存】重新提交审核。`);
    expect(page).toContain(`单位经办人退回：${REASON}`); // 审核记录
    // The saved values and the certificate are loaded into the form.
    await a.page.waitForSelector("#root_diplomaNumber");
    expect(await a.page.$eval("#root_school", (el) => (el as HTMLInputElement).value)).toBe(ENTRY.school);
    expect(await a.page.$eval("#root_startDate", (el) => (el as HTMLInputElement).value)).toBe(ENTRY.startDate);
    expect(await a.page.$$eval(".file-upload-list a", (as) => as.map((el) => el.textContent))).toEqual([FILE_NAME]);

    await a.fill("#root_diplomaNumber", ENTRY.fixedDiplomaNumber);
    await a.clickButton("保存", ".schema-form");
    await a.waitForPath(LIST);
    await a.waitForText("main", "已保存，业绩已重新提交审核（待审核）");
    row = await rowText();
    expect(row).toContain("待审核");
    expect(row).not.toContain("退回");
    const stored = (await db.models.AchievementEntry.findByPk(entryId))!;
    expect(stored).toMatchObject({ status: "pending", returnReason: null });
    expect(stored.data).toMatchObject({ diplomaNumber: ENTRY.fixedDiplomaNumber, attachments: [expect.stringMatching(/^f_/)] });
  }, STEP);

  it("the reviewer sees the change and approves (通过)", async () => {
    await reviewerOpensEntry();
    const main = await r.text("main");
    expect(main).toContain(ENTRY.fixedDiplomaNumber);
    expect(main).not.toContain(ENTRY.diplomaNumber);
    expect(main).toContain(`申请人修改并重新提交`);
    expect(await r.page.$$eval("main a[href^='/files/']", (as) => as.map((el) => el.textContent))).toEqual([FILE_NAME]);
    await r.clickButton("通过");
    await r.waitForPath("/review/entries");
    await r.waitForText("main", "已审核通过");
    await r.waitForText("main", "暂无待审核的业绩");
  }, STEP);

  it("the approved entry is locked: 查看 only, a read-only page, and an edit over HTTP gets 409", async () => {
    await openList();
    expect(await rowText()).toContain("审核通过");
    expect(await rowActions()).toEqual(["查看"]);
    expect(squash(await a.text("main table"))).not.toContain("删除");

    await a.page.click(`main a[href='${LIST}/${entryId}']`);
    await a.waitForPath(`${LIST}/${entryId}`);
    await a.waitForText("main h3", "查看教育经历");
    const main = await a.text("main");
    expect(main).toContain("审核通过");
    expect(main).toContain("已审核通过，业绩已锁定，不能修改或删除。");
    // Values as text, the certificate as a link; nothing to type into and no 【保存】.
    for (const v of [ENTRY.school, ENTRY.major, ENTRY.fixedDiplomaNumber, "2008年9月", ENTRY.education, ENTRY.degree, ENTRY.studyMode]) {
      expect(main).toContain(v);
    }
    expect(await a.page.$$eval("main a[href^='/files/']", (as) => as.map((el) => el.textContent))).toEqual([FILE_NAME]);
    expect(await a.page.$$("main input, main textarea, main .ant-select, main .ant-picker, main .schema-form")).toEqual([]);
    expect(await a.buttonLabels()).not.toContain("保存");
    expect(await a.buttonLabels()).toEqual(["返回列表"]);

    // Posting an edit anyway (the applicant's own session, the entry's current version) is refused.
    const view = await (await applicantHttp.get(`${LIST}/${entryId}?_data=${encodeURIComponent("routes/archive.$slug.$id")}`)).json();
    expect(view.editable).toBe(false);
    const res = await applicantHttp.action(`${LIST}/${entryId}`, "routes/archive.$slug.$id", {
      data: { ...view.data, diplomaNumber: "000000000000000000" },
      version: view.entry.version,
    });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe("已审核通过的业绩不能修改");
    const stored = (await db.models.AchievementEntry.findByPk(entryId))!;
    expect(stored.status).toBe("approved");
    expect(stored.data).toMatchObject({ diplomaNumber: ENTRY.fixedDiplomaNumber });
  }, STEP);
});
