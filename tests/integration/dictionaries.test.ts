// 字典管理 over HTTP, on SQLite and Postgres: CRUD, search + pagination, refused deletes,
// optimistic-lock conflicts, CSV/Excel import (all-or-nothing) and export, typed columns (the
// holiday calendar's date column and fixed kinds: refused in Chinese on save and import), access.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { makeCreditCode, prng } from "../../scripts/seeders/reference-data";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { findDictionary, rowModel } from "~/engine/dictionaries.server";
import { publicityCalendar } from "~/engine/workflow/publicity.server";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let admin: Client;
const PASSWORD = "Tulip-Harbor-2931";
const ROUTE = "routes/admin.dictionaries.$dict";
const rnd = prng(Date.now() % 1_000_000);
const code = () => makeCreditCode("91", "330100", rnd);

async function login(role: string) {
  const username = uniqueName(role.replace("_", ""));
  await createUser(db, { username, password: PASSWORD, role });
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

async function upload(c: Client, dict: string, name: string, content: Buffer | string, type = "text/csv") {
  const fd = new FormData();
  fd.append("file", new Blob([typeof content === "string" ? content : new Uint8Array(content)], { type }), name);
  const headers: Record<string, string> = { Origin: server.url, Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  return fetch(`${server.url}/admin/dictionaries/${dict}/import`, { method: "POST", body: fd, headers, redirect: "manual" });
}

async function affId(name = "非公有制") {
  return (await db.models.Affiliation.findOne({ where: { name } }))!.id;
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  admin = await login("admin");
});
afterAll(async () => ctx?.stop());

describe("seeded reference data", () => {
  it("has title series with specialties, committees with what they accept, acceptance departments", async () => {
    const gc = await db.models.TitleSeries.findOne({ where: { name: "工程" } });
    expect(gc!.levels).toEqual(["初级员级", "初级助理级", "中级", "副高级", "正高级"]);
    expect((await db.models.Specialty.findAll({ where: { seriesId: gc!.id } })).map((s) => s.name)).toContain("计算机软件");
    const c = await db.models.Committee.findOne({ where: { name: "浙江省工程系列高级工程师职务任职资格评审委员会" } });
    expect(c!.seriesIds).toEqual([gc!.id]);
    expect(c!.levels).toEqual(["副高级", "正高级"]);
    expect(c!.specialtyIds.length).toBeGreaterThan(10);
    expect(await db.models.AcceptanceDepartment.count()).toBe(12);
  });
});

describe("units", () => {
  it("create, edit, stale edit → 409, delete", async () => {
    const creditCode = code();
    const values = { name: "测试字典单位甲", creditCode, affiliationId: await affId(), departmentId: null, region: "杭州市" };
    const res = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "create", values });
    expect(res.status).toBe(200);
    const { id } = await res.json();
    const row = await db.models.Unit.findByPk(id);
    expect(row).toMatchObject({ name: "测试字典单位甲", creditCode, version: 0, pinyinInitials: "cszddwj" });

    const upd = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "update", id, version: 0, values: { ...values, name: "测试字典单位乙" } });
    expect(upd.status).toBe(200);
    expect((await db.models.Unit.findByPk(id))).toMatchObject({ name: "测试字典单位乙", version: 1 });

    const stale = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "update", id, version: 0, values: { ...values, name: "覆盖" } });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toContain("已被他人修改");
    expect((await db.models.Unit.findByPk(id))!.name).toBe("测试字典单位乙");

    const del = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "delete", id });
    expect(del.status).toBe(200);
    expect(await db.models.Unit.findByPk(id)).toBeNull();
  });

  it("refuses a bad credit code and a duplicate one, changing nothing", async () => {
    const good = code();
    const bad = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    const before = await db.models.Unit.count();
    const r1 = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "create", values: { name: "坏代码单位", creditCode: bad, affiliationId: await affId() } });
    expect(r1.status).toBe(400);
    expect((await r1.json()).error).toContain("统一社会信用代码校验位不正确");
    const existing = (await db.models.Unit.findOne({ where: { name: "浙江工业大学" } }))!;
    const r2 = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "create", values: { name: "重复单位", creditCode: existing.creditCode, affiliationId: await affId() } });
    expect(r2.status).toBe(409);
    expect((await r2.json()).error).toContain("已存在");
    expect(await db.models.Unit.count()).toBe(before);
  });

  it("searches and paginates", async () => {
    const html = await (await admin.get("/admin/dictionaries/units?q=人民医院&pageSize=10")).text();
    const total = await db.models.Unit.count({ where: { name: { [(await import("sequelize")).Op.like]: "%人民医院%" } } });
    expect(total).toBeGreaterThan(10);
    expect(html).toContain(`共 ${total} 条`);
    expect(html).toContain("字典管理");
    const last = Math.ceil(total / 10);
    const data = await (await admin.get(`/admin/dictionaries/units?q=人民医院&pageSize=10&page=${last}&_data=${encodeURIComponent(ROUTE)}`)).json();
    expect(data.rows.length).toBe(total - (last - 1) * 10);
    expect(data.rows.every((r: any) => r.name.includes("人民医院"))).toBe(true);
    const none = await (await admin.get(`/admin/dictionaries/units?q=不存在的单位名&_data=${encodeURIComponent(ROUTE)}`)).json();
    expect(none.total).toBe(0);
  });

  it("refuses to delete a unit a profile uses", async () => {
    const applicant = await login("applicant");
    const uid = await unitId(db, "浙江理工大学");
    expect((await applicant.post("/profile", { data: validProfile(uid), version: null }, { json: true })).status).toBeLessThan(400);
    expect(await db.models.Profile.count({ where: { unitId: uid } })).toBeGreaterThan(0);
    const res = await admin.action("/admin/dictionaries/units", ROUTE, { intent: "delete", id: uid });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toContain("个人基本信息使用，不能删除");
    expect(await db.models.Unit.findByPk(uid)).not.toBeNull();
  });
});

