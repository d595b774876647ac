// First login of a self-registered applicant, in real Chromium against the built server on a
// fresh SQLite database: / → 个人用户登录 → 注册 → 个人基本信息 (RJSF form) → 个人中心.
import { execSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idCardCheckChar } from "../../app/engine/cn-codes";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";

const ROOT = path.resolve(__dirname, "../..");
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

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

const pathname = () => new URL(page.url()).pathname;
const waitForPath = (p: string) => page.waitForFunction((want) => location.pathname === want, { timeout: 20_000 }, p);
/** Server-rendered HTML shows before React hydrates it; input or clicks before then are lost. */
const hydrated = () =>
  page.waitForFunction(() => Object.keys(document.querySelector("main") ?? {}).some((k) => k.startsWith("__reactFiber$")));
const text = (selector: string) => page.$eval(selector, (el) => (el as HTMLElement).innerText);

/** Clicks an option of the antd Select dropdown that is currently open. */
async function pickOption(label: string) {
  const option = await page.waitForSelector(
    `.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${label}"]`,
    { visible: true },
  );
  await option!.click();
  await page.waitForSelector(".ant-select-dropdown:not(.ant-select-dropdown-hidden)", { hidden: true });
}

/** An RJSF enum select: open it, narrow the list by typing, pick the option. */
async function chooseEnum(id: string, label: string) {
  await page.click(`#${id}`);
  await page.type(`#${id}`, label);
  await pickOption(label);
  expect(await page.$eval(`#${id}`, (el) => (el.closest(".ant-select") as HTMLElement).innerText)).toContain(label);
}

/** An antd DatePicker: type the value into its input and confirm with Enter. */
async function typeDate(id: string, value: string) {
  await page.click(`#${id}`);
  await page.type(`#${id}`, value);
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel, v) => (document.querySelector(sel) as HTMLInputElement).value === v, {}, `#${id}`, value);
}

/**
 * Puts `value` into a text input or textarea, replacing what is there: all but the last character
 * arrive as one input event (React's onChange sees it like a paste), the last one as a real
 * keystroke. Typing every character re-renders the whole form each time, which makes the test
 * slow on a loaded machine.
 */
async function fill(selector: string, value: string) {
  await page.$eval(selector, (el, v) => {
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(el, v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value.slice(0, -1));
  await page.type(selector, value.slice(-1));
  expect(await page.$eval(selector, (el) => (el as HTMLInputElement).value)).toBe(value);
}

async function submitProfile() {
  await page.click(".schema-form button[type=submit]");
}

describe("首次登录：注册 → 个人基本信息 → 个人中心", () => {
  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, "build/index.js")) || !fs.existsSync(path.join(ROOT, "public/build"))) {
      // antd CSS extraction + remix build; vitest sets NODE_ENV=test, which would give a dev build.
      execSync("npm run build", { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    }
    target = await createTestTarget("sqlite");
    server = await startServer(target);
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await target?.drop();
  });

  it("registers, is held on the profile form until it is valid, then lands on 个人中心", async () => {
    // / sends a visitor to the applicant login page.
    await page.goto(`${server.url}/`, { waitUntil: "networkidle0" });
    await hydrated();
    expect(pathname()).toBe("/login");
    expect(await text("h3")).toBe("个人用户登录");

    // 注册 a new account.
    await page.click("a[href='/register']::-p-text(注册)");
    await waitForPath("/register");
    await page.waitForSelector("form[aria-label='用户注册'] #username");
    const username = `zg${crypto.randomBytes(4).toString("hex")}`;
    const password = `Zhegong${crypto.randomInt(1000, 9999)}pass`;
    await page.type("#username", username);
    await page.type("#password", password);
    await page.type("#confirmPassword", password);
    await page.click("form[aria-label='用户注册'] button[type=submit]");

    // First login: straight to the profile form.
    await waitForPath("/profile");
    await page.waitForSelector("#root_name");
    expect(await text("h3")).toBe("个人基本信息");
    expect(await text("main")).toContain("首次登录请先完善个人基本信息");

    // 个人中心 is out of reach until the profile is saved.
    await page.goto(`${server.url}/home`, { waitUntil: "networkidle0" });
    expect(pathname()).toBe("/profile");
    await hydrated();
    await page.waitForSelector("#root_name");

    // Every required field.
    await fill("#root_name", PERSON.name);
    await page.click("#root_gender-0"); // 男
    expect(await page.$eval("#root_gender-0", (el) => (el as HTMLInputElement).checked)).toBe(true);
    await typeDate("root_birthDate", PERSON.birthDate);
    await fill("#root_idNumber", ID_WRONG);
    await chooseEnum("root_ethnicity", "汉族");
    await chooseEnum("root_politicalStatus", "群众");
    await fill("#root_mobile", PERSON.mobile);
    await fill("#root_email", PERSON.email);

    // 工作单位: server-side search by pinyin initials.
    await page.click("#root_unitId");
    const searched = page.waitForResponse((r) => r.url().endsWith("/api/units?q=zjgydx"));
    await page.type("#root_unitId", "zjgydx");
    const found = await (await searched).json();
    expect(found.results.map((u: { name: string }) => u.name)).toContain("浙江工业大学");
    await pickOption("浙江工业大学");
    expect(await text("[data-testid='unit-detail']")).toMatch(/统一社会信用代码：[0-9A-Z]{18}/);

    await typeDate("root_workStartDate", PERSON.workStartDate);
    await fill("#root_currentSpecialty", PERSON.specialty);
    await chooseEnum("root_highestEducation", "大学本科");
    await fill("#root_address", PERSON.address);

    // A wrong check character: a Chinese message under 身份证号, nothing sent, still on /profile.
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
    await submitProfile();
    await page.waitForSelector("#root_idNumber__error");
    expect(await text("#root_idNumber__error")).toContain("身份证号码不正确");
    expect(await text(".schema-form")).toContain("有 1 处填写有误");
    expect(await page.$$eval("[id$='__error']", (els) => els.map((e) => e.id))).toEqual(["root_idNumber__error"]);
    await new Promise((r) => setTimeout(r, 500));
    expect(pathname()).toBe("/profile");
    expect(posts).toEqual([]);

    // Corrected: saved, and 个人中心 shows who and where.
    await fill("#root_idNumber", ID_VALID);
    await submitProfile();
    await waitForPath("/home");
    expect(posts).toEqual(["/profile"]);
    await page.waitForFunction(() => document.querySelector("h3")?.textContent === "个人中心");
    const home = await text("main");
    expect(home).toContain(PERSON.name);
    expect(home).toContain("浙江工业大学");
    expect(home).toContain("浙江省教育厅");
    expect(await text(".app-user")).toContain(PERSON.name);

    // Saved for good: a fresh page load keeps the applicant on 个人中心, and the form reloads the values.
    await page.goto(`${server.url}/home`, { waitUntil: "networkidle0" });
    expect(pathname()).toBe("/home");
    await page.goto(`${server.url}/profile`, { waitUntil: "networkidle0" });
    expect(await page.$eval("#root_idNumber", (el) => (el as HTMLInputElement).value)).toBe(ID_VALID);
    expect(await page.$eval("#root_birthDate", (el) => (el as HTMLInputElement).value)).toBe(PERSON.birthDate);
    expect(await text("main")).not.toContain("首次登录请先完善个人基本信息");
  });
});
