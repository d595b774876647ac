// A new dictionary is a file: with DICTIONARIES_DIR pointing at a copy of dictionaries/ plus
// tests/fixtures/dictionaries/funding-agencies.json, the server creates its table at start, and
// 字典管理 lists it, edits it, imports and exports it — references to other dictionaries by name
// included — with no migration, model or code of its own. A later version adds a column; one that
// changes how a column is stored is refused; one that makes a text column of dates a date column
// (the holiday calendar's version 2) is published at start and keeps its rows. On SQLite and Postgres.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { DefinitionError, DEFINITIONS, publishDefinition, syncDefinitionFiles } from "~/engine/definitions/index.server";
import { findDictionary, rowModel } from "~/engine/dictionaries.server";
import { publicityCalendar } from "~/engine/workflow/publicity.server";
import { uniqueName } from "../helpers/fixtures";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(ROOT, "tests/fixtures/dictionaries/funding-agencies.json");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-dictionaries-"));
fs.cpSync(path.join(ROOT, "dictionaries"), dir, { recursive: true });
fs.copyFileSync(FIXTURE, path.join(dir, "funding-agencies.json"));

const ROUTE = "routes/admin.dictionaries.$dict";
const PASSWORD = "Tulip-Harbor-2931";
let ctx: TestServer;
let admin: Client;

