// npm run user:create -- --username <u> --password <p> --role <role>
//   [--unit <统一社会信用代码>]… [--department <主管部门>]… [--committee <评审委员会>]… [--acceptance <受理部门>]… [--name <姓名>]
// (the roles and the scope options come from app/engine/people/roles.ts)
// Creates an account with its scope on a real install (admins too). Exit 2 on bad input.
import { parseArgs } from "node:util";
import { getDb } from "../app/utils/db.server";
import { UserError } from "../app/engine/errors";
import { createUser } from "../app/engine/people/users.server";
import { labelOfRole, ROLE_IDS, roleLabel, SCOPE_KIND_IDS, scopeKind } from "../app/engine/people/roles";
import { setupDatabase } from "./setup";

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        username: { type: "string" },
        password: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        // One repeatable option per scope kind (roles.ts: --unit, --department, --committee, --acceptance).
        ...Object.fromEntries(SCOPE_KIND_IDS.map((k) => [scopeKind(k).flag, { type: "string", multiple: true } as const])),
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`参数错误：${(e as Error).message}`);
    return 2;
  }
  if (!args.username || !args.password || !args.role) {
    const scopes = SCOPE_KIND_IDS.map((k) => `[--${scopeKind(k).flag} <${scopeKind(k).keyLabel}>]…`).join(" ");
    console.error(`用法：npm run user:create -- --username <用户名> --password <密码> --role <角色> ${scopes}`);
    console.error(`角色：${ROLE_IDS.map((r) => `${r}（${roleLabel(r)}）`).join("、")}`);
    return 2;
  }
  const db = getDb();
  try {
    await setupDatabase(db);
    const user = await createUser(db, {
      username: args.username, password: args.password, role: args.role, displayName: args.name,
      scopes: Object.fromEntries(SCOPE_KIND_IDS.map((k) => [scopeKind(k).input, (args as Record<string, string[] | undefined>)[scopeKind(k).flag]])),
    });
    console.log(`已创建用户 ${user.username}（${labelOfRole(user.role)}），编号 ${user.id}`);
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`创建失败：${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await db.sequelize.close();
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
