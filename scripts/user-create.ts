// npm run user:create -- --username <u> --password <p> --role <role>
//   [--unit <统一社会信用代码>]… [--department <主管部门>]… [--committee <评审委员会>]… [--acceptance <受理部门>]… [--name <姓名>]
// Creates an account with its scope on a real install (admins too). Exit 2 on bad input.
import { parseArgs } from "node:util";
import { getDb } from "../app/utils/db.server";
import { UserError } from "../app/engine/errors";
import { createUser, ROLE_LABELS } from "../app/engine/people/users.server";
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
        unit: { type: "string", multiple: true },
        department: { type: "string", multiple: true },
        committee: { type: "string", multiple: true },
        acceptance: { type: "string", multiple: true },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`参数错误：${(e as Error).message}`);
    return 2;
  }
  if (!args.username || !args.password || !args.role) {
    console.error("用法：npm run user:create -- --username <用户名> --password <密码> --role <角色> [--unit <统一社会信用代码>]… [--department <主管部门>]… [--committee <评审委员会>]… [--acceptance <受理部门>]…");
    console.error(`角色：${Object.entries(ROLE_LABELS).map(([k, v]) => `${k}（${v}）`).join("、")}`);
    return 2;
  }
  const db = getDb();
  try {
    await setupDatabase(db);
    const user = await createUser(db, {
      username: args.username, password: args.password, role: args.role, displayName: args.name,
      scopes: { units: args.unit, departments: args.department, committees: args.committee, acceptanceDepartments: args.acceptance },
    });
    console.log(`已创建用户 ${user.username}（${ROLE_LABELS[user.role]}），编号 ${user.id}`);
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
