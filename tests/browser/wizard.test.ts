// The application wizard in real Chromium against the built server on a fresh SQLite database,
// once per application type (职称评审申报, 大中专毕业生职称初定, 外省调入等职称认定), from the
// menu entry to the submitted record: the plan list and its filter, the plan page and
// 【马上申报】, 申报须知 (初定/认定), the photo through the real file input, the pledge signed on the
// phone page in a second browser context (phone viewport, signature drawn with the mouse) while
// the desktop page moves on to 预览保证书 by itself, the info form through the RJSF/antd widgets,
// 受理评审委员会 (radio) or 【变更受理部门】 → choose → 【确定】, 选择业绩 with 【提取】/【忽略】 and
// the counts, attachments through the file inputs, 检查并提交 and 【提交】; then the record page
// with its 申报编号 and the database (submitted, one submit audit row). Every page's visible
// text is checked for English UI strings that RJSF or antd would show untranslated.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { getWorkflow } from "~/engine/workflow/registry.server";
import { clickText, ensureBuilt, launchBrowser, loginThroughPage, newPage, noEnglish, pageHelpers, squash, type PageHelpers } from "../helpers/browser";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { FILES } from "../helpers/files";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import sampleEducation from "../fixtures/achievements/education.json";
import sampleWork from "../fixtures/achievements/work.json";
import samplePaper from "../fixtures/achievements/paper.json";
import sampleQualification from "../fixtures/achievements/qualification.json";

const PASSWORD = "Tulip-Harbor-2931";
const DAY = 86_400_000;
/** Generous: the machine may be running other test suites at the same time. */
const WAIT = 30_000;
const TEST = 150_000;

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let browser: Browser;
let tmp: string;
let photoPath: string;
let pdfPath: string;
let refs: { gc: number; specs: { id: number; name: string }[]; committees: { id: number; name: string }[]; depts: { id: number; name: string }[]; aff: number };

function planValues(over: Record<string, unknown>) {
  return {
    name: `浏览器测试计划${uniqueName("")}`, titleSeriesId: refs.gc, affiliationIds: [refs.aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", reviewNotes: "", applicantNotice: "<p>请如实填报，弄虚作假者取消申报资格。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: refs.specs.map((s) => s.id), committeeIds: [], acceptanceDepartmentIds: [],
    attachmentRequirements: [
      { name: "学历证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 2 },
      { name: "其他材料", required: false, accept: ["pdf"], maxSizeMb: 5, maxCount: 3 },
    ],
    fee: 0, ...over,
  };
}

/** An applicant with a completed profile and approved entries: two 教育经历, one each of 工作经历, 论文 and 资格证书. */
async function applicant(name: string) {
  const username = uniqueName("wiz");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db), { name, currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12" }), null);
  const entries: Record<string, { title: string; ids: number[] }> = {};
  for (const [slug, sample, n] of [["education", sampleEducation, 2], ["work", sampleWork, 1], ["paper", samplePaper, 1], ["qualification", sampleQualification, 1]] as const) {
    const cat = (await getCategory(db, slug))!;
    entries[slug] = { title: cat.title, ids: [] };
    for (let i = 0; i < n; i++) {
      const e = await createEntry(db, user.id, cat, (sample as any).valid[i]);
      await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
      entries[slug].ids.push(e.id);
    }
  }
  return { username, id: user.id, name, entries };
}

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-wizard-"));
  // A portrait photo as a phone camera sends it (a gradient, with EXIF the server must strip).
  const [w, h] = [600, 800];
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i += 3) { raw[i] = (i / 3) % 256; raw[i + 1] = 120; raw[i + 2] = 200; }
  photoPath = path.join(tmp, "我的证件照.jpg");
  fs.writeFileSync(photoPath, await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg().withMetadata({ exif: { IFD0: { Make: "TestCam" } } }).toBuffer());
  pdfPath = path.join(tmp, "学历证书.pdf");
  fs.writeFileSync(pdfPath, FILES.pdf);

  ctx = await startTestServer();
  ({ server, db } = ctx);
  const m = db.models;
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 3, order: [["id", "ASC"]] })).map((s) => ({ id: s.id, name: s.name }));
  const committees = (await m.Committee.findAll({ limit: 2, order: [["id", "ASC"]] })).map((c) => ({ id: c.id, name: c.name }));
  const depts = (await m.AcceptanceDepartment.findAll({ limit: 2, order: [["id", "ASC"]] })).map((d) => ({ id: d.id, name: d.name }));
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  refs = { gc, specs, committees, depts, aff };
  expect(specs.length).toBe(3);
  expect(committees.length).toBe(2);
  expect(depts.length).toBe(2);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** What differs between the three walks. */