async function upload(csv: string) {
  const fd = new FormData();
  fd.append("file", new Blob([csv], { type: "text/csv" }), "agencies.csv");
  const headers = { Origin: ctx.server.url, Cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  return fetch(`${ctx.server.url}/admin/dictionaries/funding-agencies/import`, { method: "POST", body: fd, headers, redirect: "manual" });
}

beforeAll(async () => {
  ctx = await startTestServer({ DICTIONARIES_DIR: dir });
  const username = uniqueName("admin");
  await createUser(ctx.db, { username, password: PASSWORD, role: "admin" });
  admin = new Client(ctx.server.url);
  expect((await admin.login(username, PASSWORD)).status).toBe(302);
}, 120_000);
afterAll(async () => {
  await ctx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a dictionary declared by a file alone", () => {
  it("is published and has its table with the declared columns", async () => {
    const qi = ctx.db.sequelize.getQueryInterface();
    expect(await qi.tableExists("funding_agencies")).toBe(true);
    expect(Object.keys(await qi.describeTable("funding_agencies")).sort()).toEqual(["affiliationIds", "departmentId", "id", "name", "pinyinInitials", "shortName", "sortOrder"]);
    const v = await ctx.db.models.DictionaryVersion.findOne({ where: { dictionaryId: "funding-agencies" }, raw: true });
    expect(v).toMatchObject({ version: 1, createdBy: "seed:dictionaries/funding-agencies.json" });
  });

  it("is listed in 字典管理, after the built-in ones, and starts empty", async () => {
    const index = (await (await admin.get("/admin/dictionaries")).text()).replace(/<!-- -->/g, "");
    expect(index).toContain('href="/admin/dictionaries/funding-agencies"');
    expect(index.indexOf("资助机构")).toBeGreaterThan(index.indexOf("隶属关系"));
    const list = await (await admin.get(`/admin/dictionaries/funding-agencies?_data=${encodeURIComponent(ROUTE)}`)).json();
    expect(list).toMatchObject({ label: "资助机构", total: 0 });
    expect(list.fields.map((f: { label: string }) => f.label)).toEqual(["机构名称", "简称", "主管部门", "面向隶属关系", "排序"]);
  });

  it("imports a CSV (references by name), refusing a bad file whole with its line numbers", async () => {
    const header = "机构名称,简称,主管部门,面向隶属关系,排序";
    const bad = await upload([header, "浙江省自然科学基金委员会,省基金委,浙江省科学技术厅,省属；市属,1", "无名机构,,不存在的部门,,2"].join("\n"));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("第 3 行：主管部门「不存在的部门」不存在");
    const [none] = await ctx.db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM funding_agencies`, { type: QueryTypes.SELECT });
    expect(Number(none.n)).toBe(0);

    const ok = await upload([header, "浙江省自然科学基金委员会,省基金委,浙江省科学技术厅,省属；市属,1", "杭州市科技发展基金会,,,非公有制,2"].join("\n"));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, created: 2, updated: 0 });
  });

  it("lists, searches (pinyin initials too) and edits rows", async () => {
    const q = async (s: string) => (await admin.get(`/admin/dictionaries/funding-agencies?q=${encodeURIComponent(s)}&_data=${encodeURIComponent(ROUTE)}`)).json();
    const all = await q("");
    expect(all.total).toBe(2);
    const row = all.rows.find((r: { name: string }) => r.name === "浙江省自然科学基金委员会");
    expect(row.cells).toMatchObject({ departmentId: "浙江省科学技术厅", affiliationIds: "省属；市属", sortOrder: "1" });
    expect((await q("zjszrkxjjwyh")).total).toBe(1);
    const edit = await admin.action("/admin/dictionaries/funding-agencies", ROUTE, { intent: "update", id: row.id, values: { ...row, shortName: "自然基金委", cells: undefined } });
    expect(edit.status).toBe(200);
    expect((await q("自然基金委")).rows[0].shortName).toBe("自然基金委");
    const dup = await admin.action("/admin/dictionaries/funding-agencies", ROUTE, { intent: "create", values: { name: "杭州市科技发展基金会" } });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error).toContain("机构名称「杭州市科技发展基金会」已存在");
  });

  it("exports CSV and Excel that import back unchanged", async () => {
    for (const format of ["csv", "xlsx"]) {
      const exp = await admin.get(`/admin/dictionaries/funding-agencies/export?format=${format}`);
      expect(exp.status).toBe(200);
      expect(decodeURIComponent(exp.headers.get("content-disposition") ?? "")).toContain("资助机构");
      const buf = Buffer.from(await exp.arrayBuffer());
      if (format === "csv") expect(buf.toString("utf8")).toContain("浙江省自然科学基金委员会,自然基金委,浙江省科学技术厅,省属；市属,1");
      const fd = new FormData();
      fd.append("file", new Blob([new Uint8Array(buf)]), `agencies.${format}`);
      const headers = { Origin: ctx.server.url, Cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
      const res = await fetch(`${ctx.server.url}/admin/dictionaries/funding-agencies/import`, { method: "POST", body: fd, headers });
      expect(await res.json()).toMatchObject({ ok: true, created: 0, updated: 2 });
    }
  });

  it("holds on to the rows it references: their deletion is refused with its label", async () => {
    const dept = (await ctx.db.models.Department.findOne({ where: { name: "浙江省科学技术厅" } }))!;
    // Units under the department would answer first: move them away for this check.
    const units = await ctx.db.models.Unit.findAll({ where: { departmentId: dept.id }, attributes: ["id"] });
    await ctx.db.models.Unit.update({ departmentId: null }, { where: { departmentId: dept.id } });
    const res = await admin.action("/admin/dictionaries/departments", ROUTE, { intent: "delete", id: dept.id });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe("该主管部门已被 1 个资助机构使用，不能删除");
    await ctx.db.models.Unit.update({ departmentId: dept.id }, { where: { id: units.map((u) => u.id) } });
  });

  it("is in the configuration bundle", async () => {
    const bundle = JSON.parse(await (await admin.get("/admin/config/export")).text());
    expect(bundle.dictionaries["funding-agencies"]).toContainEqual({ name: "杭州市科技发展基金会", shortName: null, departmentId: null, affiliationIds: ["非公有制"], sortOrder: 2 });
  });
});

describe("a later version", () => {
  const declared = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
  const kind = DEFINITIONS.dictionary;

  it("adds a declared column to the existing table, keeping the rows", async () => {
    const v2 = { ...declared, version: 2, columns: [...declared.columns, { name: "website", label: "网址", type: "text", maxLength: 200 }] };
    const r = await publishDefinition(ctx.db, kind, v2, { by: "test", version: 2 });
    expect(r.status).toBe("published");
    expect(Object.keys(await ctx.db.sequelize.getQueryInterface().describeTable("funding_agencies"))).toContain("website");
    const list = await (await admin.get(`/admin/dictionaries/funding-agencies?_data=${encodeURIComponent(ROUTE)}`)).json();
    expect(list.total).toBe(2);
    expect(list.fields.map((f: { label: string }) => f.label)).toContain("网址");
  });

  it("turns a text column of dates into a date column at start (holidays.json version 1 → 2), keeping the rows typed before", async () => {
    // The holiday calendar as version 1 declared it (free text), under another id and table.
    const v2 = { ...JSON.parse(fs.readFileSync(path.join(ROOT, "dictionaries/holidays.json"), "utf8")), id: "old-holidays", table: "old_holidays", position: 95 };
    const v1 = {
      ...v2, version: 1,
      columns: v2.columns.map((c: { name: string; options?: string[] }) => (c.name === "date" ? { ...c, type: "text", maxLength: 10 } : c.name === "kind" ? { ...c, options: undefined } : c)),
    };
    const files = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-holidays-"));
    const sync = async (def: object) => {
      fs.writeFileSync(path.join(files, "old-holidays.json"), JSON.stringify(def));
      return syncDefinitionFiles(ctx.db, kind, files);
    };
    try {
      fs.cpSync(path.join(ROOT, "dictionaries/_meta"), path.join(files, "_meta"), { recursive: true });
      expect(await sync(v1)).toEqual({ published: 1 });
      const old = (await findDictionary(ctx.db, "old-holidays"))!;
      await rowModel(ctx.db, old).bulkCreate([{ date: "2026-10-01", kind: "法定节假日", name: "国庆节" }, { date: "2026-10-8", kind: "法定假日", name: "国庆节" }, { date: "2026-10-10", kind: "上班", name: "调休" }]);
      expect(await sync(v2)).toEqual({ published: 1 });
      expect(await sync(v2)).toEqual({ published: 0 });
      const d = (await findDictionary(ctx.db, "old-holidays"))!;
      expect([d.version, d.columns.find((c) => c.name === "date")?.type]).toEqual([2, "date"]);
      // The rows stay as typed; the calendar leaves the malformed day out and reads the old kinds as before.
      const cal = await publicityCalendar(ctx.db, { calendar: "old-holidays" });
      expect([...cal.holidays]).toEqual(["2026-10-01"]);
      expect([...cal.workdays]).toEqual(["2026-10-10"]);
      // Saved again, a row typed before must be corrected.
      const bad = (await rowModel(ctx.db, d).findOne({ where: { date: "2026-10-8" } }))!;
      const res = await admin.action("/admin/dictionaries/old-holidays", ROUTE, { intent: "update", id: bad.get("id"), values: { date: "2026-10-8", kind: "法定假日", name: "国庆节" } });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe("日期应为 2026-10-01 这样的格式（填写的是「2026-10-8」）；类型「法定假日」不是可选的值（可选：法定节假日、调休上班日）");
      const fixed = await admin.action("/admin/dictionaries/old-holidays", ROUTE, { intent: "update", id: bad.get("id"), values: { date: "2026-10-08", kind: "法定节假日", name: "国庆节" } });
      expect(fixed.status, await fixed.clone().text()).toBe(200);
      expect((await publicityCalendar(ctx.db, { calendar: "old-holidays" })).holidays.has("2026-10-08")).toBe(true);
      // A text column too narrow for a date stays text; back to text, a date column keeps its width.
      for (const [columns, message] of [
        [v2.columns.map((c: { name: string }) => (c.name === "kind" ? { name: "kind", label: "类型", type: "date", required: true } : c)), "列「kind」的最大长度为 8，放不下日期"],
        [v2.columns.map((c: { name: string }) => (c.name === "date" ? { name: "date", label: "日期", type: "text", required: true, unique: true, maxLength: 16 } : c)), "列「date」的最大长度不能修改（10 → 16）"],
      ] as const) {
        const e = await publishDefinition(ctx.db, kind, { ...v2, version: 3, columns }, { by: "test", version: 3 }).catch((x) => x);
        expect(e).toBeInstanceOf(DefinitionError);
        expect(e.message).toContain(message);
      }
    } finally {
      fs.rmSync(files, { recursive: true, force: true });
    }
  });

  it("may not change how a column is stored, nor point at an unknown dictionary", async () => {
    const retyped = { ...declared, version: 3, columns: declared.columns.map((c: { name: string }) => (c.name === "sortOrder" ? { ...c, type: "text" } : c)) };
    const e1 = await publishDefinition(ctx.db, kind, retyped, { by: "test", version: 3 }).catch((e) => e);
    expect(e1).toBeInstanceOf(DefinitionError);
    expect(e1.message).toContain("列「sortOrder」的存储方式不能修改");
    const dangling = { ...declared, version: 3, columns: [...declared.columns, { name: "planetId", label: "星球", type: "ref", ref: "planets" }] };
    const e2 = await publishDefinition(ctx.db, kind, dangling, { by: "test", version: 3 }).catch((e) => e);
    expect(e2.message).toContain("引用了未知字典「planets」");
  });
});
