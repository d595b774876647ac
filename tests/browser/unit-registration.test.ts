// 单位注册 in real Chromium (issue 14): a unit signs in at the sandbox 法人 login → 单位注册 with
// its 经办人 prefilled → uploads the 用人单位委托证明 (PDF) → 待审核; its 主管部门 refuses it with a
// reason (the unit sees it), the unit submits again, the 主管部门 approves; the 经办人 then signs in
// at the 法人 login and reaches the unit's review queues (业绩审核, 申报审核).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, ElementHandle, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_UNITS } from "../../app/engine/identity/unit-sign-in.server";
import { createUser } from "../../app/engine/people/users.server";
import { openDb, type Db } from "../../app/utils/db.server";
import { ensureBuilt, explainingPages, launchBrowser, loginThroughPage, newPage, noEnglish, pageHelpers, type PageHelpers } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { FILES } from "../helpers/files";
import { uniqueName } from "../helpers/fixtures";
import { startServer, type RunningServer } from "../helpers/server";

const UNIT = SANDBOX_UNITS[0];
const OPERATOR = UNIT.operators[0];
const PASSWORD = "Tulip-Harbor-2931";
const REASON = "委托证明未加盖单位公章，请重新上传";

let target: TestTarget;
let server: RunningServer;
let db: Db;
let browser: Browser;
let reviewerContext: BrowserContext;
let unitPage: Page;
let reviewerPage: Page;
let u: PageHelpers;
let r: PageHelpers;
let pdf: string;

describe("法人登录 → 单位注册 → 主管部门审核 → 经办人进入业绩审核/申报审核", () => {
  beforeAll(async () => {
    ensureBuilt();
    target = await createTestTarget("sqlite");
    server = await startServer(target, { UNIT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1", IDENTITY_TICKET_SECRET: "browser-test-secret" });
    db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
    browser = await launchBrowser();
    unitPage = await newPage(browser, 20_000);
    reviewerContext = await browser.createBrowserContext();
    reviewerPage = await newPage(reviewerContext, 20_000);
    u = pageHelpers(unitPage);
    r = pageHelpers(reviewerPage);
    pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zcps-unit-")), "用人单位委托证明.pdf");
    fs.writeFileSync(pdf, FILES.pdf);
  });
  afterAll(async () => {
    await browser?.close();
    await db?.sequelize.close();
    await server?.stop();
    await target?.drop();
    if (pdf) fs.rmSync(path.dirname(pdf), { recursive: true, force: true });
  });

  /** 【法人登录】 from the login page, as the unit's first operator, at the sandbox. */
  async function unitSignIn() {
    await u.open(`${server.url}/login`);
    await unitPage.click("a[href='/auth/unit']");
    await u.waitForPath("/sandbox-idp/unit-login");
    // Reached by a client-side navigation: the page renders a moment after the URL changes.
    const pick = await unitPage.waitForSelector(`button[aria-label='以${UNIT.name}（${OPERATOR.name}）的身份登录']`);
    expect(await u.text("main")).toContain("法人登录（沙箱）");
    await pick!.click();
  }

  /** The 单位注册 form with its prefilled 经办人, the PDF attached, submitted. */
  async function submitRegistration() {
    await unitPage.waitForSelector("#agentName");
    expect(await unitPage.$eval("#agentName", (el) => (el as HTMLInputElement).value)).toBe(OPERATOR.name);
    expect(await unitPage.$eval("#agentIdNumber", (el) => (el as HTMLInputElement).value)).toBe(OPERATOR.idnum);
    expect(await unitPage.$eval("#agentMobile", (el) => (el as HTMLInputElement).value)).toBe(OPERATOR.mobile);
    await ((await unitPage.$("#mandate")) as ElementHandle<HTMLInputElement>).uploadFile(pdf);
    const posted = unitPage.waitForResponse((res) => res.url().includes("/unit/register") && res.request().method() === "POST");
    await u.clickButton("提交注册申请");
    await posted;
    await unitPage.waitForFunction(() => location.search.includes("notice=submitted"));
    await u.waitForText("main", "本单位的注册申请待审核");
  }

  it("registers, is refused with a reason, registers again, is approved; the 经办人 reviews the unit's records", async () => {
    const people = { unit: { h: u }, reviewer: { h: r } };
    const reviewer = uniqueName("dept");
    await createUser(db, { username: reviewer, password: PASSWORD, role: "dept_reviewer", displayName: "教育厅审核员", scopes: { departments: ["浙江省教育厅"] } });

    await explainingPages(people, async () => {
      await unitSignIn();
      await u.waitForPath("/unit/register");
      // Client-side navigations: each page renders a moment after its URL shows; wait for its text.
      await u.waitForText("main", UNIT.creditCode);
      await u.hydrated();
      const main = await u.text("main");
      for (const s of ["单位注册", UNIT.name, UNIT.creditCode, "浙江省教育厅", "暂无注册记录"]) expect(main).toContain(s);
      await noEnglish(unitPage, "单位注册");
      await submitRegistration();
    });

    await explainingPages(people, async () => {
      await loginThroughPage(r, server.url, reviewer, PASSWORD);
      await r.waitForText("main", "待审核的单位注册");
      await r.hydrated();
      await (await reviewerPage.waitForSelector("nav a[href='/review/units']"))!.click();
      await r.waitForPath("/review/units");
      await r.waitForText("main", UNIT.name);
      await noEnglish(reviewerPage, "单位注册审核");
      await reviewerPage.click(`main a[href^='/review/units/']`);
      await reviewerPage.waitForFunction(() => /^\/review\/units\/\d+$/.test(location.pathname));
      await r.waitForText("main", "用人单位委托证明");
      expect(await r.text("main")).toContain(OPERATOR.idnum);
      await r.fill("#reason", REASON);
      await r.clickButton("不通过");
      await r.waitForPath("/review/units");
      await r.waitForText("main", "已作出不通过决定");
    });

    await explainingPages(people, async () => {
      await u.open(`${server.url}/unit/register`);
      await u.waitForText("main", "上次注册申请未通过");
      expect(await u.text("main")).toContain(REASON);
      await submitRegistration();
    });

    await explainingPages(people, async () => {
      await r.open(`${server.url}/review/units`);
      await r.waitForText("main", UNIT.name);
      await reviewerPage.click(`main a[href^='/review/units/']`);
      await reviewerPage.waitForFunction(() => /^\/review\/units\/\d+$/.test(location.pathname));
      await r.hydrated();
      await r.clickButton("通过");
      await r.waitForPath("/review/units");
      await r.waitForText("main", "已审核通过");
    });

    await explainingPages(people, async () => {
      await u.open(`${server.url}/unit/register`);
      await u.waitForText("main", `本单位注册已通过，经办人：${OPERATOR.name}`);
      await u.clickButton("退出法人登录");
      await u.waitForPath("/login");
      // The 经办人 at the 法人 login: the unit_reviewer account and its menu.
      await unitSignIn();
      await u.waitForPath("/staff");
      await u.waitForText(".app-user", `${OPERATOR.name}（单位经办人）`);
      await u.hydrated();
      await (await unitPage.waitForSelector("nav a[href='/review/entries']"))!.click();
      await u.waitForPath("/review/entries");
      await unitPage.waitForFunction(() => document.querySelector("main h3")?.textContent === "业绩审核");
      expect(await u.text("main")).not.toContain("尚未设置管辖单位");
      await (await unitPage.waitForSelector("nav a[href='/staff/applications']"))!.click();
      await u.waitForPath("/staff/applications");
      await u.waitForText("main", "申报审核");
      await noEnglish(unitPage, "申报审核");
    });
  });
});