interface Walk {
  type: string;
  menu: string;
  applicantName: string;
  /** The plan's own values (type, level, who accepts it). */
  plan: () => Record<string, unknown>;
  /** The plan list filter chosen before opening the plan: its Select's label and the query key it sets. */
  filter: { label: string; query: string };
  /** Categories (besides 教育经历) one entry of each is extracted from: what the workflow offers and requires. */
  alsoExtract: string[];
  fillForm: (h: PageHelpers) => Promise<void>;
  /** The 受理评审委员会 / 受理部门 step: asserts and chooses; returns the chosen name. */
  chooseAcceptance: (h: PageHelpers) => Promise<string>;
  acceptanceColumn: "committeeId" | "acceptanceDepartmentId";
}

/** Waits for the wizard to show step `id` titled `title`, and checks the page has no English. */
async function atStep(h: PageHelpers, appId: number, id: string, title: string) {
  await h.waitForPath(`/apply/${appId}/${id}`);
  await h.page.waitForFunction((t) => (document.querySelector(".wizard > h4") as HTMLElement | null)?.innerText === t, {}, title);
  await noEnglish(h.page, `step ${id}`);
}

/** An antd Select on the plan list, found by its aria-label: open, narrow by typing, pick. */
async function chooseFilter(h: PageHelpers, label: string, option: string) {
  const input = `main input[aria-label='${label}']`;
  await h.page.click(input);
  await h.page.type(input, option);
  await h.pickOption(option);
}

/** An empty year-month picker: its open panel is in Chinese (no Jan…Dec); the value is typed and confirmed. */
async function pickMonth(h: PageHelpers, id: string, value: string) {
  expect(await h.page.$eval(`#${id}`, (el) => (el as HTMLInputElement).value)).toBe("");
  await h.page.click(`#${id}`);
  const panel = ".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)";
  await h.page.waitForSelector(panel, { visible: true });
  expect(await h.text(panel)).toContain("12月");
  await noEnglish(h.page, `month picker of ${id}`);
  await h.page.type(`#${id}`, value);
  await h.page.keyboard.press("Enter");
  await h.page.waitForFunction((sel, v) => (document.querySelector(sel) as HTMLInputElement).value === v, {}, `#${id}`, value);
}

