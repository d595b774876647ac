// Keyboard only (issue 16 item 14): one 职称评审申报 wizard from the plan page to 【提交】 with
// Tab, Shift+Tab, Enter, Space, arrow keys and typed text — no mouse click on the desktop page.
// Files are chosen in the chooser the focused 【上传…】 button opens (Enter); the pledge is signed
// on the phone page the QR code links to, as the phone would (a drawn signature). Every step
// passes axe-core with no serious or critical violation.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/utils/db.server";
import { axeViolations, ensureBuilt, launchBrowser, newPage, pageHelpers, setSessionCookies, type PageHelpers } from "../helpers/browser";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, PASSWORD } from "../helpers/review-fixtures";
import { photoJpeg } from "../helpers/wizard";

const WAIT = 30_000;

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-keyboard-"));
  fs.writeFileSync(path.join(tmp, "证件照.jpg"), await photoJpeg());
  fs.writeFileSync(path.join(tmp, "学历证书.pdf"), FILES.pdf);
  ctx = await startTestServer();
  ({ server, db } = ctx);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Presses Tab until the focused element matches `selector` (and, if given, its text is `text`). */
async function tabTo(page: Page, selector: string, text?: string) {
  for (let i = 0; i < 250; i++) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate((sel, t) => {
      const el = document.activeElement as HTMLElement | null;
      return !!el && el.matches(sel) && (t === null || el.innerText.replace(/\s+/g, "") === t);
    }, selector, text ?? null);
    if (hit) return;
  }
  throw new Error(`Tab never reached ${selector}${text ? ` 「${text}」` : ""}`);
}

/** Tab to the enabled button labelled `label` inside `scope` and press Enter. */
async function pressButton(h: PageHelpers, label: string, scope = "main") {
  await h.button(label, scope);
  await tabTo(h.page, `${scope} button:not([disabled])`, label);
  await h.page.keyboard.press("Enter");
}

/** Waits for step `id`, then checks it with axe. */
async function atStep(h: PageHelpers, appId: number, id: string, found: string[]) {
  await h.waitForPath(`/apply/${appId}/${id}`);
  await h.page.waitForSelector(".wizard > h4");
  for (const v of await axeViolations(h.page)) found.push(`${id}: axe ${v.impact} ${v.id} (${v.help})\n    ${v.nodes.join("\n    ")}`);
}

/** A file through the chooser that Enter on the focused 【label】 button opens. */
async function chooseFile(h: PageHelpers, label: string, file: string) {
  await h.button(label);
  await tabTo(h.page, "main button", label);
  // The step re-renders once its data settles: press when the page stands still.
  await h.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const chooserShown = h.page.waitForFileChooser();
  await h.page.evaluate(() => (document.activeElement as HTMLElement).innerText);
  await h.page.keyboard.press("Enter");
  const chooser = await chooserShown;
  await chooser.accept([path.join(tmp, file)]);
}

