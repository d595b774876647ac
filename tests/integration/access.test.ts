// Access per route and role: anonymous → login, applicants kept out of staff/admin pages,
// staff kept out of applicant pages, the profile gate on every applicant route, admin role edits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
const PASSWORD = "Tulip-Harbor-2931";

async function userClient(role: string, scopes = {}) {
  const username = uniqueName(role.replace("_", ""));
  const user = await createUser(db, { username, password: PASSWORD, role, scopes });
  const c = new Client(server.url);
  const res = await c.login(username, PASSWORD);
  expect(res.status).toBe(302);
  return { c, user, landing: res.headers.get("location") };
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
});
afterAll(async () => ctx?.stop());

const APPLICANT_ROUTES = ["/home", "/profile"];
const STAFF_ROUTES = ["/staff"];
const ADMIN_ROUTES = ["/admin/users", "/admin/users/1"];

describe("anonymous", () => {
  it.each([...APPLICANT_ROUTES, ...STAFF_ROUTES, ...ADMIN_ROUTES, "/api/units?q=zjdx"])("%s → login, remembering where to go", async (path) => {
    const res = await new Client(server.url).get(path);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
  });
  it("sees the login page in Chinese", async () => {
    const html = await (await new Client(server.url).get("/login")).text();
    expect(html).toContain("个人用户登录");
    expect(html).toContain('lang="zh-CN"');
    // antd's CSS is a linked static file whose selectors match the server-rendered classes,
    // so the first paint is styled before any JavaScript runs.
    const href = html.match(/<link rel="stylesheet" href="([^"]*antd-[^"]*\.css)"/)?.[1];
    expect(href).toBeTruthy();
    expect(html).toMatch(/class="ant-btn zcps /);
    const css = await (await new Client(server.url).get(href!)).text();
    expect(css).toContain(".zcps.ant-btn");
  });
});

describe("applicant", () => {
  it.each([...STAFF_ROUTES, ...ADMIN_ROUTES])("is refused %s (403)", async (path) => {
    const { c } = await userClient("applicant");
    const res = await c.get(path);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("您没有访问此页面的权限");
  });
  it("cannot post to the admin role action", async () => {
    const { c, user } = await userClient("applicant");
    const res = await c.action(`/admin/users/${user.id}`, "routes/admin.users.$id", { role: "admin", scopes: [] });
    expect(res.status).toBe(403);
    expect((await db.models.User.findByPk(user.id))?.role).toBe("applicant");
  });
  it("without a profile lands on and is held at the profile form", async () => {
    const { c, landing } = await userClient("applicant");
    expect(landing).toBe("/profile");
    for (const path of ["/home", "/"]) {
      const res = await c.get(path);
      expect(res.headers.get("location")).toBe("/profile");
    }
  });
  it("with a profile lands on 个人中心, even when the login asked for somewhere else", async () => {
    const { c, user } = await userClient("applicant");
    await c.post("/profile", { data: validProfile(await unitId(db)), version: null }, { json: true });
    const again = new Client(server.url);
    const res = await again.post("/login", { username: user.username, password: PASSWORD, redirectTo: "https://evil.example/" });
    expect(res.headers.get("location")).toBe("/home");
    expect((await again.get("/home")).status).toBe(200);
  });
});

describe("staff", () => {
  it.each(["unit_reviewer", "dept_reviewer", "acceptance_office"])("%s lands on a staff home showing the scope", async (role) => {
    const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
    const scopes = role === "unit_reviewer" ? { units: [unit!.creditCode] } : role === "dept_reviewer" ? { departments: ["浙江省教育厅"] } : { committees: ["浙江省工程系列高级工程师职务任职资格评审委员会"] };
    const { c, landing } = await userClient(role, scopes);
    expect(landing).toBe("/staff");
    const html = await (await c.get("/staff")).text();
    expect(html).toContain("工作台");
    expect(html).toMatch(/浙江工业大学|浙江省教育厅|浙江省工程系列高级工程师职务任职资格评审委员会/);
    expect(html).toContain("暂无待处理事项");
    for (const path of [...APPLICANT_ROUTES, ...ADMIN_ROUTES]) expect((await c.get(path)).status).toBe(403);
  });
});

describe("admin", () => {
  it("lists users with search and pagination", async () => {
    const { c } = await userClient("admin");
    for (let i = 0; i < 3; i++) await createUser(db, { username: uniqueName("listme"), password: PASSWORD, role: "applicant" });
    const html = await (await c.get("/admin/users?q=listme&pageSize=10")).text();
    expect(html).toContain("用户管理");
    expect(html.match(/listme/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain("共 3 个用户");
    const page2 = await (await c.get("/admin/users?q=listme&pageSize=10&page=2")).text();
    expect(page2).toContain("没有符合条件的用户");
  });

  it("sets a role and scope, with an audit row", async () => {
    const { c, user: admin } = await userClient("admin");
    const target = await createUser(db, { username: uniqueName("promote"), password: PASSWORD, role: "applicant" });
    const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
    const res = await c.action(`/admin/users/${target.id}`, "routes/admin.users.$id", { role: "unit_reviewer", scopes: [{ kind: "unit", refId: unit!.id }] });
    expect(res.status).toBe(204);
    expect((await db.models.User.findByPk(target.id))?.role).toBe("unit_reviewer");
    expect(await db.models.UserScope.findAll({ where: { userId: target.id }, raw: true })).toMatchObject([{ kind: "unit", refId: unit!.id }]);
    const audit = await db.models.AuditLog.findOne({ where: { entityType: "user", entityId: String(target.id) } });
    expect(audit).toMatchObject({ actorId: admin.id, fromState: "applicant", toState: "unit_reviewer", action: "set-role" });
  });

  it.each([
    ["an unknown role", { role: "superuser", scopes: [] }, "未知角色"],
    ["a scope that does not exist", { role: "unit_reviewer", scopes: [{ kind: "unit", refId: 99_999_999 }] }, "工作单位不存在"],
    ["a scope kind the role cannot have", { role: "unit_reviewer", scopes: [{ kind: "committee", refId: 1 }] }, "不能设置评审委员会范围"],
    ["malformed scopes", { role: "unit_reviewer", scopes: "all" }, "格式不正确"],
  ])("refuses %s and changes nothing", async (_, body, msg) => {
    const { c } = await userClient("admin");
    const target = await createUser(db, { username: uniqueName("keep"), password: PASSWORD, role: "applicant" });
    const res = await c.action(`/admin/users/${target.id}`, "routes/admin.users.$id", body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(msg);
    expect((await db.models.User.findByPk(target.id))?.role).toBe("applicant");
    expect(await db.models.UserScope.count({ where: { userId: target.id } })).toBe(0);
  });

  it.each(["/admin/users/99999999", "/admin/users/abc"])("%s is a 404", async (path) => {
    const { c } = await userClient("admin");
    expect((await c.get(path)).status).toBe(404);
  });
});
