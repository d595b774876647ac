// WEB_CONCURRENCY=2: the primary migrates once and forks two workers sharing the port
// (decision 006). Requests of one session land on both workers, so whatever a request needs
// across them must be in the database: the session, the login lockout counters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { uniqueName } from "../helpers/fixtures";

let ctx: TestServer;

beforeAll(async () => {
  ctx = await startTestServer({ WEB_CONCURRENCY: "2" }, { startTimeoutMs: 150_000 });
}, 180_000);
afterAll(async () => ctx?.stop());

describe("two server processes", () => {
  it("announces the workers once both listen", () => {
    expect(ctx.server.logs()).toMatch(/已启动：http:\/\/localhost:\d+  （数据库：\w+，2 个工作进程）/);
    expect(ctx.server.logs().match(/已启动/g)).toHaveLength(1);
  });

  it("keeps a session across the workers", async () => {
    const c = new Client(ctx.server.url);
    const password = "Tulip-Harbor-2931";
    const reg = await c.post("/register", { username: uniqueName(), password, confirmPassword: password });
    expect(reg.status).toBe(302);
    // Round-robin over two workers: consecutive requests alternate between them.
    for (let i = 0; i < 10; i++) {
      const res = await c.get("/profile");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("个人基本信息");
    }
  });

  it("counts wrong passwords across the workers (lockout after 5)", async () => {
    const username = uniqueName();
    const password = "Tulip-Harbor-2931";
    expect((await new Client(ctx.server.url).post("/register", { username, password, confirmPassword: password })).status).toBe(302);
    for (let i = 0; i < 5; i++) await new Client(ctx.server.url).login(username, "wrong-password-1");
    const res = await new Client(ctx.server.url).login(username, password);
    expect(res.status).not.toBe(302);
    expect(await res.text()).toContain("账户已锁定");
  });
});
