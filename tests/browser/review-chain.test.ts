// The review chain of a 职称评审 application in real Chromium against the built server on a fresh
// SQLite database, every person in a browser context of their own, signed in through /login:
// the application (submitted over HTTP) goes 单位审核 → 主管部门审核 → 受理, each reviewer opening it
// from 申报审核 (tab 待我审核), choosing 通过, typing an opinion and clicking 【通过】; the applicant
// opens 我的申报记录 → the record, sees 待缴费 and the fee (and a 站内信 saying so), clicks 【马上支付】, pays on the sandbox
// cashier (【确认支付】), comes back to the record, which updates by itself once the provider's
// asynchronous notification arrives; at 评委会评审 (a vote stage) the office records a 评审会议 from
// 【评审会议】, types the counts (6 of 9 赞成: exactly 2/3), saves them and publishes the
// 评审结果公示, which a visitor reaches from the login page without signing in; the record shows
// 评审通过 and the 办理记录 timeline with every opinion; 【导出评审表】 downloads (through the
// browser) a PDF whose text holds the applicant's name, the 申报编号 and the reviewers' opinions.
// Every page's visible text is checked for English UI strings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, CDPSession } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { ensureBuilt, explainingPages, launchBrowser, loginThroughPage, newPage, noEnglish, pageHelpers, squash, type PageHelpers } from "../helpers/browser";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { uniqueName, validProfile } from "../helpers/fixtures";
import { pdfHasText, pdfPlain, pdfWords } from "../helpers/pdf-text";
import { startApply, walkToSubmit } from "../helpers/wizard";
import { addDays, shanghaiDay } from "~/engine/working-days";
import { cnDate } from "~/engine/format-value";
import sampleEducation from "../fixtures/achievements/education.json";
import sampleWork from "../fixtures/achievements/work.json";
import samplePaper from "../fixtures/achievements/paper.json";
import sampleQualification from "../fixtures/achievements/qualification.json";

const PASSWORD = "Tulip-Harbor-2931";
const DAY = 86_400_000;
const FEE = 30000; // fen: ¥300.00
const FEE_TEXT = "¥300.00";
const APPLICANT = "孙评审";
/** Generous: the machine may be running other test suites at the same time. */
const WAIT = 45_000;
const TEST = 150_000;

const OPINIONS = {
  unit: "同意推荐，该同志业绩突出",
  dept: "经审核，材料真实，同意上报",
  acceptance: "材料齐全，予以受理",
  // 评委会评审 is a vote: the office's counts, recorded in the audit row as this text and more.
  committee: "2026年第一次评审会议表决：赞成 6 票，反对 2 票，弃权 1 票",
};

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let browser: Browser;
let tmp: string;
let appId: number;
let number: string;
let planName: string;
let committeeName: string;
const people = {} as Record<"applicant" | "unit" | "dept" | "office", { username: string; displayName: string; context: BrowserContext; h: PageHelpers }>;

/** Runs a step; on failure the message says where every person's page stood. */
const step = (fn: () => Promise<void>) => explainingPages(people, fn);

const row = async () => plain(await db.models.Application.findByPk(appId))!;

