// A new dictionary is a file: with DICTIONARIES_DIR pointing at a copy of dictionaries/ plus
// tests/fixtures/dictionaries/funding-agencies.json, the server creates its table at start, and
// 字典管理 lists it, edits it, imports and exports it — references to other dictionaries by name
// included — with no migration, model or code of its own. A later version adds a column; one that
// changes how a column is stored is refused. On SQLite and Postgres.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { DefinitionError, DEFINITIONS, publishDefinition } from "~/engine/definitions/index.server";
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
