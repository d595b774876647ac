// npm run user:create on a real install: creates accounts with scope, refuses unknown roles/scopes.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../helpers/db";
import type { Db } from "~/utils/db.server";
import { loadScopes } from "~/engine/people/users.server";
import { uniqueName } from "../helpers/fixtures";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
let ctx: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;

beforeAll(async () => {
  ctx = await createTestDb();
  db = ctx.db;
});
afterAll(async () => ctx?.close());

async function cli(args: string[]) {
  const env = {
    ...process.env,
    ...(ctx.target.databaseUrl ? { DATABASE_URL: ctx.target.databaseUrl } : { SQLITE_PATH: ctx.target.sqlitePath, DATABASE_URL: "" }),
  };
  try {
    const r = await run("npm", ["run", "--silent", "user:create", "--", ...args], { cwd: ROOT, env });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e: any) {
    return { code: e.code as number, out: `${e.stdout}${e.stderr}` };
  }
}

describe("user:create", () => {
  it("creates a unit reviewer with two units in scope", async () => {
    const units = await db.models.Unit.findAll({ limit: 2, order: [["id", "ASC"]] });
    const username = uniqueName("rev");
    const r = await cli(["--username", username, "--password", "Tulip-Harbor-2931", "--role", "unit_reviewer", "--unit", units[0].creditCode, "--unit", units[1].creditCode]);
    expect(r.out).toContain("已创建用户");
    expect(r.code).toBe(0);
    const user = await db.models.User.findOne({ where: { username } });
    expect(user?.isDemo).toBe(false);
    expect((await loadScopes(db, user!.id)).map((s) => s.label).sort()).toEqual([units[0].name, units[1].name].sort());
  });

  it("creates an admin", async () => {
    const username = uniqueName("adm");
    const r = await cli(["--username", username, "--password", "Tulip-Harbor-2931", "--role", "admin"]);
    expect(r.code).toBe(0);
    expect((await db.models.User.findOne({ where: { username } }))?.role).toBe("admin");
  });

  // Each case is a process of its own (npm + tsx start-up is most of its time): on Postgres they run
  // side by side; SQLite's one writer would refuse processes opening the same file at once.
  (process.env.TEST_DB === "postgres" ? it.concurrent : it).each([
    ["an unknown role", ["--role", "root"], "未知角色「root」"],
    ["an unknown unit", ["--role", "unit_reviewer", "--unit", "91330000MA00000000"], "工作单位「91330000MA00000000」"],
    ["an unknown committee", ["--role", "acceptance_office", "--committee", "不存在的评委会"], "评审委员会「不存在的评委会」"],
    ["a scope the role cannot have", ["--role", "applicant", "--department", "浙江省教育厅"], "不能设置主管部门范围"],
    ["a weak password", ["--role", "admin", "--password", "123"], "密码至少 8 位"],
    ["a common password", ["--role", "admin", "--password", "password1"], "密码太容易被猜到"],
    ["a password holding the name", ["--role", "admin", "--name", "Zhang Wei", "--password", "zhangwei-1988"], "密码不能包含用户名或姓名"],
  ])("refuses %s with a message and exit code 2, creating nothing", async (_, extra, msg) => {
    const username = uniqueName("bad");
    const args = ["--username", username, "--password", "Tulip-Harbor-2931", ...extra];
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.out).toContain(msg);
    expect(await db.models.User.count({ where: { username } })).toBe(0);
  });

  it("prints usage when arguments are missing", async () => {
    const r = await cli(["--username", "x"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("用法");
  });
});