const WALKS: Record<string, Walk> = {
  "title-review": {
    type: "title-review",
    menu: "职称评审申报",
    applicantName: "钱评审",
    plan: () => ({ planType: "职称评审", titleLevel: "副高级", committeeIds: refs.committees.map((c) => c.id) }),
    filter: { label: "申报职称系列", query: "series" },
    alsoExtract: ["work", "qualification"],
    acceptanceColumn: "committeeId",
    async fillForm(h) {
      // Prefilled from the profile and the plan.
      expect(await h.page.$eval("#root_titleSeries", (el) => (el as HTMLInputElement).value)).toBe("工程");
      expect(await h.page.$eval("#root_currentTitle", (el) => (el as HTMLInputElement).value)).toBe("工程师");
      // 申报专业: only the plan's specialties are offered.
      await h.page.click("#root_specialty");
      await h.page.waitForSelector(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option", { visible: true });
      const offered = await h.page.$$eval(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option", (os) => os.map((o) => o.getAttribute("title")));
      // A required select offers no empty 「请选择」 row (its prompt is the placeholder).
      expect(offered).toEqual(refs.specs.map((s) => s.name));
      await h.pickOption(refs.specs[1].name);
      await h.chooseEnum("root_applyMethod", "正常申报");
      await h.fill("#root_currentPosition", "项目负责人");
      await pickMonth(h, "root_appointDate", "2019-01");
      await h.fill("#root_workYears", "13");
      await h.fill("#root_continuingEducationHours", "360");
      await h.fill("#root_workSummary", "任现职以来主持完成杭州市三项市政道路工程设计，负责结构计算与施工图审查，获市级优秀设计二等奖。");
    },
    async chooseAcceptance(h) {
      const scope = "section[aria-label='受理评审委员会']";
      expect(squash(await h.text(scope))).toContain(squash(refs.committees[0].name));
      await clickText(h, scope, refs.committees[1].name);
      await h.page.waitForFunction((sc) => document.querySelectorAll(`${sc} .ant-radio-wrapper-checked`).length === 1, {}, scope);
      expect(await h.text(`${scope} .ant-radio-wrapper-checked`)).toContain(refs.committees[1].name);
      return refs.committees[1].name;
    },
  },
  "graduate-initial": {
    type: "graduate-initial",
    menu: "大中专毕业生职称初定",
    applicantName: "孙初定",
    plan: () => ({ planType: "职称初定", recognitionType: "大中专毕业生职称初定", titleLevel: "初级助理级", acceptanceDepartmentIds: refs.depts.map((d) => d.id) }),
    filter: { label: "受理部门", query: "department" },
    alsoExtract: ["work", "paper"],
    acceptanceColumn: "acceptanceDepartmentId",
    async fillForm(h) {
      expect(await h.page.$eval("#root_titleSeries", (el) => (el as HTMLInputElement).value)).toBe("工程");
      await h.fill("#root_graduateSchool", "浙江工业大学");
      await h.fill("#root_graduateMajor", "土木工程");
      expect(await h.page.$eval("#root_education", (el) => (el.closest(".ant-select") as HTMLElement).innerText)).toContain("大学本科");
      expect(await h.page.$eval("#root_workStartDate", (el) => (el as HTMLInputElement).value)).toBe("2012-07");
      await pickMonth(h, "root_graduationDate", "2022-06");
      await h.fill("#root_workYears", "3");
      await h.chooseEnum("root_specialty", refs.specs[0].name);
      await h.chooseEnum("root_initialTitle", "初级助理级");
      await h.fill("#root_currentPosition", "技术员");
    },
    chooseAcceptance: changeDepartment,
  },
  "transfer-recognition": {
    type: "transfer-recognition",
    menu: "外省调入等职称认定",
    applicantName: "李认定",
    plan: () => ({ planType: "职称认定", recognitionType: "外省调入人员职称认定", titleLevel: "中级", acceptanceDepartmentIds: refs.depts.map((d) => d.id) }),
    filter: { label: "受理部门", query: "department" },
    alsoExtract: ["work", "qualification"],
    acceptanceColumn: "acceptanceDepartmentId",
    async fillForm(h) {
      // 原资格 prefilled from the profile's current title.
      expect(await h.page.$eval("#root_originalTitle", (el) => (el as HTMLInputElement).value)).toBe("工程师");
      expect(await h.page.$eval("#root_originalDate", (el) => (el as HTMLInputElement).value)).toBe("2018-12");
      await h.fill("#root_originalAuthority", "江苏省工程技术中级评审委员会");
      await h.fill("#root_certificateNumber", "JS-2019-001234");
      await h.fill("#root_originalProvince", "江苏省");
      await pickMonth(h, "root_transferDate", "2024-03");
      await h.chooseEnum("root_specialty", refs.specs[2].name);
      await h.chooseEnum("root_recognizedTitle", "中级");
    },
    chooseAcceptance: changeDepartment,
  },
};

/** 确认信息 (初定/认定): the department chosen on the plan list is shown; 【变更受理部门】 → the other one → 【确定】. */
async function changeDepartment(h: PageHelpers) {
  const [from, to] = refs.depts;
  await h.waitForText("[data-testid='current-department']", from.name);
  await h.clickButton("变更受理部门");
  await h.page.waitForSelector(".ant-modal", { visible: true });
  await h.waitForText(".ant-modal-title", "选择受理部门");
  // The dialog zooms in: clicks land where things are only once it stands still.
  await h.page.waitForFunction(async () => {
    const modal = document.querySelector(".ant-modal")!;
    const before = modal.getBoundingClientRect();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const after = modal.getBoundingClientRect();
    return !/-(appear|enter|leave)/.test(modal.className) && modal.getAnimations({ subtree: true }).length === 0 &&
      before.x === after.x && before.y === after.y && before.width === after.width && before.height === after.height;
  });
  await noEnglish(h.page, "变更受理部门 dialog");
  await clickText(h, ".ant-modal", to.name);
  await h.waitForText(".ant-modal .ant-radio-wrapper-checked", to.name);
  await h.clickButton("确定", ".ant-modal");
  await h.page.waitForSelector(".ant-modal", { hidden: true });
  await h.waitForText("[data-testid='current-department']", to.name);
  return to.name;
}

describe("the application wizard in Chromium, one walk per application type", () => {
  for (const walk of Object.values(WALKS)) {
    it(`${walk.type}: menu → plan list → 【马上申报】 → every step (pledge signed on the phone) → submitted`, async () => {
      const wf = (await getWorkflow(db, walk.type))!;
      const byDept = walk.acceptanceColumn === "acceptanceDepartmentId";
      const extra = walk.plan();
      const planInput = planValues(extra);
      const plan = { id: (await createPlan(db, planInput)).id, name: planInput.name };
      // Another open plan of the type that the filter must hide: accepted only by the other department
      // (初定/认定), or of another title series (评审).
      const otherSeries = (await db.models.TitleSeries.findOne({ where: { name: "经济" } })) ?? (await db.models.TitleSeries.findOne({ order: [["id", "DESC"]] }));
      const decoyInput = planValues(byDept
        ? { ...extra, acceptanceDepartmentIds: [refs.depts[1].id] }
        : { ...extra, titleSeriesId: otherSeries!.id, specialtyIds: [] });
      const decoy = { id: (await createPlan(db, decoyInput)).id, name: decoyInput.name };
      const filterOption = byDept ? refs.depts[0] : { id: refs.gc, name: "工程" };
      const a = await applicant(walk.applicantName);

      const desk = await browser.createBrowserContext();
      const phoneContext = await browser.createBrowserContext();
      try {
        const h = pageHelpers(await newPage(desk, WAIT));
        await loginThroughPage(h, server.url, a.username, PASSWORD);

        // The menu entry → the open plans of the type; the filter narrows the list.
        await h.open(`${server.url}/home`);
        await h.page.click(`nav[aria-label='主导航'] a[href='/plans?type=${walk.type}']`);
        await h.page.waitForFunction((t) => location.pathname === "/plans" && location.search.includes(`type=${t}`), {}, walk.type);
        await h.waitForText("main h3", walk.menu);
        await h.waitForText("main .ant-table-tbody", decoy.name);
        await noEnglish(h.page, "plan list");
        await chooseFilter(h, walk.filter.label, filterOption.name);
        await h.page.waitForFunction((q, id) => new URLSearchParams(location.search).get(q) === String(id), {}, walk.filter.query, filterOption.id);
        await h.page.waitForFunction((n) => !(document.querySelector("main .ant-table-tbody") as HTMLElement).innerText.includes(n), {}, decoy.name);
        expect(await h.text("main .ant-table-tbody")).toContain(plan.name);

        // The plan page → 【马上申报】.
        await h.page.click(`main .ant-table-tbody a[href^='/plans/${plan.id}']`);
        await h.waitForPath(`/plans/${plan.id}`);
        await h.waitForText("main h3", plan.name);
        await noEnglish(h.page, "plan page");
        await h.clickButton("马上申报");
        await h.page.waitForFunction(() => /^\/apply\/\d+\/[a-z-]+$/.test(location.pathname));
        const appId = Number(h.pathname().split("/")[2]);
        const row = async () => plain(await db.models.Application.findByPk(appId))!;
        expect(await row()).toMatchObject({ userId: a.id, planId: plan.id, status: "draft", workflowId: walk.type });

        // The step bar lists every step of the workflow.
        await h.page.waitForSelector("nav[aria-label='申报步骤']");
        const bar = squash(await h.text("nav[aria-label='申报步骤']"));
        for (const s of wf.steps) expect(bar).toContain(squash(s.title));
        const seen: string[] = [];
        const step = async (id: string) => {
          const s = wf.steps.find((x) => x.id === id)!;
          await atStep(h, appId, id, s.title);
          seen.push(id);
        };

        // 申报须知 (初定/认定): 【下一步】 only once the notice is acknowledged.
        if (wf.steps[0].kind === "plan-notice") {
          await step(wf.steps[0].id);
          expect(await h.text("main")).toContain("请如实填报，弄虚作假者取消申报资格。");
          const nextDisabled = () => h.page.$$eval("main button", (bs) => bs.find((b) => b.innerText.replace(/\s+/g, "") === "下一步")!.disabled);
          expect(await nextDisabled()).toBe(true);
          await clickText(h, "main", (wf.steps[0].options as any).acknowledge);
          await h.clickButton("下一步");
        }

        // 上传证件照: through the real file input; the normalised photo is previewed.
        await step("photo");
        expect(await h.page.$("img[alt='证件照预览']")).toBeNull();
        await (await h.page.$("input[type=file][aria-label='上传证件照']"))!.uploadFile(photoPath);
        const preview = await h.page.waitForSelector("img[alt='证件照预览']");
        await h.page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, {}, preview);
        expect(await preview!.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([295, 413]);
        await noEnglish(h.page, "photo uploaded");
        await h.clickButton("下一步");

        // 签署保证书: the QR code's link opened on a phone (another browser context, no session).
        await step("pledge");
        const signUrl = await h.page.$eval("img[data-sign-url]", (img) => img.getAttribute("data-sign-url")!);
        expect(signUrl).toMatch(new RegExp(`^${server.url.replace(/[.]/g, "\\.")}/sign/[A-Za-z0-9_-]+$`));
        const phone = await phoneContext.newPage();
        await phone.setViewport({ width: 390, height: 844, isMobile: true, deviceScaleFactor: 2 });
        phone.setDefaultTimeout(WAIT);
        const p = pageHelpers(phone);
        await phone.goto(signUrl, { waitUntil: "load" });
        const pad = (await phone.waitForSelector("canvas[data-testid='signature-pad']"))!;
        await phone.waitForFunction((c) => Object.keys(c as object).some((k) => k.startsWith("__reactFiber$")), {}, pad);
        const pledge = await phone.$eval("iframe", (f) => f.getAttribute("srcdoc") ?? "");
        expect(pledge).toContain(a.name);
        expect(pledge).toContain(plan.name);
        await noEnglish(phone, "phone signing page");
        // 确认签署 waits for a signature.
        expect(await phone.$$eval("button", (bs) => bs.find((b) => b.innerText.replace(/\s+/g, "") === "确认签署")!.disabled)).toBe(true);
        const box = (await pad.boundingBox())!;
        await phone.mouse.move(box.x + 20, box.y + box.height / 2);
        await phone.mouse.down();
        for (let i = 1; i <= 30; i++) await phone.mouse.move(box.x + 20 + i * ((box.width - 40) / 30), box.y + box.height / 2 + Math.sin(i / 3) * 40);
        await phone.mouse.up();
        // After the action Remix reloads the page's data, which now says the link was used: the
        // success page must stay (it once turned into 无法签署 a moment later).
        const reloaded = phone.waitForResponse((r) => r.request().method() === "GET" && r.url().includes("_data=routes%2Fsign."));
        await p.clickButton("确认签署", "body");
        await p.waitForText("body", "签署成功");
        await reloaded;
        await phone.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        expect(await phone.$eval("body", (b) => b.innerText)).toContain("签署成功");
        expect(await phone.$eval("body", (b) => b.innerText)).not.toContain("无法签署");
        // The desktop notices without being touched and moves on to 预览保证书.
        await step("pledge-preview");
        const signed = await h.page.$eval("iframe[title='保证书预览']", (f) => f.getAttribute("srcdoc") ?? "");
        expect(signed).toContain(a.name);
        expect(signed).toMatch(/<img[^>]+src="data:image\/png;base64,/);
        // The phone link is single-use.
        await phone.reload({ waitUntil: "load" });
        await p.waitForText("body", "无法签署");
        await phone.close();
        await h.clickButton("下一步");

        // 填写申报信息: the RJSF form through its antd widgets.
        await step("info");
        await h.page.waitForSelector("#root_name");
        expect(await h.page.$eval("#root_name", (el) => (el as HTMLInputElement).value)).toBe(a.name);
        await walk.fillForm(h);
        await noEnglish(h.page, "info form filled");
        await h.clickButton("下一步", ".schema-form");

        // 受理评审委员会 / 确认信息 (受理部门).
        const acceptance = wf.steps.find((s) => s.kind === "department-select")!;
        await step(acceptance.id);
        const chosen = await walk.chooseAcceptance(h);
        await h.clickButton("下一步");

        // 选择业绩: tick rows, 【提取】, the counts; 【忽略】 one and 【提取】 it again.
        await step("achievements");
        const edu = a.entries.education;
        const sec = `section[aria-label='${edu.title}']`;
        const count = (title: string, n: number) => h.waitForText(`section[aria-label='${title}'] .ant-tag`, `已提取 ${n} 条`);
        const tick = (title: string, id: number) => h.page.click(`section[aria-label='${title}'] tbody tr[data-row-key='${id}'] .ant-checkbox-input`);
        await count(edu.title, 0);
        for (const id of edu.ids) await tick(edu.title, id);
        await h.clickButton("提取", sec);
        await count(edu.title, 2);
        await h.waitForText(`${sec} tr[data-row-key='${edu.ids[0]}']`, "已提取");
        await tick(edu.title, edu.ids[0]);
        await h.clickButton("忽略", sec);
        await count(edu.title, 1);
        await h.waitForText(`${sec} tr[data-row-key='${edu.ids[0]}']`, "未提取");
        await tick(edu.title, edu.ids[0]);
        await h.clickButton("提取", sec);
        await count(edu.title, 2);
        for (const slug of walk.alsoExtract) {
          const { title, ids } = a.entries[slug];
          await tick(title, ids[0]);
          await h.clickButton("提取", `section[aria-label='${title}']`);
          await count(title, 1);
        }
        await h.waitForText("main .ant-alert-info", "已提取 4 条");
        await noEnglish(h.page, "achievements extracted");
        await h.clickButton("下一步");

        // 上传附件: 【下一步】 waits for the required slot.
        await step("attachments");
        expect(await h.text("main")).toContain("还有 1 项必传附件未上传");
        await (await h.page.$("input[type=file][aria-label='上传学历证书']"))!.uploadFile(pdfPath);
        await h.page.waitForFunction(() => [...document.querySelectorAll("main a[href^='/files/']")].some((el) => el.textContent === "学历证书.pdf"));
        await h.page.waitForFunction(() => !document.querySelector("main")!.textContent!.includes("必传附件未上传"));
        await noEnglish(h.page, "attachment uploaded");
        await h.clickButton("下一步");

        // 检查并提交: the summary, the declaration (评审), 【提交】.
        await step("submit");
        const summary = await h.text("main");
        for (const v of [chosen, a.name, "学历证书.pdf", edu.title]) expect(summary).toContain(v);
        const declaration = (wf.steps.find((s) => s.id === "submit")!.options as any)?.declaration as string | undefined;
        if (declaration) {
          const submitDisabled = () => h.page.$$eval("main button", (bs) => bs.find((b) => b.innerText.replace(/\s+/g, "") === "提交")!.disabled);
          expect(await submitDisabled()).toBe(true);
          await clickText(h, "main", declaration);
        }
        await h.clickButton("提交");

        // The record page with its number.
        await h.waitForPath(`/records/${appId}`);
        await h.waitForText("main", "申报编号");
        const done = await row();
        expect(done).toMatchObject({ status: "submitted", workflowId: walk.type, workflowVersion: wf.version });
        expect(done.number).toMatch(new RegExp(`^${wf.numberPrefix}2026\\d{6}$`));
        expect(await h.text("main")).toContain(done.number!);
        await noEnglish(h.page, "record page");

        expect(seen).toEqual(wf.steps.map((s) => s.id));
        expect(done[walk.acceptanceColumn]).toBe((byDept ? refs.depts[1] : refs.committees[1]).id);
        expect(await db.models.ApplicationAchievement.count({ where: { applicationId: appId } })).toBe(4);
        expect(await db.models.AuditLog.count({ where: { entityType: "application", entityId: String(appId), action: "submit" } })).toBe(1);
        expect(await db.models.Application.count({ where: { userId: a.id } })).toBe(1);
      } catch (e) {
        // Where the walk stood: the desktop page's address and text, for the failure message.
        const [page] = await desk.pages();
        const where = page ? `${page.url()}\n${await page.evaluate(() => document.body.innerText).catch(() => "")}` : "";
        throw Object.assign(e as Error, { message: `${(e as Error).message}\n--- desktop page: ${where.slice(0, 2000)}` });
      } finally {
        await phoneContext.close();
        await desk.close();
      }
    }, TEST);
  }
});
