// 字典管理 【新建字典】 over real HTTP on the built server, SQLite and Postgres: an administrator
// declares 经费来源 (text, int and ref columns, a key, a title and search columns) — published by
// the definitions publisher with its table created, no migration —; invalid declarations are
// refused with located Chinese messages and store nothing; a stale edit is 409; a later version
// adds a column and refuses what would lose data; a date column and a text column with a fixed list
// check what is saved and imported, and a text column may become a date column; rows are added and imported like any dictionary;
// a category published in the designer picks from it (字典选择), an applicant saves a value from it
// (a value not in it is refused in Chinese) and sees its label; the definition and rows travel in
// the configuration bundle into a fresh database, where the form still validates. Non-admins: 403.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { createTestDb } from "../helpers/db";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { exportBundle, importBundle, BundleError } from "~/engine/config-bundle.server";
import { dictionaryLabelsFor, dictionaryRowByKey } from "~/engine/dictionaries.server";
import { lookupIn } from "~/engine/format-value";
import { formFields } from "~/engine/pdf/review-form.server";
import { getForm, validateRecord } from "~/engine/form-registry.server";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";

const PASSWORD = "Tulip-Harbor-2931";
const R = {
  create: "routes/admin.dictionaries.new", definition: "routes/admin.dictionaries.$dict_.definition",
  rows: "routes/admin.dictionaries.$dict", formNew: "routes/admin.forms.new", newEntry: "routes/archive.$slug.new",
};
const ID = "funding-sources";
const TABLE = "dict_funding_sources";
const SLUG = "funded-projects";
const DECLARATION = {
  id: ID, label: "经费来源",
  columns: [
    { name: "code", label: "代码", type: "text", maxLength: 16 },
    { name: "name", label: "来源名称", type: "text", maxLength: 64, required: true },
    { name: "grade", label: "级别", type: "int" },
    { name: "departmentId", label: "主管部门", type: "ref", ref: "departments" },
  ],
  key: "code", title: "name", search: ["code", "name"],
};

let ctx: TestServer;
let admin: Client;
let applicant: Client;
let adminName: string;

const versions = () => ctx.db.models.DictionaryVersion.count({ where: { dictionaryId: ID } });
const create = (declaration: unknown) => admin.action("/admin/dictionaries/new", R.create, { declaration });
const problemsOf = async (res: Response) => ((await res.json()).fieldErrors?.declaration ?? []) as string[];

beforeAll(async () => {
  ctx = await startTestServer();
  adminName = uniqueName("admin");
  await createUser(ctx.db, { username: adminName, password: PASSWORD, role: "admin" });
  admin = new Client(ctx.server.url);
  expect((await admin.login(adminName, PASSWORD)).status).toBe(302);
  applicant = new Client(ctx.server.url);
  await applicant.post("/register", { username: uniqueName("fund"), password: PASSWORD, confirmPassword: PASSWORD });
  const unit = await ctx.db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  const res = await applicant.post("/profile", { data: validProfile(unit!.id, { name: "周经费", idNumber: idNumber() }), version: null }, { json: true });
  expect(res.status).toBe(302);
});
afterAll(async () => ctx?.stop());