describe("title series", () => {
  it("create with specialties, edit, delete; refused while a committee accepts it", async () => {
    const values = { name: "测试系列", code: "CSXL", sortOrder: 99, levels: ["中级", "副高级"], specialties: ["甲专业", "乙专业"] };
    const res = await admin.action("/admin/dictionaries/title-series", ROUTE, { intent: "create", values });
    expect(res.status).toBe(200);
    const { id } = await res.json();
    expect((await db.models.Specialty.findAll({ where: { seriesId: id }, order: [["id", "ASC"]] })).map((s) => s.name)).toEqual(["甲专业", "乙专业"]);

    const upd = await admin.action("/admin/dictionaries/title-series", ROUTE, { intent: "update", id, values: { ...values, levels: ["正高级", "中级"], specialties: ["乙专业", "丙专业"] } });
    expect(upd.status).toBe(200);
    expect((await db.models.TitleSeries.findByPk(id))!.levels).toEqual(["中级", "正高级"]);
    expect((await db.models.Specialty.findAll({ where: { seriesId: id }, order: [["name", "ASC"]] })).map((s) => s.name).sort()).toEqual(["丙专业", "乙专业"].sort());

    const badLevel = await admin.action("/admin/dictionaries/title-series", ROUTE, { intent: "update", id, values: { ...values, levels: ["特级"] } });
    expect(badLevel.status).toBe(400);
    expect((await badLevel.json()).error).toContain("不是有效级别");

    const c = await admin.action("/admin/dictionaries/committees", ROUTE, { intent: "create", values: { name: "测试系列评审委员会", seriesIds: [id], levels: ["中级"], affiliationIds: [await affId()] } });
    expect(c.status).toBe(200);
    const refused = await admin.action("/admin/dictionaries/title-series", ROUTE, { intent: "delete", id });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toContain("测试系列评审委员会");

    expect((await admin.action("/admin/dictionaries/committees", ROUTE, { intent: "delete", id: (await c.json()).id })).status).toBe(200);
    expect((await admin.action("/admin/dictionaries/title-series", ROUTE, { intent: "delete", id })).status).toBe(200);
    expect(await db.models.TitleSeries.findByPk(id)).toBeNull();
    expect(await db.models.Specialty.count({ where: { seriesId: id } })).toBe(0);
  });

  it("refuses to delete an affiliation units use", async () => {
    const res = await admin.action("/admin/dictionaries/affiliations", ROUTE, { intent: "delete", id: await affId("省属") });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatch(/个工作单位使用，不能删除/);
  });
});

