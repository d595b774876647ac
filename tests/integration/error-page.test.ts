// Unexpected errors through the built server, on SQLite and Postgres (issue 10, item 12): a page,
// a loader data request and a resource route that fail for a real reason (a table the query
// needs is gone — the test renames it for the moment and puts it back) answer in Chinese with a
// reference number, never Remix's English default, and the server log holds the stack under that
// same number.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import type { Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let c: Client;
const PASSWORD = "Tulip-Harbor-2931";
const ENGLISH = /Unexpected Server Error|Application Error|Internal Server Error/;

/** The reference number shown, checked to be in the server log next to a stack trace. */
function refLogged(shown: string) {
  const m = /参考编号：([0-9A-F]{10})/.exec(shown);
  expect(m, shown.slice(0, 500)).not.toBeNull();
  const ref = m![1];
  // One JSON log line (production logs are JSON) whose message is the entry and its stack.
  const entry = server.logs().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { msg: string; reqId?: string })
    .find((l) => l.msg.includes(`[错误 ${ref}]`));
  expect(entry, `log entry for ${ref}`).toBeDefined();
  // The stack follows the entry (the first frame is an "at …" line), with the request's id.
  expect(entry!.msg).toMatch(/\n\s+at /);
  expect(entry!.reqId).toMatch(/^[0-9a-f-]{36}$/);
  return ref;
}

/** Runs `fn` while `table` is renamed away, so every query on it fails. */
async function without(table: string, fn: () => Promise<void>) {
  const qi = db.sequelize.getQueryInterface();
  await qi.renameTable(table, `${table}_gone`);
  try {
    await fn();
  } finally {
    await qi.renameTable(`${table}_gone`, table);
  }
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  const username = uniqueName("err");
  const user = await createUser(db, { username, password: PASSWORD, role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db)), null);
  c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("an unexpected error", () => {
  it("on a page: the Chinese error page with a reference number that is in the log", async () => {
    await without("plans", async () => {
      const res = await c.get("/plans");
      expect(res.status).toBe(500);
      const html = await res.text();
      // What the page shows (the scripts carry Remix's hydration data, not text).
      const shown = html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]*>/g, "");
      expect(shown).toContain("系统繁忙");
      expect(shown).not.toMatch(ENGLISH);
      const ref = refLogged(shown);
      expect(html).toContain(`data-error-ref="${ref}"`);
      // Each request has its own number.
      const again = await (await c.get("/plans")).text();
      expect(refLogged(again.replace(/<[^>]*>/g, ""))).not.toBe(ref);
    });
    // Back to normal: the page works again and shows no number.
    const ok = await c.get("/plans");
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain("参考编号");
  });

  it("in a data request (client navigation): a Chinese message with the number, which the error page shows", async () => {
    await without("plans", async () => {
      const res = await c.get(`/plans?_data=${encodeURIComponent("routes/plans._index")}`);
      expect(res.status).toBe(500);
      expect(res.headers.get("x-remix-error")).toBe("yes");
      const body = await res.json();
      expect(body.message).toContain("系统繁忙");
      refLogged(body.message);
    });
  });

  it("in a resource route: Chinese text with the number, never the English default", async () => {
    await without("units", async () => {
      const res = await c.get(`/api/units?q=${encodeURIComponent("浙江")}`);
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toContain("系统繁忙");
      expect(text).not.toMatch(ENGLISH);
      refLogged(text);
    });
    expect((await c.get(`/api/units?q=${encodeURIComponent("浙江")}`)).status).toBe(200);
  });

  it("answers 404 and thrown responses as before, without a number", async () => {
    const res = await c.get("/no-such-page");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("参考编号");
    const files = await c.get("/files/not-a-key");
    expect(files.status).toBe(404);
    expect(await files.text()).not.toContain("参考编号");
  });
});
