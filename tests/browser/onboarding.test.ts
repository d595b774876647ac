// First login of a self-registered applicant, in real Chromium against the built server on a
// fresh SQLite database: / → 个人用户登录 → 注册 → 个人基本信息 (RJSF form) → 个人中心.
import crypto from "node:crypto";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idCardCheckChar } from "../../app/engine/cn-codes";
import { ensureBuilt, launchBrowser, newPage, pageHelpers, type PageHelpers } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";

// A valid GB 11643 number for a man born 1990-03-15 in 杭州市上城区, and the same number with a
// wrong check character.
const ID_FIRST17 = "33010219900315123";
const ID_VALID = ID_FIRST17 + idCardCheckChar(ID_FIRST17);
const ID_WRONG = ID_FIRST17 + (ID_VALID[17] === "0" ? "1" : "0");

const PERSON = {
  name: "钱浙工",
  birthDate: "1990-03-15",
  mobile: "13957112345",
  email: "qian.zhegong@example.com",
  workStartDate: "2012-07",
  specialty: "机械设计制造及其自动化",
  address: "浙江省杭州市西湖区留和路288号",
};

let target: TestTarget;
let server: RunningServer;
let browser: Browser;
let page: Page;

let h: PageHelpers;

async function submitProfile() {
  await page.click(".schema-form button[type=submit]");
}

describe("首次登录：注册 → 个人基本信息 → 个人中心", () => {
  beforeAll(async () => {
    ensureBuilt();
    target = await createTestTarget("sqlite");
    server = await startServer(target);
    browser = await launchBrowser();
    page = await newPage(browser, 20_000);
    h = pageHelpers(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await target?.drop();
  });

  it("registers, is held on the profile form until it is valid, then lands on 个人中心", async () => {
    // / sends a visitor to the applicant login page.
    await page.goto(`${server.url}/`, { waitUntil: "networkidle0" });
    await h.hydrated();
    expect(h.pathname()).toBe("/login");
    expect(await h.text("h3")).toBe("个人用户登录");

    // 注册 a new account.
    await page.click("a[href='/register']::-p-text(注册)");
    await h.waitForPath("/register");
    await page.waitForSelector("form[aria-label='用户注册'] #username");
    const username = `zg${crypto.randomBytes(4).toString("hex")}`;
    const password = `Zhegong${crypto.randomInt(1000, 9999)}pass`;
    await page.type("#username", username);
    await page.type("#password", password);
    await page.type("#confirmPassword", password);
    await page.click("form[aria-label='用户注册'] button[type=submit]");

    // First login: straight to the profile form.
    await h.waitForPath("/profile");
    await page.waitForSelector("#root_name");
    expect(await h.text("h3")).toBe("个人基本信息");
    expect(await h.text("main")).toContain("首次登录请先完善个人基本信息");

    // 个人中心 is out of reach until the profile is saved.
    await page.goto(`${server.url}/home`, { waitUntil: "networkidle0" });
    expect(h.pathname()).toBe("/profile");
    await h.hydrated();
    await page.waitForSelector("#root_name");

    // Every required field.
    await h.fill("#root_name", PERSON.name);
    await page.click("#root_gender-0"); // 男
    expect(await page.$eval("#root_gender-0", (el) => (el as HTMLInputElement).checked)).toBe(true);
    await h.typeDate("root_birthDate", PERSON.birthDate);
    await h.fill("#root_idNumber", ID_WRONG);
    await h.chooseEnum("root_ethnicity", "汉族");
    await h.chooseEnum("root_politicalStatus", "群众");
    await h.fill("#root_mobile", PERSON.mobile);
    await h.fill("#root_email", PERSON.email);

    // 工作单位: server-side search by pinyin initials.
    await page.click("#root_unitId");
    const searched = page.waitForResponse((r) => r.url().endsWith("/api/units?q=zjgydx"));
    await page.type("#root_unitId", "zjgydx");
    const found = await (await searched).json();
    expect(found.results.map((u: { name: string }) => u.name)).toContain("浙江工业大学");
    await h.pickOption("浙江工业大学");
    expect(await h.text("[data-testid='unit-detail']")).toMatch(/统一社会信用代码：[0-9A-Z]{18}/);

    await h.typeDate("root_workStartDate", PERSON.workStartDate);
    await h.fill("#root_currentSpecialty", PERSON.specialty);
    await h.chooseEnum("root_highestEducation", "大学本科");
    await h.fill("#root_address", PERSON.address);

    // A wrong check character: a Chinese message under 身份证号, nothing sent, still on /profile.
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
    await submitProfile();
    await page.waitForSelector("#root_idNumber__error");
    expect(await h.text("#root_idNumber__error")).toContain("身份证号码不正确");
    expect(await h.text(".schema-form")).toContain("有 1 处填写有误");
    expect(await page.$$eval("[id$='__error']", (els) => els.map((e) => e.id))).toEqual(["root_idNumber__error"]);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.pathname()).toBe("/profile");
    expect(posts).toEqual([]);

    // Corrected: saved, and 个人中心 shows who and where.
    await h.fill("#root_idNumber", ID_VALID);
    await submitProfile();
    await h.waitForPath("/home");
    expect(posts).toEqual(["/profile"]);
    await page.waitForFunction(() => document.querySelector("h3")?.textContent === "个人中心");
    const home = await h.text("main");
    expect(home).toContain(PERSON.name);
    expect(home).toContain("浙江工业大学");
    expect(home).toContain("浙江省教育厅");
    expect(await h.text(".app-user")).toContain(PERSON.name);

    // Saved for good: a fresh page load keeps the applicant on 个人中心, and the form reloads the values.
    await page.goto(`${server.url}/home`, { waitUntil: "networkidle0" });
    expect(h.pathname()).toBe("/home");
    await page.goto(`${server.url}/profile`, { waitUntil: "networkidle0" });
    expect(await page.$eval("#root_idNumber", (el) => (el as HTMLInputElement).value)).toBe(ID_VALID);
    expect(await page.$eval("#root_birthDate", (el) => (el as HTMLInputElement).value)).toBe(PERSON.birthDate);
    expect(await h.text("main")).not.toContain("首次登录请先完善个人基本信息");
  });
});
