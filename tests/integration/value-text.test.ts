// One value reads the same wherever it is shown: a oneOf choice by its title, an enum by its
// ui:enumNames name, a boolean as 是/否, a year-month as 2019年1月 — in the record view staff read
// (server-rendered page), the printed review form (pdftotext of the real PDF) and the Excel export of
// the queue; and in the applicant's archive list cells and the review form's achievement table. New
// versions of the title-review application form and of the 获奖情况 category add the oneOf, named
// enum and boolean fields. On SQLite and Postgres, through the built server.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain } from "~/utils/db.server";
import { cellText } from "~/components/cells";
import { createEntry, getCategory } from "~/engine/archive.server";
import { getForm } from "~/engine/form-registry.server";
import { publishFormVersion } from "~/engine/form-publish.server";
import { unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { pdfWords } from "../helpers/pdf-text";

const admin = { username: "form-admin" };
const ROUTE = { type: "string", title: "晋升通道", oneOf: [{ const: "normal", title: "正常晋升" }, { const: "exceptional", title: "破格晋升" }] };
const PART_TIME = { type: "boolean", title: "是否兼职" };
const MENTOR = { type: "string", title: "导师类别", enum: ["A", "B"] };
const MENTOR_UI = { "ui:enumNames": ["甲类导师", "乙类导师"] };
const COOP = { type: "string", title: "合作形式", oneOf: [{ const: "intl", title: "国际合作" }, { const: "local", title: "独立完成" }] };
const LEAD = { type: "boolean", title: "牵头单位" };

/** Info-form fields: stored value, field schema (+ uiSchema) and the one text every surface shows. */
const INFO = [
  { name: "reviewRoute", value: "exceptional", schema: ROUTE, ui: {}, text: "破格晋升" },
  { name: "partTime", value: true, schema: PART_TIME, ui: {}, text: "是" },
  { name: "mentorGrade", value: "B", schema: MENTOR, ui: MENTOR_UI, text: "乙类导师" },
  { name: "appointDate", value: "2019-01", schema: { type: "string", title: "现岗位聘任时间", format: "year-month" }, ui: {}, text: "2019年1月" },
  { name: "titleLevel", value: "副高级", schema: { type: "string", title: "申报级别", enum: ["副高级"] }, ui: {}, text: "副高级" },
];
const ENTRY = { title: "节能电机", cooperation: "intl", isLead: false };

let ctx: TestServer;
let appId: number;
let number: string;
let staff: Client;
let applicant: Client;

const squash = (html: string) => html.replace(/<!-- -->/g, "").replace(/<script\b[\s\S]*?<\/script>/g, "");
const textOf = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').trim();

/** The value cell next to a label in a server-rendered antd Descriptions (the record view). */
function described(html: string, label: string): string | null {
  const m = new RegExp(`<th[^>]*>(?:<[^>]+>)*${label}(?:<[^>]+>)*</th>\\s*<td[^>]*>([\\s\\S]*?)</td>`).exec(html);
  return m ? textOf(m[1]) : null;
}

/** Header → cell text of the table row (server-rendered antd Table) that contains `rowText`. */
function tableRow(html: string, rowText: string): Record<string, string> {
  const headers = [...(/<thead[\s\S]*?<\/thead>/.exec(html)?.[0] ?? "").matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1]));
  const row = [...html.matchAll(/<tr\b[^>]*data-row-key[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]).find((r) => r.includes(rowText));
  expect(row, `row with ${rowText}`).toBeDefined();
  const cells = [...row!.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) => textOf(m[1]));
  return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
}

/** The words printed on the same line right of the first word that is `label`, left to right. */
function pdfLineAfter(words: ReturnType<typeof pdfWords>, label: string): string[] {
  const at = words.find((w) => w.text === label);
  expect(at, `「${label}」 printed`).toBeDefined();
  return words.filter((w) => w.page === at!.page && Math.abs(w.y - at!.y) < 2 && w.x > at!.x2).sort((a, b) => a.x - b.x).map((w) => w.text);
}