describe("新建字典", () => {
  it("refuses invalid declarations with located Chinese messages, storing nothing", async () => {
    const cases: [string, unknown, string][] = [
      ["bad id", { ...DECLARATION, id: "Bad_ID" }, "编号：格式不正确（编号应以小写字母开头"],
      ["duplicate column", { ...DECLARATION, columns: [...DECLARATION.columns, { name: "name", label: "又一个名称", type: "text" }] }, "列名「name」重复"],
      ["unknown type", { ...DECLARATION, columns: [DECLARATION.columns[0], { name: "blob", label: "数据", type: "blob" }] }, "第 2 列「blob」的类型：不可用（可选：文本、日期、整数、引用字典）"],
      ["a type only files may declare", { ...DECLARATION, columns: [...DECLARATION.columns, { name: "levels", label: "级别列表", type: "levels" }] }, "第 5 列「levels」的类型「levels」不可用（可选：文本、日期、整数、引用字典）"],
      ["key column missing", { ...DECLARATION, key: "nokey" }, "关键列「nokey」不是本字典的列"],
      ["search column missing", { ...DECLARATION, search: ["name", "nmae"] }, "搜索列「nmae」不是本字典的列"],
      ["a number searched", { ...DECLARATION, search: ["name", "grade"] }, "搜索列「grade」应为文本列"],
      ["ref to an unknown dictionary", { ...DECLARATION, columns: [...DECLARATION.columns, { name: "planetId", label: "星球", type: "ref", ref: "planets" }] }, "列「planetId」引用了未知字典「planets」"],
      ["no name", { ...DECLARATION, label: "" }, "名称："],
      ["a reserved id", { ...DECLARATION, id: "new" }, "编号「new」是保留字"],
    ];
    for (const [what, declaration, message] of cases) {
      const res = await create(declaration);
      expect(res.status, what).toBe(422);
      const problems = await problemsOf(res);
      expect(problems.join("\n"), what).toContain(message);
      expect(problems.join("\n"), what).not.toMatch(/must|should|Error/);
    }
    expect(await ctx.db.models.DictionaryVersion.count({ where: { dictionaryId: ["funding-sources", "Bad_ID", "new"] } })).toBe(0);
    expect(await ctx.db.sequelize.getQueryInterface().tableExists(TABLE)).toBe(false);
    // A file's dictionary is not redeclared here.
    const file = await create({ ...DECLARATION, id: "units" });
    expect(file.status).toBe(400);
    expect((await file.json()).error).toBe("字典「units」由配置文件声明，请在其文件中修改");
  });

  it("publishes a valid declaration through the publisher and creates its table", async () => {
    const res = await create(DECLARATION);
    expect(res.status, await res.clone().text()).toBe(204);
    expect(res.headers.get("x-remix-redirect")).toBe(`/admin/dictionaries/${ID}`);
    const v = await ctx.db.models.DictionaryVersion.findOne({ where: { dictionaryId: ID }, raw: true });
    expect(v).toMatchObject({ version: 1, createdBy: adminName });
    const stored = typeof v!.definition === "string" ? JSON.parse(v!.definition) : v!.definition;
    expect(stored.table).toBe(TABLE);
    expect(Object.keys(await ctx.db.sequelize.getQueryInterface().describeTable(TABLE)).sort()).toEqual(["code", "departmentId", "grade", "id", "name"]);
    const index = (await (await admin.get("/admin/dictionaries")).text()).replace(/<!-- -->/g, "");
    expect(index).toContain(`href="/admin/dictionaries/${ID}"`);
    expect(index).toContain(`href="/admin/dictionaries/${ID}/definition"`);
    expect(index).toContain("新建字典");
    // The same id again: taken.
    const again = await create(DECLARATION);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe(`编号「${ID}」已被其他字典使用`);
  });

  it("takes rows through the existing dictionary screen and import", async () => {
    const dept = await ctx.db.models.Department.findOne({ order: [["id", "ASC"]] });
    const ok = await admin.action(`/admin/dictionaries/${ID}`, R.rows, { intent: "create", values: { code: "NSFC", name: "国家自然科学基金", grade: 1, departmentId: dept!.id } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const bad = await admin.action(`/admin/dictionaries/${ID}`, R.rows, { intent: "create", values: { code: "X", name: "", grade: "多" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("来源名称不能为空");
    const csv = `代码,来源名称,级别,主管部门\r\nZJNSF,浙江省自然科学基金,2,${dept!.name}\r\n`;
    const imported = await admin.upload(`/admin/dictionaries/${ID}/import`, new TextEncoder().encode(csv), "sources.csv", "text/csv");
    expect(imported.status, await imported.clone().text()).toBe(200);
    expect(await imported.json()).toMatchObject({ ok: true, created: 1, updated: 0 });
    const list = await (await admin.get(`/admin/dictionaries/${ID}?q=${encodeURIComponent("自然")}&_data=${encodeURIComponent(R.rows)}`)).json();
    expect(list.total).toBe(2);
    expect(list.rows.map((r: any) => r.cells.departmentId)).toEqual([dept!.name, dept!.name]);
    const exported = await admin.get(`/admin/dictionaries/${ID}/export?format=csv`);
    expect(await exported.text()).toContain("ZJNSF,浙江省自然科学基金,2,");
  });

  it("publishes an edited declaration as the next version; a stale one is 409; data-losing changes are refused", async () => {
    const page = await admin.get(`/admin/dictionaries/${ID}/definition?_data=${encodeURIComponent(R.definition)}`);
    expect(page.status).toBe(200);
    const { declaration, version } = await page.json();
    expect(version).toBe(1);
    const withNote = { ...declaration, columns: [...declaration.columns, { name: "note", label: "备注", type: "text", maxLength: 200 }] };
    const ok = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: withNote, version: 1 });
    expect(ok.status, await ok.clone().text()).toBe(204);
    expect(await versions()).toBe(2);
    expect(Object.keys(await ctx.db.sequelize.getQueryInterface().describeTable(TABLE))).toContain("note");
    // Another admin's page still says version 1.
    const stale = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: withNote, version: 1 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toBe("该字典定义已被他人修改，请刷新页面后重试");
    const refused: [unknown, string][] = [
      [{ ...withNote, columns: withNote.columns.filter((c: any) => c.name !== "grade") }, "列「级别」（grade）已有数据，不能删除"],
      [{ ...withNote, columns: withNote.columns.map((c: any) => (c.name === "note" ? { name: "note", label: "备注", type: "int" } : c)) }, "列「note」的存储方式不能修改"],
      [{ ...withNote, columns: withNote.columns.map((c: any) => (c.name === "note" ? { ...c, maxLength: 500 } : c)) }, "列「note」的最大长度不能修改（200 → 500）"],
      [{ ...withNote, columns: withNote.columns.map((c: any) => (c.name === "departmentId" ? { ...c, ref: "affiliations" } : c)) }, "列「departmentId」引用的字典不能修改"],
      [{ ...withNote, key: "name" }, "关键列不能从「code」改为「name」"],
    ];
    for (const [d, message] of refused) {
      const res = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: d, version: 2 });
      expect(res.status, await res.clone().text()).toBe(422);
      expect((await problemsOf(res)).join("\n")).toContain(message);
    }
    expect(await versions()).toBe(2);
    // A column that holds nothing may go.
    const ok3 = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: { ...withNote, columns: withNote.columns.filter((c: any) => c.name !== "note") }, version: 2 });
    expect(ok3.status, await ok3.clone().text()).toBe(204);
    expect(await versions()).toBe(3);
    // A file's dictionary has no such page.
    expect((await admin.get("/admin/dictionaries/units/definition")).status).toBe(404);
  });

  it("declares a date column and a text column with a fixed list, which saves and imports are checked against; a text column of dates may become a date column", async () => {
    const editor = await (await admin.get(`/admin/dictionaries/new?_data=${encodeURIComponent(R.create)}`)).json();
    expect(editor.types).toContainEqual({ value: "date", label: "日期" });
    const { declaration, version } = await (await admin.get(`/admin/dictionaries/${ID}/definition?_data=${encodeURIComponent(R.definition)}`)).json();
    expect(version).toBe(3);
    const columns = [...declaration.columns,
      { name: "startsOn", label: "设立日期", type: "date" },
      { name: "status", label: "状态", type: "text", maxLength: 8, options: ["有效", "停用"] },
      { name: "since", label: "起始", type: "text", maxLength: 10 }];
    const tooLong = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: { ...declaration, columns: columns.map((c) => (c.name === "status" ? { ...c, options: ["有效", "长期有效但暂停使用"] } : c)) }, version: 3 });
    expect(tooLong.status).toBe(422);
    expect((await problemsOf(tooLong)).join("\n")).toContain("列「status」的可选值「长期有效但暂停使用」超过最大长度 8");
    const ok = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: { ...declaration, columns }, version: 3 });
    expect(ok.status, await ok.clone().text()).toBe(204);
    const page = await (await admin.get(`/admin/dictionaries/${ID}/definition?_data=${encodeURIComponent(R.definition)}`)).json();
    expect(page.declaration.columns.find((c: any) => c.name === "status").options).toEqual(["有效", "停用"]);

    const before = await (await admin.get(`/admin/dictionaries/${ID}?_data=${encodeURIComponent(R.rows)}`)).json();
    const row = { code: "KJT", name: "浙江省科技厅专项", grade: 2, departmentId: null };
    for (const [values, message] of [
      [{ ...row, startsOn: "2026-1-1", status: "有效" }, "设立日期应为 2026-10-01 这样的格式（填写的是「2026-1-1」）"],
      [{ ...row, startsOn: "2026-02-30", status: "有效" }, "设立日期「2026-02-30」不存在（没有这一天）"],
      [{ ...row, startsOn: "2026-03-01", status: "作废" }, "状态「作废」不是可选的值（可选：有效、停用）"],
    ] as const) {
      const res = await admin.action(`/admin/dictionaries/${ID}`, R.rows, { intent: "create", values });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toContain(message);
    }
    const csv = "代码,来源名称,设立日期,状态\r\nKJT,浙江省科技厅专项,2026/03/01,有效\r\n";
    const imported = await admin.upload(`/admin/dictionaries/${ID}/import`, new TextEncoder().encode(csv), "s.csv", "text/csv");
    expect(imported.status).toBe(400);
    expect((await imported.json()).error).toContain("第 2 行：设立日期应为 2026-10-01 这样的格式");
    expect((await (await admin.get(`/admin/dictionaries/${ID}?_data=${encodeURIComponent(R.rows)}`)).json()).total).toBe(before.total);
    const good = await admin.action(`/admin/dictionaries/${ID}`, R.rows, { intent: "create", values: { ...row, startsOn: "2026-03-01", status: "有效", since: "2026-03-01" } });
    expect(good.status, await good.clone().text()).toBe(200);

    // The same text, checked as a date from now on: text ↔ date is no change of storage; one too narrow for a date is refused.
    const asDate = (name: string) => ({ ...page.declaration, columns: page.declaration.columns.map((c: any) => (c.name === name ? { name, label: c.label, type: "date" } : c)) });
    const narrow = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: asDate("status"), version: 4 });
    expect(narrow.status).toBe(422);
    expect((await problemsOf(narrow)).join("\n")).toContain("列「status」的最大长度为 8，放不下日期，不能改为日期列");
    const retyped = await admin.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: asDate("since"), version: 4 });
    expect(retyped.status, await retyped.clone().text()).toBe(204);
    expect(await versions()).toBe(5);
    const bad = await admin.action(`/admin/dictionaries/${ID}`, R.rows, { intent: "create", values: { ...row, code: "KJT2", since: "2026-3-1" } });
    expect((await bad.json()).error).toContain("起始应为 2026-10-01 这样的格式");
    const list = await (await admin.get(`/admin/dictionaries/${ID}?q=KJT&_data=${encodeURIComponent(R.rows)}`)).json();
    expect(list.rows.map((r: any) => [r.cells.startsOn, r.cells.status, r.cells.since])).toEqual([["2026-03-01", "有效", "2026-03-01"]]);
  });
});