describe("import / export", () => {
  it("a CSV with one bad row reports its line number and imports nothing", async () => {
    const rows = ["单位名称,统一社会信用代码,隶属关系,主管部门,所在地区"];
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) { const cc = code(); codes.push(cc); rows.push(`CSV导入单位${i},${cc},非公有制,,杭州市`); }
    const bad = code();
    rows.splice(6, 0, `坏行单位,${bad.slice(0, 17)}${bad[17] === "0" ? "1" : "0"},非公有制,,杭州市`); // line 7
    const before = await db.models.Unit.count();
    const res = await upload(admin, "units", "units.csv", rows.join("\n"));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toContain("第 7 行：统一社会信用代码校验位不正确");
    expect(body.error).toContain("未导入任何数据");
    expect(await db.models.Unit.count()).toBe(before);
  });

  it("reports an unknown reference by line, in Chinese", async () => {
    const res = await upload(admin, "units", "u.csv", `单位名称,统一社会信用代码,隶属关系\n某单位,${code()},不存在的隶属\n`);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain("第 2 行：隶属关系「不存在的隶属」不存在");
  });

  it("a good Excel file upserts by credit code", async () => {
    const existing = (await db.models.Unit.findOne({ where: { name: "浙江工商大学" } }))!;
    const fresh = code();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("工作单位");
    ws.addRow(["单位名称", "统一社会信用代码", "隶属关系", "主管部门", "所在地区"]);
    ws.addRow(["浙江工商大学（更名）", existing.creditCode, "省属", "浙江省教育厅", "浙江省"]);
    ws.addRow(["Excel导入新单位", fresh, "非公有制", "", "宁波市"]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(admin, "units", "units.xlsx", buf, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, created: 1, updated: 1 });
    expect(await db.models.Unit.findByPk(existing.id)).toMatchObject({ name: "浙江工商大学（更名）", version: existing.version + 1 });
    expect(await db.models.Unit.findOne({ where: { creditCode: fresh } })).toMatchObject({ name: "Excel导入新单位", region: "宁波市", departmentId: null });
  });

  it("export → re-import round-trips (title series, CSV and Excel)", async () => {
    const before = await db.models.Specialty.count();
    for (const format of ["csv", "xlsx"]) {
      const exp = await admin.get(`/admin/dictionaries/title-series/export?format=${format}`);
      expect(exp.status).toBe(200);
      expect(exp.headers.get("content-disposition")).toContain("attachment");
      const buf = Buffer.from(await exp.arrayBuffer());
      const res = await upload(admin, "title-series", `series.${format}`, buf);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, created: 0, updated: await db.models.TitleSeries.count() });
    }
    expect(await db.models.Specialty.count()).toBe(before);
    const gc = await db.models.Committee.findOne({ where: { name: "浙江省工程系列高级工程师职务任职资格评审委员会" } });
    const exp = await (await admin.get("/admin/dictionaries/committees/export?format=csv")).text();
    expect(exp).toContain("工程/计算机软件");
    const res = await upload(admin, "committees", "c.csv", exp);
    expect(res.status).toBe(200);
    expect((await db.models.Committee.findByPk(gc!.id))!.specialtyIds).toEqual(gc!.specialtyIds);
  });

  it("escapes formula cells in CSV and Excel exports, and reads them back unchanged", async () => {
    await db.models.Department.create({ name: "=HYPERLINK(\"http://evil\")", region: "+杭州" });
    const csv = await (await admin.get("/admin/dictionaries/departments/export?format=csv")).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")",'+杭州`);
    const xbuf = Buffer.from(await (await admin.get("/admin/dictionaries/departments/export?format=xlsx")).arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xbuf as any);
    const cells: unknown[] = [];
    wb.worksheets[0].eachRow((r) => r.eachCell((c) => cells.push(c.value)));
    expect(cells).toContain("'=HYPERLINK(\"http://evil\")");
    expect(cells.some((v) => typeof v === "object" && v !== null && "formula" in (v as object))).toBe(false);
    expect((await upload(admin, "departments", "d.csv", csv)).status).toBe(200);
    expect(await db.models.Department.count({ where: { name: "=HYPERLINK(\"http://evil\")" } })).toBe(1);
  });
});