/** A native date input takes its value as set (typing into one depends on the browser's locale). */
async function setValue(h: PageHelpers, selector: string, value: string) {
  await h.page.waitForSelector(selector);
  await h.page.$eval(selector, (el, v) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(el, v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
  expect(await h.page.$eval(selector, (el) => (el as HTMLInputElement).value)).toBe(value);
}
const stateTag = "main .ant-descriptions .ant-tag";

/** A staff member: 申报审核 from the menu, tab 待我审核, the application's row → its page at `stateLabel`. */
async function openFromQueue(h: PageHelpers, stateLabel: string) {
  await h.open(`${server.url}/staff`);
  await h.page.click("nav[aria-label='主导航'] a[href='/staff/applications']");
  await h.waitForPath("/staff/applications");
  await h.waitForText("main h3", "申报审核");
  await h.waitForText("main .ant-tabs-tab-active", "待我审核");
  const link = `main tr:has(a[href='/staff/applications/${appId}']) a[href='/staff/applications/${appId}']`;
  await h.page.waitForSelector(link);
  const text = await h.page.$eval(`main tr:has(a[href='/staff/applications/${appId}'])`, (tr) => (tr as HTMLElement).innerText);
  for (const want of [number, APPLICANT, stateLabel]) expect(text).toContain(want);
  expect(squash(await h.page.$eval(link, (a) => (a as HTMLElement).innerText))).toBe("审核");
  await noEnglish(h.page, `queue of ${stateLabel}`);
  await h.page.click(link);
  await h.waitForPath(`/staff/applications/${appId}`);
  await h.waitForText("main h3", `${APPLICANT} 的申报`);
  await h.waitForText(stateTag, stateLabel);
  expect(await h.text("main .ant-descriptions")).toContain(number);
}

/** On the staff application page: 通过 (radio), the opinion typed into the textarea, 【通过】. */
/** 【通过】 with an opinion. `staysInQueue`: the next stage is the same reviewer's (单位审核 → 单位公示). */
async function approve(h: PageHelpers, opinionLabel: string, opinion: string, staysInQueue = false) {
  const panel = "section[aria-label='审核意见']";
  await h.page.waitForSelector(panel);
  await h.waitForText(`${panel} h4`, opinionLabel);
  // 不通过 first (the button follows the choice and waits for a reason), then 通过.
  const radio = async (label: string) => {
    const handle = await h.page.waitForFunction(
      (sc, l) => [...document.querySelectorAll<HTMLElement>(`${sc} label.ant-radio-wrapper`)].find((el) => el.innerText.trim() === l) ?? null,
      {}, panel, label,
    );
    await (handle.asElement() as any).click();
    await h.waitForText(`${panel} label.ant-radio-wrapper-checked`, label);
  };
  await radio("不通过");
  await h.page.waitForFunction(
    (sc) => [...document.querySelectorAll<HTMLButtonElement>(`${sc} button`)].some((b) => b.innerText.replace(/\s+/g, "") === "不通过" && b.disabled),
    {}, panel,
  );
  await radio("通过");
  expect(await h.page.$eval(`${panel} label.ant-radio-wrapper-checked`, (el) => (el as HTMLElement).innerText.trim())).toBe("通过");
  const textarea = `${panel} textarea[aria-label='审核意见']`;
  await h.page.click(textarea);
  await h.page.type(textarea, opinion);
  expect(await h.page.$eval(textarea, (el) => (el as HTMLTextAreaElement).value)).toBe(opinion);
  await noEnglish(h.page, `decision panel (${opinionLabel})`);
  const before = (await row()).stage;
  await h.clickButton("通过", panel);
  // Back on the queue with the notice; the application has left 待我审核.
  await h.waitForPath("/staff/applications");
  await h.waitForText("main [role=status]", "已审核通过");
  if (!staysInQueue) await h.page.waitForFunction((sel) => !document.querySelector(sel), {}, `main a[href='/staff/applications/${appId}']`);
  await noEnglish(h.page, `queue after approving (${opinionLabel})`);
  expect((await row()).stage).not.toBe(before);
}

/** A native date input set the way a person picks a day (React sees the input event). */
async function setDate(h: PageHelpers, selector: string, value: string) {
  await h.page.waitForSelector(selector);
  await h.page.$eval(selector, (el, v) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(el, v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
  await h.page.waitForFunction((sel, v) => (document.querySelector(sel) as HTMLInputElement).value === v, {}, selector, value);
}

/** 单位公示: the unit enters a period it has already posted (20 days ago to yesterday), then 无异议. */
const PUBLICITY_START = addDays(shanghaiDay(), -20);
const PUBLICITY_END = addDays(shanghaiDay(), -1);
const PUBLICITY_PERIOD = `${cnDate(PUBLICITY_START)}至${cnDate(PUBLICITY_END)}`;
async function publicity(h: PageHelpers) {
  const panel = "main section[aria-label='单位公示']";
  await h.page.waitForSelector(panel);
  // No period yet: the outcome cannot be entered, and the page says why.
  await h.waitForText(panel, "须先录入公示期");
  expect(await h.page.$eval("main", (m) => (m as HTMLElement).innerText)).toContain("导出公示版评审表");
  await setDate(h, `${panel} input[aria-label='公示开始日期']`, PUBLICITY_START);
  await setDate(h, `${panel} input[aria-label='公示结束日期']`, PUBLICITY_END);
  await noEnglish(h.page, "单位公示 panel");
  await h.clickButton("录入公示期", panel);
  await h.waitForText("main [role=status]", "已录入公示期");
  await h.waitForText("main section[aria-label='公示']", PUBLICITY_PERIOD);
  await h.page.waitForFunction((sc) => !(document.querySelector(sc) as HTMLElement).innerText.includes("须先录入公示期"), {}, panel);
  await h.clickButton("录入公示结果", panel);
  await h.waitForPath("/staff/applications");
  await h.waitForText("main [role=status]", "已录入公示结果");
  await h.page.waitForFunction((sel) => !document.querySelector(sel), {}, `main a[href='/staff/applications/${appId}']`);
}

/** The applicant: 我的申报记录 from the menu → the record's 查看 → the record page. */
async function applicantOpensRecord(h: PageHelpers, stateLabel: string) {
  await h.open(`${server.url}/home`);
  await h.page.click("nav[aria-label='主导航'] a[href='/records']");
  await h.waitForPath("/records");
  await h.waitForText("main h3", "我的申报记录");
  const tr = `main tr:has(a[href='/records/${appId}'])`;
  await h.page.waitForSelector(tr);
  const text = await h.page.$eval(tr, (el) => (el as HTMLElement).innerText);
  for (const want of [number, planName, stateLabel]) expect(text).toContain(want);
  await noEnglish(h.page, "我的申报记录");
  await h.page.click(`${tr} a[href='/records/${appId}']`);
  await h.waitForPath(`/records/${appId}`);
  await h.waitForText("main h3", "申报记录");
  await h.waitForText(stateTag, stateLabel);
  expect(await h.text("main .ant-descriptions")).toContain(number);
}

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-review-chain-"));
  ctx = await startTestServer({ PAYMENT_SANDBOX_SECRET: "browser-test-sandbox-secret-0123" });
  ({ server, db } = ctx);
  const m = db.models;

  // A 职称评审 plan with a fee, accepted by one committee.
  const gc = (await m.TitleSeries.findOne({ where: { name: "工程" } }))!.id;
  const specs = (await m.Specialty.findAll({ where: { seriesId: gc }, limit: 3, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = (await m.Committee.findOne({ order: [["id", "ASC"]] }))!;
  committeeName = committee.name;
  const aff = (await m.Affiliation.findOne({ order: [["id", "ASC"]] }))!.id;
  planName = `浏览器评审链计划${uniqueName("")}`;
  const plan = await createPlan(db, {
    name: planName, planType: "职称评审", titleSeriesId: gc, titleLevel: "副高级", affiliationIds: [aff], year: 2026,
    opensAt: new Date(Date.now() - 5 * DAY).toISOString(), closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    basicInfo: "<p>基本信息</p>", reviewNotes: "", applicantNotice: "<p>请如实填报。</p>", eligibilityText: "具备相应学历", eligibilityRules: [],
    specialtyIds: specs, committeeIds: [committee.id], acceptanceDepartmentIds: [],
    attachmentRequirements: [{ name: "学历证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 2 }],
    fee: FEE,
  });

  // The applicant: completed profile, approved archive entries, the application submitted over HTTP.
  const unit = (await m.Unit.findOne({ where: { name: "浙江工业大学" } }))!;
  const department = (await m.Department.findByPk(unit.departmentId!))!;
  const applicantName = uniqueName("rc");
  const user = await createUser(db, { username: applicantName, password: PASSWORD, role: "applicant" });
  await saveProfile(db, user.id, validProfile(unit.id, { name: APPLICANT, currentTitle: "工程师", currentTitleLevel: "中级", currentTitleDate: "2018-12" }), null);
  for (const [slug, sample] of [["education", sampleEducation], ["work", sampleWork], ["paper", samplePaper], ["qualification", sampleQualification]] as const) {
    const e = await createEntry(db, user.id, (await getCategory(db, slug))!, (sample as any).valid[0]);
    await m.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
  }
  const c = new Client(server.url);
  expect((await c.login(applicantName, PASSWORD)).status).toBe(302);
  appId = await startApply(c, plan.id);
  await walkToSubmit(c, appId, { base: server.url });
  const submitted = await row();
  expect(submitted).toMatchObject({ status: "submitted", stage: "unit_review", committeeId: committee.id });
  number = submitted.number!;

  // The staff of each stage, scoped to this applicant's unit, its 主管部门 and the plan's committee.
  const staff = async (role: string, displayName: string, scopes: Record<string, string[]>) => {
    const username = uniqueName(role.slice(0, 4));
    await createUser(db, { username, password: PASSWORD, role, displayName, scopes });
    return { username, displayName };
  };
  const accounts = {
    applicant: { username: applicantName, displayName: APPLICANT },
    unit: await staff("unit_reviewer", "单位经办人赵", { units: [unit.creditCode] }),
    dept: await staff("dept_reviewer", "主管部门钱", { departments: [department.name] }),
    office: await staff("acceptance_office", "评委会办事机构孙", { committees: [committeeName] }),
  };

  browser = await launchBrowser();
  for (const [who, a] of Object.entries(accounts)) {
    const context = await browser.createBrowserContext();
    const h = pageHelpers(await newPage(context, WAIT));
    await loginThroughPage(h, server.url, a.username, PASSWORD);
    people[who as keyof typeof people] = { ...a, context, h };
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("职称评审：单位审核 → 单位公示 → 主管部门审核 → 受理 → 马上支付（沙箱）→ 评委会评审 → 导出评审表", () => {
  it("the unit reviewer, the 主管部门 and the acceptance office each open it from 待我审核 and 【通过】 with an opinion", () => step(async () => {
    const { unit, dept, office } = people;
    // Not yet at their stages: the others' 待我审核 do not list it.
    await office.h.open(`${server.url}/staff/applications`);
    await office.h.waitForText("main .ant-tabs-tab-active", "待我审核");
    expect(await office.h.page.$(`main a[href='/staff/applications/${appId}']`)).toBeNull();

    await openFromQueue(unit.h, "单位审核中");
    await approve(unit.h, "单位推荐意见", OPINIONS.unit, true);
    expect(await row()).toMatchObject({ status: "submitted", stage: "unit_publicity" });
    // 单位公示: the same unit reviewer, from 待我审核 again.
    await openFromQueue(unit.h, "单位公示中");
    await publicity(unit.h);
    expect(await row()).toMatchObject({ status: "submitted", stage: "dept_review" });

    await openFromQueue(dept.h, "主管部门审核中");
    await approve(dept.h, "主管部门审核意见", OPINIONS.dept);
    expect(await row()).toMatchObject({ status: "submitted", stage: "acceptance" });

    await openFromQueue(office.h, "受理中");
    await approve(office.h, "受理意见", OPINIONS.acceptance);
    expect(await row()).toMatchObject({ status: "submitted", stage: "payment" });

    // At 缴费 the office sees the state, no decision panel (it waits for the applicant).
    await office.h.open(`${server.url}/staff/applications/${appId}`);
    await office.h.waitForText(stateTag, "待缴费");
    expect(await office.h.page.$("section[aria-label='审核意见']")).toBeNull();
    await noEnglish(office.h.page, "staff page at 待缴费");
  }), TEST);

  it("the applicant sees 待缴费 and the fee, pays on the sandbox cashier, and the record moves on by itself", () => step(async () => {
    const { h } = people.applicant;
    await applicantOpensRecord(h, "待缴费");
    const card = "main [aria-label='缴费']";
    await h.waitForText(card, "应缴费用");
    expect(await h.text(card)).toContain(FEE_TEXT);
    // The 单位公示 period and its outcome.
    const shown = await h.text("main section[aria-label='公示']");
    expect(shown).toContain(PUBLICITY_PERIOD);
    expect(shown).toContain("无异议");
    await noEnglish(h.page, "record page at 待缴费");

    // A 站内信 told the applicant to pay: the header leads to it (the server's notification loop
    // writes it within a round or two: the page is reloaded until it is there), and it leads back.
    const list = "main ul[aria-label='站内信列表']";
    for (let round = 0; ; round++) {
      await h.page.click("header a[href='/messages']");
      await h.waitForPath("/messages");
      if ((await h.page.$eval("main", (m) => (m as HTMLElement).innerText)).includes("待缴费")) break;
      if (round > 200) throw new Error("no 待缴费 站内信 arrived");
      await h.open(`${server.url}/records/${appId}`);
    }
    const inbox = await h.text(list);
    expect(inbox).toContain("待缴费");
    expect(inbox).toContain(`编号 ${number}`);
    await noEnglish(h.page, "站内信");
    await applicantOpensRecord(h, "待缴费");
    await h.waitForText(card, "应缴费用");

    await h.clickButton("马上支付", card);
    await h.page.waitForFunction(() => location.pathname.startsWith("/sandbox-pay/"));
    const orderNo = decodeURIComponent(h.pathname().split("/").pop()!);
    expect(orderNo).toMatch(/^ZC\d{22}$/);
    await h.waitForText("body", "沙箱支付收银台");
    await h.hydrated();
    const cashier = await h.text("body");
    expect(cashier).toContain(FEE_TEXT);
    expect(cashier).toContain(orderNo);
    await noEnglish(h.page, "sandbox cashier");
    expect(await db.models.PaymentOrder.findOne({ where: { orderNo }, raw: true })).toMatchObject({ applicationId: appId, amountFen: FEE, status: "pending" });

    await h.clickButton("确认支付", "body");
    await h.waitForPath(`/records/${appId}`);
    // The notification arrives asynchronously; the page looks again by itself until the
    // application has moved on.
    await h.page.waitForFunction((sel) => {
      const t = (document.querySelector(sel) as HTMLElement | null)?.innerText ?? "";
      return t !== "" && t !== "待缴费";
    }, {}, stateTag);
    expect(await h.text(stateTag)).toBe("评委会评审中");
    await h.waitForText(card, "已缴费");
    const paid = await h.text(card);
    expect(paid).toContain(FEE_TEXT);
    expect(paid).toContain(orderNo);
    expect(squash(paid)).not.toContain("马上支付");
    await noEnglish(h.page, "record page after paying");
    expect(await row()).toMatchObject({ status: "submitted", stage: "committee_review" });
    expect(await db.models.PaymentOrder.findOne({ where: { orderNo }, raw: true })).toMatchObject({ status: "paid", amountFen: FEE });
  }), TEST);

  it("at 评委会评审 the office records a 评审会议, enters the counts and publishes the result; the applicant sees 评审通过 and every opinion in 办理记录", () => step(async () => {
    const { office, applicant } = people;
    // The application page offers no 通过 button at a vote stage, only the way to the meeting.
    await openFromQueue(office.h, "评委会评审中");
    await office.h.waitForText("main [aria-label='表决']", "由评审会议表决决定");
    expect(await office.h.page.$("section[aria-label='审核意见']")).toBeNull();

    const oh = office.h;
    await oh.page.click("nav[aria-label='主导航'] a[href='/staff/meetings']");
    await oh.waitForPath("/staff/meetings");
    await oh.waitForText("main h3", "评审会议");
    const form = "form[aria-label='新建评审会议']";
    await oh.waitForText(`${form} .ant-select`, committeeName);
    await setValue(oh, `${form} input[name='meetingDate']`, "2026-11-20");
    await oh.fill(`${form} input[name='membersTotal']`, "15");
    await oh.fill(`${form} input[name='membersPresent']`, "9");
    await oh.fill(`${form} input[name='title']`, "2026年第一次评审会议");
    await noEnglish(oh.page, "评审会议 list");
    await oh.clickButton("新建评审会议", form);
    await oh.page.waitForFunction(() => /^\/staff\/meetings\/\d+$/.test(location.pathname));
    await oh.waitForText("main [role=status]", "评审会议已新建");
    const meetingPath = oh.pathname();
    await oh.hydrated();
    const entry = "section[aria-label='表决结果录入']";
    await oh.waitForText(entry, APPLICANT);
    await oh.fill(`${entry} input[aria-label='${APPLICANT}赞成']`, "6");
    await oh.fill(`${entry} input[aria-label='${APPLICANT}反对']`, "2");
    await oh.fill(`${entry} input[aria-label='${APPLICANT}弃权']`, "1");
    // The page shows the verdict the rule gives before saving: 6 of 9 is exactly 2/3.
    await oh.waitForText(`${entry} tr:has(input[aria-label='${APPLICANT}赞成'])`, "通过");
    await noEnglish(oh.page, "meeting page");
    await oh.clickButton("保存表决结果", entry);
    await oh.waitForText("main [role=status]", "表决结果已保存");
    expect(await row()).toMatchObject({ status: "approved", stage: null });

    const publish = "form[aria-label='发布评审结果公示']";
    await oh.page.waitForSelector(publish);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const end = new Date(Date.now() + 8 * 3600_000 + 7 * DAY).toISOString().slice(0, 10);
    await setValue(oh, `${publish} input[name='from']`, today);
    await setValue(oh, `${publish} input[name='to']`, end);
    await oh.clickButton("发布评审结果公示", publish);
    await oh.waitForText("main [role=status]", "评审结果公示已发布");
    const publicPath = `/public/results/${meetingPath.split("/").pop()}`;

    // A visitor: the login page links 评审结果公示; the list names the applicant, no ID number.
    const visitor = await browser.createBrowserContext();
    try {
      const vh = pageHelpers(await newPage(visitor, WAIT));
      await vh.open(`${server.url}/login`);
      await vh.page.click("a[href='/public/results']");
      await vh.waitForPath("/public/results");
      await vh.page.waitForSelector(`a[href='${publicPath}']`);
      await vh.page.click(`a[href='${publicPath}']`);
      await vh.waitForPath(publicPath);
      await vh.waitForText("main", APPLICANT);
      const listed = await vh.text("main");
      expect(listed).toContain("浙江工业大学");
      expect(listed).toContain("副高级");
      expect(listed).not.toContain((await row()).applicantIdNumber!);
      await noEnglish(vh.page, "评审结果公示");
    } finally {
      await visitor.close();
    }

    const h = applicant.h;
    await applicantOpensRecord(h, "评审通过");
    const tl = "main section[aria-label='办理记录']";
    await h.waitForText(tl, OPINIONS.committee);
    const timeline = await h.text(tl);
    for (const o of Object.values(OPINIONS)) expect(timeline).toContain(`意见：${o}`);
    for (const p of [people.unit, people.dept, people.office]) expect(timeline).toContain(p.displayName);
    // In order: the unit's opinion first, the committee's last.
    const at = Object.values(OPINIONS).map((o) => timeline.indexOf(o));
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    await noEnglish(h.page, "record page at 评审通过");
  }), TEST);

  it("【导出评审表】 downloads the review form PDF with the name, the 申报编号 and the reviewers' opinions", () => step(async () => {
    const { h, context } = people.applicant;
    const href = `/records/${appId}/review-form.pdf`;
    const link = `main a[href='${href}']`;
    await h.page.waitForSelector(link);
    expect(squash(await h.text(link))).toBe("导出评审表");

    // Downloads of this browser context go to a temporary directory, named by their guid.
    const dir = fs.mkdtempSync(path.join(tmp, "downloads-"));
    const cdp: CDPSession = await browser.target().createCDPSession();
    try {
      await cdp.send("Browser.setDownloadBehavior", { behavior: "allowAndName", downloadPath: dir, eventsEnabled: true, browserContextId: context.id });
      const begun = new Promise<{ guid: string; suggestedFilename: string }>((resolve) => cdp.on("Browser.downloadWillBegin", (e) => resolve(e)));
      const finished = new Promise<string>((resolve, reject) => cdp.on("Browser.downloadProgress", (e) => {
        if (e.state === "completed") resolve(e.guid);
        if (e.state === "canceled") reject(new Error("download canceled"));
      }));
      await h.page.click(link);
      const { guid, suggestedFilename } = await begun;
      // Saved under its Chinese name: 申报编号_姓名_评审表.pdf.
      expect(suggestedFilename).toBe(`${number}_${APPLICANT}_评审表.pdf`);
      expect(await finished).toBe(guid);
      const pdf = fs.readFileSync(path.join(dir, guid));
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");

      const plainText = pdfPlain(pdf);
      expect(plainText).toContain(APPLICANT);
      expect(plainText).toContain(number);
      const words = pdfWords(pdf);
      for (const o of Object.values(OPINIONS)) expect(pdfHasText(words, o), o).toBe(true);
    } finally {
      await cdp.detach();
    }
    // The page is still the record page (a download, not a navigation).
    expect(h.pathname()).toBe(`/records/${appId}`);
  }), TEST);
});
