// npm run worker — a render worker: takes PDF render jobs (single 评审表, batch export items,
// template previews) from the pg-boss queue and renders them in its own warm Chromium, reading
// the HTML from and writing the PDF to the object store. Needs Postgres and, for more than one
// machine, STORAGE_URL. Web nodes queue renders there with RENDER_MODE=worker. SIGTERM: finishes
// the jobs in hand, then exits. Decision 013.
import { getEnv } from "../app/utils/env.server";
import { createMigrator } from "../db/migrate";
import { getDb } from "../app/utils/db.server";
import { installJsonConsole } from "../app/utils/log.server";
import { startMetricsServer } from "../app/utils/metrics.server";
import { getObjectStore } from "../app/utils/object-store.server";
import { closeRenderer } from "../app/engine/pdf/renderer.server";
import { stopRenderQueue, sweepRenderLeftovers, workRenderQueue } from "../app/engine/pdf/render.server";

/** Renders one worker runs at once (its Chromium's page pool is the real bound). */
const CONCURRENCY = 2;

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (e) {
    console.error(`配置错误：${(e as Error).message}`);
    process.exit(1);
  }
  if (env.logFormat === "json") installJsonConsole();
  if (!env.databaseUrl) {
    console.error("渲染工作进程需要 Postgres（DATABASE_URL）：渲染队列使用 pg-boss");
    process.exit(1);
  }
  // The web nodes migrate; a worker of a newer or older build than the database waits for them.
  const db = getDb();
  for (;;) {
    const pending = await createMigrator(db.sequelize).pending();
    if (!pending.length) break;
    console.log(`等待数据库迁移完成（${pending.length} 个未执行）…`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  await (await getObjectStore()).check();
  await workRenderQueue(CONCURRENCY);
  if (env.metricsPort !== null) startMetricsServer(env.metricsPort, env.metricsHost);
  const sweep = () => sweepRenderLeftovers().catch((e) => console.error("[render] sweep:", e.message));
  void sweep();
  setInterval(sweep, 3600_000).unref();
  console.log(`渲染工作进程已启动（pid ${process.pid}，同时渲染 ${CONCURRENCY} 份）`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stopRenderQueue();
    await closeRenderer();
    await db.sequelize.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
