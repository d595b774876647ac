// Units (法人) sign in through the sandbox ticket service's 法人 login and register (issue 14):
// a unit not in the 工作单位 dictionary gets nothing; a unit session submits its 经办人 and a PDF
// 用人单位委托证明 (待审核, one at a time); its 主管部门 (scoped) or an admin refuses it with a
// reason or approves it (version-checked, audited); the approved 经办人 then signs in at the 法人
// login as a unit_reviewer of that unit. Every bad input: a Chinese message and nothing changed.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { FILES } from "../helpers/files";
import { uniqueName } from "../helpers/fixtures";
import { SANDBOX_PERSONS } from "~/engine/identity/ticket.server";
import { SANDBOX_UNITS } from "~/engine/identity/unit-sign-in.server";
import { NO_PASSWORD } from "~/engine/identity/accounts.server";
import { createUser } from "~/engine/people/users.server";
import { deleteRow } from "~/engine/dictionary-admin.server";
import { signParams } from "~/utils/signed-params.server";

const SECRET = "test-identity-secret";
const PASSWORD = "Tulip-Harbor-2931";
const ENV = { UNIT_IDENTITY: "ticket", APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1", IDENTITY_TICKET_SECRET: SECRET };
const ZJUT = SANDBOX_UNITS[0];
const HOSPITAL = SANDBOX_UNITS[1];
const FICTIONAL = SANDBOX_UNITS[2];

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(ENV);
}, 120_000);
afterAll(async () => t?.stop());

const pathOf = (location: string) => {
  const u = new URL(location);
  return u.pathname + u.search;
};

/** 【法人登录】 at the sandbox as `unit`'s `operator`, back through our callback: its answer. */
async function unitSignIn(c: Client, unit: number, operator = 0) {
  const start = await c.get("/auth/unit");
  expect(start.status).toBe(302);
  const login = new URL(start.headers.get("location")!);
  expect(login.origin + login.pathname).toBe(`${t.server.url}/sandbox-idp/unit-login`);
  const page = await c.get(pathOf(login.toString()));
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("法人登录（沙箱）");
  const picked = await c.post("/sandbox-idp/unit-login", { servicecode: "zcps-sandbox", goto: login.searchParams.get("goto")!, unit: String(unit), operator: String(operator) });
  expect(picked.status).toBe(302);
  const back = new URL(picked.headers.get("location")!);
  expect(back.pathname).toBe("/auth/unit/callback");
  return c.get(pathOf(back.toString()));
}

/** The 单位注册 form as a browser sends it: the fields, then the file. */
async function submit(c: Client, fields: Record<string, string>, file: { bytes: Uint8Array; name: string } = { bytes: FILES.pdf, name: "委托证明.pdf" }) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append("file", new Blob([new Uint8Array(file.bytes)], { type: "application/pdf" }), file.name);
  const headers: Record<string, string> = { Origin: t.server.url, Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  return fetch(`${t.server.url}/unit/register`, { method: "POST", headers, body, redirect: "manual" });
}

const agentOf = (unit: (typeof SANDBOX_UNITS)[number], i = 0) => ({ agentName: unit.operators[i].name, agentIdNumber: unit.operators[i].idnum, agentMobile: unit.operators[i].mobile });
const pageData = async (c: Client) => (await c.get(`/unit/register?_data=${encodeURIComponent("routes/unit.register")}`)).json();
const unitRow = (creditCode: string) => t.db.models.Unit.findOne({ where: { creditCode } });