describe("holidays: a date column and a fixed list of kinds (a mistyped day must not silently count)", () => {
  const H = "/admin/dictionaries/holidays";
  const rows = async () => (await rowModel(db, (await findDictionary(db, "holidays"))!).findAll({ order: [["date", "ASC"]] })).map((r) => `${r.get("date")} ${r.get("kind")} ${r.get("name") ?? ""}`);
  const calendar = () => publicityCalendar(db, { calendar: "holidays" });

  it("is published as version 2 with a date column and 类型 options, offered to the edit form", async () => {
    const d = (await findDictionary(db, "holidays"))!;
    expect(d.version).toBe(2);
    const page = await (await admin.get(`${H}?_data=${encodeURIComponent(ROUTE)}`)).json();
    expect(page.fields.find((f: { name: string }) => f.name === "date")).toMatchObject({ type: "date", required: true });
    expect(page.fields.find((f: { name: string }) => f.name === "kind")).toMatchObject({ type: "text", options: ["法定节假日", "调休上班日"] });
    expect(page.rows.every((r: { cells: Record<string, string> }) => /^\d{4}-\d{2}-\d{2}$/.test(r.cells.date))).toBe(true);
  });

  it("refuses saving a mistyped or missing day and an unknown kind in Chinese, changing nothing", async () => {
    const before = await rows();
    const cases: [Record<string, unknown>, string][] = [
      [{ date: "2027-1-1", kind: "法定节假日" }, "日期应为 2026-10-01 这样的格式（填写的是「2027-1-1」）"],
      [{ date: "2027/10/01", kind: "法定节假日" }, "日期应为 2026-10-01 这样的格式"],
      [{ date: "2027-02-29", kind: "法定节假日" }, "日期「2027-02-29」不存在（没有这一天）"],
      [{ date: "2027-10-09", kind: "法定假日" }, "类型「法定假日」不是可选的值（可选：法定节假日、调休上班日）"],
      [{ date: ["2027-10-09"], kind: "调休上班日" }, "日期格式不正确"],
    ];
    for (const [values, message] of cases) {
      const res = await admin.action(H, ROUTE, { intent: "create", values });
      expect(res.status, JSON.stringify(values)).toBe(400);
      expect((await res.json()).error).toContain(message);
    }
    const existing = (await rowModel(db, (await findDictionary(db, "holidays"))!).findOne({ where: { date: "2026-10-01" } }))!;
    const upd = await admin.action(H, ROUTE, { intent: "update", id: existing.get("id"), values: { date: "2026-10-1", kind: "法定节假日", name: "国庆节" } });
    expect(upd.status).toBe(400);
    expect((await upd.json()).error).toContain("日期应为 2026-10-01 这样的格式");
    expect(await rows()).toEqual(before);
  });

  it("saves a good row, which the publicity count then uses", async () => {
    expect((await calendar()).workdays.has("2027-02-20")).toBe(false);
    const res = await admin.action(H, ROUTE, { intent: "create", values: { date: "2027-02-20", kind: "调休上班日", name: "春节调休上班" } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await calendar()).workdays.has("2027-02-20")).toBe(true);
  });

  it("imports nothing from a CSV with a bad day or kind, naming each line", async () => {
    const before = await rows();
    const csv = ["日期,类型,节日", "2027-10-04,法定节假日,国庆节", "2027-10-5,法定节假日,国庆节", "2027-09-31,法定节假日,中秋节", "2027-09-26,上班,国庆节调休"].join("\r\n");
    const res = await upload(admin, "holidays", "h.csv", csv);
    expect(res.status).toBe(400);
    const error = (await res.json()).error as string;
    expect(error).toContain("导入失败，未导入任何数据");
    expect(error).toContain("第 3 行：日期应为 2026-10-01 这样的格式（填写的是「2027-10-5」）");
    expect(error).toContain("第 4 行：日期「2027-09-31」不存在（没有这一天）");
    expect(error).toContain("第 5 行：类型「上班」不是可选的值（可选：法定节假日、调休上班日）");
    expect(error).not.toContain("第 2 行");
    expect(await rows()).toEqual(before);
  });

  it("imports an Excel file whose dates are date cells (read as YYYY-MM-DD), and a good CSV", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("节假日");
    ws.addRow(["日期", "类型", "节日"]);
    ws.addRow([new Date(Date.UTC(2027, 9, 4)), "法定节假日", "国庆节"]);
    const typed = ws.addRow([new Date(Date.UTC(2027, 8, 26)), "调休上班日", "国庆节调休上班"]);
    typed.getCell(1).numFmt = "yyyy-mm-dd";
    ws.addRow(["2027-10-05", "法定节假日", "国庆节"]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(admin, "holidays", "h.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, created: 3, updated: 0 });
    const after = await rows();
    expect(after).toContain("2027-10-04 法定节假日 国庆节");
    expect(after).toContain("2027-09-26 调休上班日 国庆节调休上班");
    const cal = await calendar();
    expect(cal.holidays.has("2027-10-05")).toBe(true);
    expect(cal.workdays.has("2027-09-26")).toBe(true);
    // The same day again by CSV: matched by its date, updated.
    const csv = await upload(admin, "holidays", "h.csv", "日期,类型,节日\r\n2027-10-05,法定节假日,国庆节（第五天）\r\n");
    expect(await csv.json()).toMatchObject({ ok: true, created: 0, updated: 1 });
    expect(await rows()).toContain("2027-10-05 法定节假日 国庆节（第五天）");
  });
});

describe("access", () => {
  it.each(["/admin/dictionaries", "/admin/dictionaries/units", "/admin/dictionaries/units/export?format=csv"])("applicant is refused %s (403)", async (path) => {
    const c = await login("applicant");
    expect((await c.get(path)).status).toBe(403);
  });
  it("applicant cannot write or import", async () => {
    const c = await login("applicant");
    const before = await db.models.Affiliation.count();
    expect((await c.action("/admin/dictionaries/affiliations", ROUTE, { intent: "create", values: { name: "偷加" } })).status).toBe(403);
    expect((await upload(c, "affiliations", "a.csv", "名称\n偷加\n")).status).toBe(403);
    expect(await db.models.Affiliation.count()).toBe(before);
  });
  it("admin sees the nav entry and an unknown dictionary is a 404", async () => {
    expect(await (await admin.get("/admin/dictionaries")).text()).toContain("字典管理");
    expect((await admin.get("/admin/dictionaries/nope")).status).toBe(404);
  });
});
