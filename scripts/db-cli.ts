// npm run db:migrate | db:seed — database set-up from the command line.
import { getDb } from "../app/utils/db.server";
import { getEnv } from "../app/utils/env.server";
import { setupDatabase } from "./setup";
import { FormConfigError } from "../app/engine/form-registry.server";

async function main() {
  const cmd = process.argv[2];
  const db = getDb();
  try {
    if (cmd === "migrate" || cmd === "seed") {
      const demo = cmd === "seed" || getEnv().demoMode;
      const r = await setupDatabase(db, { demo });
      const d = r.definitions;
      console.log(`数据库已就绪（${db.sequelize.getDialect()}），新发布字典 ${d.dictionary.published} 个、表单 ${d.form.published} 个、计划类型 ${d["plan-types"].published} 个、模板 ${d.template.published} 个、申报类型 ${d.workflow.published} 个${r.demo ? `，演示账户 ${r.demo.length} 个` : ""}`);
    } else {
      console.error("用法：tsx scripts/db-cli.ts migrate|seed");
      process.exitCode = 2;
    }
  } catch (e) {
    if (e instanceof FormConfigError) {
      console.error(e.message);
      process.exitCode = 1;
    } else throw e;
  } finally {
    await db.sequelize.close();
  }
}
main();