async function staff(role: string, scopes: Record<string, string[]> = {}) {
  const username = uniqueName("st");
  const user = await createUser(t.db, { username, password: PASSWORD, role, scopes });
  const c = new Client(t.server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return { c, id: user.id };
}

describe("法人 login", () => {
  it("the login page offers it; a unit not in the 工作单位 dictionary is told so and gets nothing", async () => {
    const c = new Client(t.server.url);
    expect(await (await c.get("/login")).text()).toContain('href="/auth/unit"');
    const regs = await t.db.models.UnitRegistration.count();
    const res = await unitSignIn(c, 2);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("本单位不在工作单位字典中");
    expect(html).toContain(FICTIONAL.creditCode);
    expect(html).toContain("联系系统管理员");
    expect(await unitRow(FICTIONAL.creditCode)).toBeNull();
    expect(await t.db.models.UnitRegistration.count()).toBe(regs);
    expect((await pageData(c)).signedIn).toBe(false);
  });

  it("a unit ticket is redeemed only at the unit exchange, once; a person's ticket not at all", async () => {
    const exchange = (params: Record<string, string>) => fetch(`${t.server.url}/sandbox-idp/unit-exchange`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const personTicket = "b".repeat(48);
    await t.db.models.IdentityTicket.create({ ticket: personTicket, person: JSON.stringify({ name: SANDBOX_PERSONS[0].name, idnum: SANDBOX_PERSONS[0].idnum }), expiresAt: new Date(Date.now() + 60_000) });
    const now = String(Date.now());
    expect(await exchange(signParams(SECRET, { servicecode: "zcps-sandbox", ticket: personTicket, time: now }))).toEqual({ status: 400, body: { result: "1", errmsg: "票据无效" } });
    expect((await t.db.models.IdentityTicket.findByPk(personTicket))!.usedAt).toBeNull();
    const unitTicket = `U${"c".repeat(47)}`;
    await t.db.models.IdentityTicket.create({ ticket: unitTicket, person: JSON.stringify({ creditcode: ZJUT.creditCode }), expiresAt: new Date(Date.now() + 60_000) });
    const person = await fetch(`${t.server.url}/sandbox-idp/exchange`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(signParams(SECRET, { servicecode: "zcps-sandbox", ticket: unitTicket, time: now })),
    });
    expect(await person.json()).toEqual({ result: "1", errmsg: "票据无效" });
    expect((await exchange(signParams(SECRET, { servicecode: "zcps-sandbox", ticket: unitTicket, time: now }))).body).toMatchObject({ result: "0", creditcode: ZJUT.creditCode });
    expect((await exchange(signParams(SECRET, { servicecode: "zcps-sandbox", ticket: unitTicket, time: now }))).body).toEqual({ result: "1", errmsg: "票据无效、已使用或已过期" });
    expect((await exchange(signParams("wrong", { servicecode: "zcps-sandbox", ticket: unitTicket, time: now }))).body).toEqual({ result: "1", errmsg: "签名校验失败" });
  });

  it("the sandbox returns units only to this system's 法人 callback", async () => {
    const c = new Client(t.server.url);
    const personCallback = `${t.server.url}/auth/ticket/callback?state=x`;
    const page = await c.get(`/sandbox-idp/unit-login?servicecode=zcps-sandbox&goto=${encodeURIComponent(personCallback)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("返回地址不属于已注册的接入系统");
    const bad = await c.post("/sandbox-idp/unit-login", { servicecode: "zcps-sandbox", goto: `${t.server.url}/auth/unit/callback?state=x`, unit: "9", operator: "0" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("请选择一个测试单位及其经办人");
  });

  it("a callback whose state is not this browser's is refused", async () => {
    const other = new Client(t.server.url);
    const start = await other.get("/auth/unit");
    const goto = new URL(start.headers.get("location")!).searchParams.get("goto")!;
    const picked = await other.post("/sandbox-idp/unit-login", { servicecode: "zcps-sandbox", goto, unit: "0", operator: "0" });
    const victim = new Client(t.server.url);
    const res = await victim.get(pathOf(picked.headers.get("location")!));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("不是从本浏览器发起的");
    expect((await pageData(victim)).signedIn).toBe(false);
  });
});

describe("单位注册 and its review", () => {
  it("a unit registers, is refused with a reason, registers again, is approved; the 经办人 then signs in as unit_reviewer", async () => {
    const unit = (await unitRow(ZJUT.creditCode))!;
    const u = new Client(t.server.url);
    const back = await unitSignIn(u, 0, 1);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/unit/register");
    const first = await pageData(u);
    expect(first).toMatchObject({ signedIn: true, pending: false, registrations: [], unit: { name: "浙江工业大学", creditCode: ZJUT.creditCode, department: "浙江省教育厅" } });
    expect(first.operator).toMatchObject({ name: ZJUT.operators[1].name, idNumber: ZJUT.operators[1].idnum });
    // The unit session is no account: staff pages send it to the login.
    expect((await u.get("/staff")).status).toBe(302);

    // Bad input: nothing stored.
    const none = async () => expect(await t.db.models.UnitRegistration.count({ where: { unitId: unit.id } })).toBe(0);
    let res = await submit(u, { ...agentOf(ZJUT), agentIdNumber: "330102198004150025" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请填写经办人的 18 位有效身份证号");
    await none();
    res = await submit(u, { ...agentOf(ZJUT), agentMobile: "123" });
    expect(res.status).toBe(400);
    await none();
    res = await submit(u, agentOf(ZJUT), { bytes: FILES.png, name: "伪装.pdf" });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain("仅允许 PDF");
    await none();
    res = await submit(u, agentOf(ZJUT), { bytes: Buffer.alloc(0), name: "空.pdf" });
    expect(res.status).toBe(400);
    await none();
    // The file input left empty: a part with no name and no bytes, as browsers send it.
    const b = "zcpsboundary";
    const parts = Object.entries(agentOf(ZJUT)).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("");
    res = await fetch(`${t.server.url}/unit/register`, {
      method: "POST", redirect: "manual",
      headers: { Origin: t.server.url, Cookie: [...u.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "Content-Type": `multipart/form-data; boundary=${b}` },
      body: `${parts}--${b}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--${b}--\r\n`,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请选择要上传的用人单位委托证明（PDF）");
    await none();

    // The operator (钱程) names 赵敏 as 经办人.
    res = await submit(u, agentOf(ZJUT));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/unit/register?notice=submitted");
    const reg1 = (await t.db.models.UnitRegistration.findOne({ where: { unitId: unit.id } }))!;
    expect(reg1).toMatchObject({ status: "pending", agentName: ZJUT.operators[0].name, agentIdNumber: ZJUT.operators[0].idnum, submittedByName: ZJUT.operators[1].name, fileName: "委托证明.pdf", version: 0 });
    expect(await t.db.models.AuditLog.findOne({ where: { entityType: "unit-registration", entityId: String(reg1.id), action: "create" }, raw: true })).toMatchObject({ actorId: null, toState: "pending", comment: `提交人：${ZJUT.operators[1].name}；经办人：${ZJUT.operators[0].name}` });
    // One 待审核 at a time.
    res = await submit(u, agentOf(ZJUT));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("本单位已有待审核的注册申请");
    expect(await t.db.models.UnitRegistration.count({ where: { unitId: unit.id } })).toBe(1);
    // Its own PDF, byte for byte; another unit's registration is not found.
    const own = await u.get(`/unit/files/${reg1.id}`);
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("application/pdf");
    expect(own.headers.get("content-security-policy")).toBe("sandbox");
    expect(Buffer.from(await own.arrayBuffer()).equals(FILES.pdf)).toBe(true);

    // The 主管部门 of the unit sees it; another 主管部门 does not (list, page, file: 404).
    const edu = await staff("dept_reviewer", { departments: ["浙江省教育厅"] });
    const health = await staff("dept_reviewer", { departments: ["浙江省卫生健康委员会"] });
    const list = await (await edu.c.get(`/review/units?_data=${encodeURIComponent("routes/review.units._index")}`)).json();
    expect(list.rows.map((r: { id: number }) => r.id)).toContain(reg1.id);
    const searched = await (await edu.c.get(`/review/units?q=${encodeURIComponent(ZJUT.creditCode)}&status=all&_data=${encodeURIComponent("routes/review.units._index")}`)).json();
    expect(searched.rows.map((r: { id: number }) => r.id)).toEqual([reg1.id]);
    const otherList = await (await health.c.get(`/review/units?status=all&_data=${encodeURIComponent("routes/review.units._index")}`)).json();
    expect(otherList.rows.map((r: { id: number }) => r.id)).not.toContain(reg1.id);
    expect((await health.c.get(`/review/units/${reg1.id}`)).status).toBe(404);
    expect((await health.c.get(`/review/units/${reg1.id}/file`)).status).toBe(404);
    expect((await health.c.post(`/review/units/${reg1.id}`, { decision: "approve", version: "0" })).status).toBe(404);
    expect((await edu.c.get(`/review/units/${reg1.id}`)).status).toBe(200);
    expect((await edu.c.get(`/review/units/${reg1.id}/file`)).status).toBe(200);
    expect((await edu.c.get("/review/units/999999")).status).toBe(404);
    expect((await edu.c.get("/review/units/abc")).status).toBe(404);

    // 不通过 needs a reason; a stale version is a 409; neither changes anything.
    res = await edu.c.post(`/review/units/${reg1.id}`, { decision: "refuse", reason: "  ", version: "0" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请填写不通过的原因");
    res = await edu.c.post(`/review/units/${reg1.id}`, { decision: "refuse", reason: "未加盖公章", version: "7" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("请刷新后重试");
    res = await edu.c.post(`/review/units/${reg1.id}`, { decision: "whatever", version: "0" });
    expect(res.status).toBe(400);
    expect((await reg1.reload()).status).toBe("pending");
    res = await edu.c.post(`/review/units/${reg1.id}`, { decision: "refuse", reason: "委托证明未加盖单位公章", version: "0" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/review/units?notice=refused");
    expect(await reg1.reload()).toMatchObject({ status: "refused", refuseReason: "委托证明未加盖单位公章", reviewerId: edu.id, userId: null, version: 1 });
    expect(await t.db.models.AuditLog.findOne({ where: { entityType: "unit-registration", entityId: String(reg1.id), action: "refuse" }, raw: true })).toMatchObject({ actorId: edu.id, actorRole: "dept_reviewer", comment: "委托证明未加盖单位公章" });
    // A second decision on a decided registration: 409.
    res = await edu.c.post(`/review/units/${reg1.id}`, { decision: "approve", version: "1" });
    expect(res.status).toBe(409);

    // The unit sees the refusal and its reason, and submits again.
    const afterRefusal = await pageData(u);
    expect(afterRefusal.registrations[0]).toMatchObject({ status: "refused", statusLabel: "未通过", refuseReason: "委托证明未加盖单位公章" });
    expect(afterRefusal.pending).toBe(false);
    expect((await submit(u, agentOf(ZJUT))).status).toBe(302);
    const reg2 = (await t.db.models.UnitRegistration.findOne({ where: { unitId: unit.id, status: "pending" } }))!;

    // The admin sees every unit and approves.
    const admin = await staff("admin");
    const all = await (await admin.c.get(`/review/units?_data=${encodeURIComponent("routes/review.units._index")}`)).json();
    expect(all.rows.map((r: { id: number }) => r.id)).toContain(reg2.id);
    res = await admin.c.post(`/review/units/${reg2.id}`, { decision: "approve", version: "0" });
    expect(res.status).toBe(302);
    await reg2.reload();
    expect(reg2).toMatchObject({ status: "approved", reviewerId: admin.id, version: 1 });
    const agent = (await t.db.models.User.findByPk(reg2.userId!))!;
    expect({ role: agent.role, name: agent.displayName, hash: agent.passwordHash, id: agent.identityIdNumber }).toEqual({ role: "unit_reviewer", name: ZJUT.operators[0].name, hash: NO_PASSWORD, id: null });
    expect(await t.db.models.UserScope.findAll({ where: { userId: agent.id }, attributes: ["kind", "refId"], raw: true })).toEqual([{ kind: "unit", refId: unit.id }]);
    expect(await t.db.models.AuditLog.count({ where: { entityType: "unit-registration", entityId: String(reg2.id), action: "approve" } })).toBe(1);
    expect(await t.db.models.AuditLog.count({ where: { entityType: "user", entityId: String(agent.id), action: "unit-agent.created" } })).toBe(1);
    expect((await pageData(u)).registrations[0]).toMatchObject({ status: "approved", statusLabel: "已通过" });

    // The 经办人 at the 法人 login: their unit_reviewer account, the unit's review queues.
    const a = new Client(t.server.url);
    const signedIn = await unitSignIn(a, 0, 0);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe("/staff");
    expect((await a.get("/review/entries")).status).toBe(200);
    expect((await a.get("/staff/applications")).status).toBe(200);
    expect((await a.get("/review/units")).status).toBe(403);
    // The other operator of the unit is no 经办人: the unit session only.
    const o = new Client(t.server.url);
    expect((await unitSignIn(o, 0, 1)).headers.get("location")).toBe("/unit/register");

    // The same person approved as 经办人 of a second unit keeps one account, now with both units.
    const h = new Client(t.server.url);
    await unitSignIn(h, 1, 0);
    // Two submissions at once (a double click): one is 待审核, the other refused, nothing else kept.
    const both = await Promise.all([submit(h, agentOf(ZJUT)), submit(h, agentOf(ZJUT))]);
    expect(both.map((x) => x.status).sort()).toEqual([302, 409]);
    const hospital = (await unitRow(HOSPITAL.creditCode))!;
    expect(await t.db.models.UnitRegistration.count({ where: { unitId: hospital.id } })).toBe(1);
    // Exactly the PDFs of the registrations are kept: refused uploads and the losing double submit left none.
    const kept = fs.readdirSync(path.join(t.target.dataDir, "unit-registrations"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    expect(kept).toEqual((await t.db.models.UnitRegistration.findAll({ raw: true })).map((r) => r.fileKey).sort());
    const reg3 = (await t.db.models.UnitRegistration.findOne({ where: { unitId: hospital.id } }))!;
    expect((await health.c.post(`/review/units/${reg3.id}`, { decision: "approve", version: "0" })).status).toBe(302);
    expect((await reg3.reload()).userId).toBe(agent.id);
    expect((await t.db.models.UserScope.findAll({ where: { userId: agent.id }, raw: true })).map((s) => s.refId).sort()).toEqual([unit.id, hospital.id].sort());
    // The dictionary keeps a unit that has registrations (it would orphan them).
    await expect(deleteRow(t.db, "units", hospital.id)).rejects.toThrow("该工作单位有 1 条单位注册记录，不能删除");
  });

  it("applicants and unit reviewers may not review registrations", async () => {
    const reviewer = await staff("unit_reviewer", { units: [ZJUT.creditCode] });
    expect((await reviewer.c.get("/review/units")).status).toBe(403);
    expect((await reviewer.c.get("/review/units/1/file")).status).toBe(404);
    const anon = new Client(t.server.url);
    expect((await anon.get("/review/units")).status).toBe(302);
    expect((await anon.get("/unit/files/1")).status).toBe(404);
    const res = await anon.post("/unit/register", {});
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("法人登录已过期");
  });
});

describe("the unit session", () => {
  it("lasts 30 minutes from the 法人 login: then the 单位注册 page asks for the login again and refuses a submission", async () => {
    const c = new Client(t.server.url);
    expect((await unitSignIn(c, 1, 0)).headers.get("location")).toBe("/unit/register");
    expect((await pageData(c)).signedIn).toBe(true);
    const operator = HOSPITAL.operators[0].idnum;
    const rows = (await t.db.models.Session.findAll()).filter((r) => (r.data as { unitSignIn?: { operator?: { idNumber?: string } } }).unitSignIn?.operator?.idNumber === operator);
    expect(rows.length).toBeGreaterThan(0);
    const left = (rows[0].data as { unitSignIn: { until: number } }).unitSignIn.until - Date.now();
    expect(left).toBeGreaterThan(29 * 60_000);
    expect(left).toBeLessThanOrEqual(30 * 60_000);
    for (const r of rows) await r.update({ data: { ...r.data, unitSignIn: { ...(r.data as { unitSignIn: object }).unitSignIn, until: Date.now() - 1 } } });
    expect((await pageData(c)).signedIn).toBe(false);
    const before = await t.db.models.UnitRegistration.count();
    const res = await submit(c, agentOf(HOSPITAL));
    expect(res.status).toBe(403);
    expect(await t.db.models.UnitRegistration.count()).toBe(before);
  });
});

describe("with UNIT_IDENTITY off", () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer();
  }, 120_000);
  afterAll(async () => plain?.stop());

  it("the 法人 routes and the unit sandbox are not there", async () => {
    const c = new Client(plain.server.url);
    for (const p of ["/auth/unit", "/auth/unit/callback?state=x&ticket=y", "/sandbox-idp/unit-login?servicecode=zcps-sandbox&goto=x", "/unit/register"]) {
      expect((await c.get(p)).status, p).toBe(404);
    }
    const ex = await fetch(`${plain.server.url}/sandbox-idp/unit-exchange`, { method: "POST", body: "ticket=x" });
    expect(ex.status).toBe(404);
    expect(await (await c.get("/login")).text()).not.toContain("法人登录");
  });
});