beforeAll(async () => {
  ctx = await startTestServer();
  const { db } = ctx;
  const unit = await unitId(db);
  const plans = await makePlans(db);
  const reviewers = await makeReviewers(db, { unitId: unit, ...plans.refs });

  // New versions: the application form with a oneOf, a named enum and a boolean; 获奖情况 with a
  // oneOf and a boolean as list columns.
  const info = (await getForm(db, "application/title-review"))!;
  await publishFormVersion(db, admin, {
    id: info.id, kind: info.kind, title: info.title, meta: info.meta,
    schema: { ...info.schema, properties: { ...info.schema.properties, reviewRoute: ROUTE, partTime: PART_TIME, mentorGrade: MENTOR } },
    uiSchema: { ...info.uiSchema, "ui:order": [...(info.uiSchema["ui:order"] as string[]), "reviewRoute", "partTime", "mentorGrade"], mentorGrade: MENTOR_UI },
  });
  const award = (await getCategory(db, "award"))!.form;
  await publishFormVersion(db, admin, {
    id: award.id, kind: award.kind, title: award.title,
    meta: { ...award.meta, listColumns: [...(award.meta.listColumns ?? []), { field: "cooperation" }, { field: "isLead" }] },
    schema: { ...award.schema, properties: { ...award.schema.properties, cooperation: COOP, isLead: LEAD } },
    uiSchema: { ...award.uiSchema, "ui:order": [...(award.uiSchema["ui:order"] as string[]), "cooperation", "isLead"] },
  });

  const person = await makeApplicant(db, unit, { name: "陆格式", categories: ["education", "work", "paper"] });
  const entry = await createEntry(db, person.id, (await getCategory(db, "award"))!, {
    awardDate: "2023-05", projectName: ENTRY.title, awardName: "浙江省节能奖", level: "省部级", grade: "一等奖", rank: 1, grantor: "浙江省经信厅",
    cooperation: ENTRY.cooperation, isLead: ENTRY.isLead,
  });
  await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: entry.id } });

  const overrides = Object.fromEntries(INFO.filter((f) => f.name !== "titleLevel").map((f) => [f.name, f.value]));
  ({ id: appId, number } = await submitInProcess(db, person.id, plans.review, { formOverrides: overrides, extractAll: true }));
  expect(plain(await db.models.Application.findByPk(appId))!.steps.info.data).toMatchObject({ ...overrides, titleLevel: "副高级" });

  staff = new Client(ctx.server.url);
  expect((await staff.login(reviewers.unit.username, PASSWORD)).status).toBe(302);
  applicant = new Client(ctx.server.url);
  expect((await applicant.login(person.username, PASSWORD)).status).toBe(302);
}, 240_000);

afterAll(async () => ctx?.stop());

describe("the same text on every surface", () => {
  it("an application's oneOf, named enum, boolean and year-month values: record view = review form PDF = Excel cell", async () => {
    const page = await staff.get(`/staff/applications/${appId}`);
    expect(page.status).toBe(200);
    const html = squash(await page.text());

    const pdfRes = await staff.get(`/staff/applications/${appId}/review-form.pdf`);
    expect(pdfRes.status).toBe(200);
    const words = pdfWords(Buffer.from(await pdfRes.arrayBuffer()));

    const xlsx = await staff.get(`/staff/applications/export.xlsx?view=all&q=${encodeURIComponent(number)}`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const sheet = wb.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    expect(sheet.getRow(2).getCell(1).value).toBe(number);

    for (const f of INFO) {
      expect(cellText(f.value, f.schema, f.ui), `${f.name}: the screen's formatter`).toBe(f.text);
      expect(described(html, f.schema.title), `${f.name}: record view`).toBe(f.text);
      expect(pdfLineAfter(words, f.schema.title)[0], `${f.name}: review form`).toBe(f.text);
      const col = header.indexOf(f.schema.title);
      expect(col, `${f.name}: Excel column`).toBeGreaterThan(0);
      expect(sheet.getRow(2).getCell(col).value, `${f.name}: Excel cell`).toBe(f.text);
    }
    // The stored code shows nowhere a person reads.
    for (const seen of [textOf(html), words.map((w) => w.text).join(" "), (sheet.getRow(2).values as unknown[]).join(" ")]) expect(seen).not.toContain("exceptional");
  }, 120_000);

  it("an achievement's oneOf and boolean columns: the archive list cell = the review form's table cell", async () => {
    const list = await applicant.get(`/archive/award?q=${encodeURIComponent(ENTRY.title)}`);
    expect(list.status).toBe(200);
    const row = tableRow(squash(await list.text()), ENTRY.title);
    expect(row).toMatchObject({ 合作形式: "国际合作", 牵头单位: "否", 级别: "省部级", 获奖时间: "2023年5月" });

    const pdf = await applicant.get(`/records/${appId}/review-form.pdf`);
    expect(pdf.status).toBe(200);
    const line = pdfLineAfter(pdfWords(Buffer.from(await pdf.arrayBuffer())), ENTRY.title);
    // Same words in the same columns (the narrow printed cell writes the date compactly: 2023.05).
    expect(line).toEqual(expect.arrayContaining([row.合作形式, row.牵头单位, row.级别]));
    expect(line.slice(-2)).toEqual([row.合作形式, row.牵头单位]);
    expect(line).not.toContain("intl");
  }, 120_000);
});