describe("the wizard from the keyboard alone", () => {
  it("职称评审申报: plan page → every step → 【提交】 with Tab, Enter and Space", async () => {
    const unit = await unitId(db);
    const plans = await makePlans(db);
    const a = await makeApplicant(db, unit, { name: "赵键盘", categories: ["education", "work", "paper", "qualification"] });
    const plan = (await db.models.Plan.findByPk(plans.review))!;
    const specialty = (await db.models.Specialty.findByPk(plan.specialtyIds[0]))!.name;
    const c = new Client(server.url);
    await c.login(a.username, PASSWORD);
    const context = await browser.createBrowserContext();
    const found: string[] = [];
    try {
      const h = pageHelpers(await newPage(context, WAIT));
      await setSessionCookies(h.page, server.url, c.cookies);
      await h.open(`${server.url}/plans/${plans.review}`);
      // The skip link is the first stop: Enter moves focus to the page's content.
      await h.page.keyboard.press("Tab");
      expect(await h.page.evaluate(() => (document.activeElement as HTMLElement).innerText)).toBe("跳到主要内容");
      await pressButton(h, "马上申报");
      await h.page.waitForFunction(() => /^\/apply\/\d+\/[a-z-]+$/.test(location.pathname));
      const appId = Number(h.pathname().split("/")[2]);

      // 上传证件照: 【上传证件照】 opens the file chooser.
      await atStep(h, appId, "photo", found);
      await chooseFile(h, "上传证件照", "证件照.jpg");
      await h.page.waitForSelector("img[alt='证件照预览']");
      await pressButton(h, "下一步");

      // 签署保证书: signed on the phone page the QR code links to.
      await atStep(h, appId, "pledge", found);
      const signUrl = await h.page.$eval("img[data-sign-url]", (img) => img.getAttribute("data-sign-url")!);
      const phone = await (await browser.createBrowserContext()).newPage();
      try {
        await phone.setViewport({ width: 390, height: 844, isMobile: true });
        phone.setDefaultTimeout(WAIT);
        const p = pageHelpers(phone);
        await p.open(signUrl);
        const pad = (await phone.waitForSelector("canvas[data-testid='signature-pad']"))!;
        const box = (await pad.boundingBox())!;
        await phone.mouse.move(box.x + 20, box.y + box.height / 2);
        await phone.mouse.down();
        for (let i = 1; i <= 20; i++) await phone.mouse.move(box.x + 20 + i * ((box.width - 40) / 20), box.y + box.height / 2 + Math.sin(i / 3) * 30);
        await phone.mouse.up();
        await p.clickButton("确认签署", "body");
        await p.waitForText("body", "签署成功");
      } finally {
        await phone.browserContext().close();
      }

      // 预览保证书 (the desktop moves on by itself).
      await atStep(h, appId, "pledge-preview", found);
      await pressButton(h, "下一步");

      // 填写申报信息: typed field by field; selects narrowed by typing and picked with Enter.
      await atStep(h, appId, "info", found);
      await h.page.waitForSelector("#root_specialty");
      const select = async (id: string, label: string) => {
        await tabTo(h.page, `#${id}`);
        await h.page.keyboard.type(label);
        await h.page.waitForSelector(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${label}"]`, { visible: true });
        await h.page.keyboard.press("Enter");
        await h.page.waitForFunction((sel, l) => (document.querySelector(sel)!.closest(".ant-select") as HTMLElement).innerText.includes(l), {}, `#${id}`, label);
      };
      const text = async (id: string, value: string) => {
        await tabTo(h.page, `#${id}`);
        await h.page.keyboard.type(value);
        await h.page.waitForFunction((sel, v) => (document.querySelector(sel) as HTMLInputElement).value === v, {}, `#${id}`, value);
      };
      await select("root_specialty", specialty);
      await select("root_applyMethod", "正常申报");
      await text("root_currentPosition", "项目负责人");
      await tabTo(h.page, "#root_appointDate");
      await h.page.keyboard.type("2019-01");
      await h.page.keyboard.press("Enter");
      await h.page.waitForFunction(() => (document.querySelector("#root_appointDate") as HTMLInputElement).value === "2019-01");
      await text("root_workYears", "13");
      await text("root_continuingEducationHours", "360");
      await text("root_workSummary", "任现职以来主持完成三项市政道路工程设计。");
      await pressButton(h, "下一步", ".schema-form");

      // 受理评审委员会: a radio, chosen with Space.
      await atStep(h, appId, "committee", found);
      if (!(await h.page.$("main .ant-radio-wrapper-checked"))) {
        await tabTo(h.page, "main input[type=radio]");
        await h.page.keyboard.press("Space");
        await h.page.waitForSelector("main .ant-radio-wrapper-checked");
      }
      await pressButton(h, "下一步");

      // 选择业绩: in each category 全选 (Space) then 【提取】 (Enter).
      await atStep(h, appId, "achievements", found);
      const sections = await h.page.$$eval("main section[aria-label]", (ss) => ss.filter((s) => s.querySelector("tbody tr[data-row-key]")).map((s) => s.getAttribute("aria-label")!));
      expect(sections.length).toBeGreaterThan(0);
      for (const title of sections) {
        const sec = `main section[aria-label='${title}']`;
        await tabTo(h.page, `${sec} thead input[type=checkbox]`);
        await h.page.keyboard.press("Space");
        await pressButton(h, "提取", sec);
        await h.page.waitForFunction((s) => !(document.querySelector(`${s} .ant-tag`) as HTMLElement).innerText.includes("已提取 0 条"), {}, sec);
      }
      await pressButton(h, "下一步");

      // 上传附件: 【上传学历证书】 opens the chooser.
      await atStep(h, appId, "attachments", found);
      await chooseFile(h, "上传学历证书", "学历证书.pdf");
      await h.page.waitForFunction(() => [...document.querySelectorAll("main a[href^='/files/']")].some((el) => el.textContent === "学历证书.pdf"));
      await pressButton(h, "下一步");

      // 检查并提交: the declaration with Space, 【提交】 with Enter.
      await atStep(h, appId, "submit", found);
      await tabTo(h.page, "main input[type=checkbox]");
      await h.page.keyboard.press("Space");
      await pressButton(h, "提交");
      await h.waitForPath(`/records/${appId}`);
      await h.waitForText("main", "申报编号");
      expect((await db.models.Application.findByPk(appId))!.status).toBe("submitted");
    } finally {
      await context.close();
    }
    expect(found, found.join("\n")).toEqual([]);
  }, 240_000);
});