describe("a form field picks from it", () => {
  let nsfc: number;
  const fields = (dictionary: string) => JSON.stringify({
    schema: {
      type: "object", required: ["name", "source"], additionalProperties: false,
      properties: { name: { type: "string", title: "项目名称", maxLength: 100 }, source: { type: "integer", title: "经费来源", "x-dictionary": dictionary } },
    },
    uiSchema: { "ui:order": ["name", "source"], source: { "ui:widget": "dictionary-search" } },
    meta: {},
  });
  const publish = (dictionary: string) => admin.action("/admin/forms/new", R.formNew, { slug: SLUG, title: "资助项目", order: 960, listColumns: "name, source", titleField: "name", fields: fields(dictionary) });

  it("is offered by the form designer and refused when it names no dictionary", async () => {
    const designer = await (await admin.get(`/admin/forms/new?_data=${encodeURIComponent(R.formNew)}`)).json();
    expect(designer.dictionaries).toContainEqual({ id: ID, label: "经费来源" });
    const bad = await publish("planets");
    expect(bad.status).toBe(422);
    expect((await bad.json()).problems.join("\n")).toContain("引用了未知字典「planets」");
    const ok = await publish(ID);
    expect(ok.status, await ok.clone().text()).toBe(204);
    nsfc = (await dictionaryRowByKey(ctx.db, ID, "NSFC"))!.id;
  });

  it("is searched by applicants and saves a value from it; a value not in it is refused in Chinese", async () => {
    const found = await (await applicant.get(`/api/dictionaries/${ID}?q=${encodeURIComponent("自然科学")}`)).json();
    expect(found.results.map((r: any) => r.label).sort()).toEqual(["国家自然科学基金", "浙江省自然科学基金"]);
    expect((await (await applicant.get(`/api/dictionaries/${ID}?q=ZJNSF`)).json()).results.map((r: any) => r.label)).toEqual(["浙江省自然科学基金"]);
    expect((await (await applicant.get(`/api/dictionaries/${ID}?id=${nsfc}`)).json()).results).toEqual([{ id: nsfc, label: "国家自然科学基金" }]);
    expect((await applicant.get("/api/dictionaries/planets?q=x")).status).toBe(404);
    expect((await new Client(ctx.server.url).get(`/api/dictionaries/${ID}?q=x`)).status).toBe(302);

    const refused = await applicant.action(`/archive/${SLUG}/new`, R.newEntry, { data: { name: "某重点项目", source: 987654 } });
    expect(refused.status).toBe(422);
    expect((await refused.json()).fieldErrors.source).toEqual(["所选经费来源不存在，请重新选择"]);
    const ok = await applicant.action(`/archive/${SLUG}/new`, R.newEntry, { data: { name: "某重点项目", source: nsfc } });
    expect(ok.status, await ok.clone().text()).toBe(204);
    const list = (await (await applicant.get(`/archive/${SLUG}`)).text()).replace(/<!-- -->/g, "");
    expect(list).toContain("国家自然科学基金");
  });

  it("reads as the row's title where the record is shown: the reviewer's view, the printed and exported fields", async () => {
    const entry = (await ctx.db.models.AchievementEntry.findOne({ where: { categoryId: `achievement/${SLUG}` }, order: [["id", "DESC"]] }))!;
    const unit = await ctx.db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
    const revName = uniqueName("rev");
    await createUser(ctx.db, { username: revName, password: PASSWORD, role: "unit_reviewer", scopes: { units: [unit!.creditCode] } });
    const reviewer = new Client(ctx.server.url);
    expect((await reviewer.login(revName, PASSWORD)).status).toBe(302);
    const page = await reviewer.get(`/review/entries/${entry.id}`);
    expect(page.status).toBe(200);
    expect((await page.text()).replace(/<!-- -->/g, "")).toContain("国家自然科学基金");
    const form = (await getForm(ctx.db, `achievement/${SLUG}`))!;
    const labels = await dictionaryLabelsFor(ctx.db, [{ schema: form.schema, data: entry.data }]);
    expect(formFields(form, entry.data, { empty: "", lookup: lookupIn(labels) }).map((f) => [f.title, f.value])).toEqual([["项目名称", "某重点项目"], ["经费来源", "国家自然科学基金"]]);
    // Without labels (a caller that collected none) the code is left out rather than printed.
    expect(formFields(form, entry.data).map((f) => f.title)).toEqual(["项目名称"]);
  });
});

