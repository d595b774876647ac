// The layer boundaries of eslint.config.mjs hold (DESIGN: routes → components → engine → utils/db,
// arrows down only): each forbidden import is reported, and the allowed ones are not. Linted as
// text placed in each folder, with the project's own config and resolver.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string) {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return r.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("layer boundaries", () => {
  it.each([
    ["engine → components", "app/engine/probe.ts", 'import { AppShell } from "~/components/app-shell";\nexport const x = AppShell;', "不能引用界面组件或路由"],
    ["engine → routes", "app/engine/probe.ts", 'import * as login from "../routes/login";\nexport const x = login;', "不能引用界面组件或路由"],
    ["utils → engine (alias)", "app/utils/probe.ts", 'import { UserError } from "~/engine/errors";\nexport const x = UserError;', "不能引用引擎"],
    ["utils → engine (relative)", "app/utils/probe.ts", 'import { may } from "../engine/people/roles";\nexport const x = may;', "不能引用引擎"],
    ["db → engine", "db/probe.ts", 'import { may } from "../app/engine/people/roles";\nexport const x = may;', "不能引用 app/"],
    ["db → scripts", "db/probe.ts", 'import { setupDatabase } from "../scripts/setup";\nexport const x = setupDatabase;', "不能引用 app/ 或 scripts/"],
    ["component → a *.server module", "app/components/probe.tsx", 'import { getDb } from "~/utils/db.server";\nexport const x = getDb;', "不能引用 *.server"],
  ])("refuses %s", async (_, file, code, message) => {
    expect((await problems(file, code)).join("\n")).toContain(message);
  }, 60_000);

  it.each([
    ["routes → components, engine, utils", "app/routes/probe.tsx", 'import { AppShell } from "~/components/app-shell";\nimport { may } from "~/engine/people/roles";\nimport { getDb } from "~/utils/db.server";\nexport const x = [AppShell, may, getDb];'],
    ["component → engine, and a type from a *.server module", "app/components/probe.tsx", 'import { may } from "~/engine/people/roles";\nimport type { Db } from "~/utils/db.server";\nexport const x: [typeof may, Db | null] = [may, null];'],
    ["engine → utils and db", "app/engine/probe.ts", 'import { getDb } from "~/utils/db.server";\nimport type { UserAttrs } from "../../db/models";\nexport const x: [typeof getDb, UserAttrs | null] = [getDb, null];'],
    ["scripts → engine", "scripts/probe.ts", 'import { createUser } from "../app/engine/people/users.server";\nexport const x = createUser;'],
  ])("allows %s", async (_, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  }, 60_000);
});
