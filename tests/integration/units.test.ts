// 工作单位「输入关键字查找」 over HTTP: name fragment, pinyin initials, credit code, edge queries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { type Db } from "~/utils/db.server";
import { isValidCreditCode } from "~/engine/cn-codes";
import { uniqueName } from "../helpers/fixtures";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let c: Client;

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  c = new Client(server.url);
  await c.post("/register", { username: uniqueName(), password: "Tulip-Harbor-2931", confirmPassword: "Tulip-Harbor-2931" });
});
afterAll(async () => ctx?.stop());

const search = async (q: string) => (await c.get(`/api/units?q=${encodeURIComponent(q)}`)).json();

describe("seeded units directory", () => {
  it("has at least 200 units with valid credit codes across the affiliations", async () => {
    const units = await db.models.Unit.findAll({ include: ["affiliation"] });
    expect(units.length).toBeGreaterThanOrEqual(200);
    expect(units.every((u) => isValidCreditCode(u.creditCode))).toBe(true);
    const affs = new Set(units.map((u: any) => u.affiliation.name));
    for (const a of ["中央在浙", "省属", "市属", "县（市、区）属", "非公有制"]) expect(affs).toContain(a);
    expect(new Set(units.map((u) => u.departmentId)).size).toBeGreaterThan(20);
  });
});

describe("unit search", () => {
  it("finds by a name fragment, with affiliation and department", async () => {
    const r = await search("工业大学");
    expect(r.results[0]).toMatchObject({ name: "浙江工业大学", affiliation: "省属", department: "浙江省教育厅" });
  });

  it("finds by pinyin initials: zjdx → 浙江大学 first", async () => {
    const r = await search("zjdx");
    expect(r.results[0].name).toBe("浙江大学");
    expect((await search("ZJGYDX")).results[0].name).toBe("浙江工业大学");
  });

  it("finds by full pinyin", async () => {
    expect((await search("zhejianggongye")).results.map((u: any) => u.name)).toContain("浙江工业大学");
  });

  it("finds by credit code, whole or prefix", async () => {
    const unit = await db.models.Unit.findOne({ where: { name: "温州医科大学" } });
    expect((await search(unit!.creditCode)).results[0].name).toBe("温州医科大学");
    expect((await search(unit!.creditCode.toLowerCase())).results[0].name).toBe("温州医科大学");
    expect((await search(unit!.creditCode.slice(0, 12))).results.map((u: any) => u.name)).toContain("温州医科大学");
  });

  it("answers an empty query with a hint and no results", async () => {
    expect(await search("")).toEqual({ results: [], hint: expect.stringContaining("请输入") });
    expect(await search("   ")).toEqual({ results: [], hint: expect.stringContaining("请输入") });
  });

  it("asks for more than one letter, but searches a single Chinese character", async () => {
    expect(await search("z")).toEqual({ results: [], hint: "请至少输入 2 个字母或数字" });
    const one = await search("院");
    expect(one.results.length).toBeGreaterThan(0);
    expect(one.results.length).toBeLessThanOrEqual(20);
  });

  it("treats LIKE wildcards and quotes as plain text", async () => {
    expect((await search("%")).results).toEqual([]);
    expect((await search("%%%%")).hint).toContain("请输入");
    expect((await search("' OR 1=1 --")).results).toEqual([]);
  });

  it("says so when nothing matches", async () => {
    expect(await search("不存在的单位名称")).toEqual({ results: [], hint: expect.stringContaining("未找到") });
  });

  it("is for signed-in users only", async () => {
    const res = await new Client(server.url).get("/api/units?q=zjdx");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });
});