describe("the configuration bundle", () => {
  it("carries the definition and its rows into a fresh database, where the form still validates", async () => {
    const res = await admin.get("/admin/config/export");
    const bundle = JSON.parse(await res.text());
    expect(bundle.dictionaryDefinitions.map((d: any) => d.id)).toEqual([ID]);
    expect(bundle.dictionaryDefinitions[0]).toMatchObject({ id: ID, table: TABLE, key: "code", title: "name" });
    expect(bundle.dictionaryDefinitions[0].hash).toBeUndefined();
    expect(bundle.dictionaries[ID].map((r: any) => r.code)).toEqual(["KJT", "NSFC", "ZJNSF"]);
    expect(bundle.dictionaries[ID][0]).toMatchObject({ startsOn: "2026-03-01", status: "有效", since: "2026-03-01" });
    const fresh = await createTestDb();
    try {
      const s = await importBundle(fresh.db, { username: "importer" }, bundle);
      expect(s.dictionaryDefinitions.published).toEqual([`${ID} v1`]);
      expect(s.dictionaries[ID].created).toEqual(["KJT", "NSFC", "ZJNSF"]);
      expect(await fresh.db.sequelize.getQueryInterface().tableExists(TABLE)).toBe(true);
      const form = (await getForm(fresh.db, `achievement/${SLUG}`))!;
      const there = (await dictionaryRowByKey(fresh.db, ID, "ZJNSF"))!.id;
      expect(await validateRecord(fresh.db, form, { name: "省基金项目", source: there })).toMatchObject({ ok: true });
      expect(await validateRecord(fresh.db, form, { name: "省基金项目", source: 987654 })).toEqual({ ok: false, fieldErrors: { source: ["所选经费来源不存在，请重新选择"] } });
      // Again: nothing changes; the export of the fresh database carries the same definition.
      const s2 = await importBundle(fresh.db, { username: "importer" }, bundle);
      expect(s2.dictionaryDefinitions).toEqual({ published: [], unchanged: 1 });
      expect((await exportBundle(fresh.db)).dictionaryDefinitions).toEqual(bundle.dictionaryDefinitions.map((d: any) => ({ ...d, version: 1 })));
      // A bundle may not redeclare a file's dictionary nor declare a table of its choosing; nothing is applied.
      const bad = structuredClone(bundle);
      bad.dictionaryDefinitions.push({ ...bundle.dictionaryDefinitions[0], id: "units" }, { ...bundle.dictionaryDefinitions[0], id: "other-sources", table: "users" });
      bad.dictionaries[ID].push({ code: "NEW", name: "新来源", grade: 3, departmentId: null });
      const err = await importBundle(fresh.db, { username: "importer" }, bad).catch((e) => e);
      expect(err).toBeInstanceOf(BundleError);
      const msg = (err as BundleError).problems.join("\n");
      expect(msg).toContain("dictionaryDefinitions[1]（units）：该字典由配置文件声明，不能通过配置包修改");
      expect(msg).toContain("dictionaryDefinitions[2]（other-sources）：table 应为「dict_other_sources」");
      expect(await dictionaryRowByKey(fresh.db, ID, "NEW")).toBeNull();
      // A bundle row is checked like a saved one: a day that does not exist, a value not in the list.
      const badRows = structuredClone(bundle);
      badRows.dictionaries[ID].push({ code: "BADDAY", name: "坏日期", grade: 1, departmentId: null, startsOn: "2026-02-30", status: "作废" });
      const err2 = await importBundle(fresh.db, { username: "importer" }, badRows).catch((e) => e);
      expect(err2).toBeInstanceOf(BundleError);
      expect((err2 as BundleError).problems.join("\n")).toMatch(/设立日期「2026-02-30」不存在（没有这一天）[\s\S]*状态「作废」不是可选的值/);
      expect(await dictionaryRowByKey(fresh.db, ID, "BADDAY")).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});

describe("access", () => {
  it("gives a non-admin 403 on the new screens and actions", async () => {
    for (const role of ["applicant", "unit_reviewer"]) {
      const username = uniqueName(role.replace("_", ""));
      await createUser(ctx.db, { username, password: PASSWORD, role });
      const c = new Client(ctx.server.url);
      expect((await c.login(username, PASSWORD)).status).toBe(302);
      expect((await c.get("/admin/dictionaries/new")).status).toBe(403);
      expect((await c.get(`/admin/dictionaries/${ID}/definition`)).status).toBe(403);
      expect((await c.action("/admin/dictionaries/new", R.create, { declaration: { ...DECLARATION, id: "sneaky" } })).status).toBe(403);
      expect((await c.action(`/admin/dictionaries/${ID}/definition`, R.definition, { declaration: DECLARATION, version: 3 })).status).toBe(403);
    }
    expect(await ctx.db.models.DictionaryVersion.count({ where: { dictionaryId: "sneaky" } })).toBe(0);
    expect(await versions()).toBe(5);
  });
});
