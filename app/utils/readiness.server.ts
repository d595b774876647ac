// Readiness (/readyz): may this node take traffic? The database answers, its migrations are the
// ones this build expects, and the object store can be written. A load balancer takes a node out
// while any check fails; liveness (/healthz) only says the process runs.
import { createMigrator } from "../../db/migrate";
import type { Db } from "./db.server";
import { getObjectStore } from "./object-store.server";
import { singleton } from "./singleton.server";

export interface ReadinessCheck { name: "database" | "migrations" | "storage" | "draining"; ok: boolean; detail: string }

// Shared by server.ts and the copy of this module bundled into build/.
const state = () => singleton("readiness", () => ({ draining: false }));
/** SIGTERM received: from now on this node is not ready (it finishes what it has, then exits). */
export function markDraining() {
  state().draining = true;
}

/** Each check is bounded: a hung dependency is a failure after this long, not a hung probe. */
const CHECK_TIMEOUT_MS = 3000;

function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${CHECK_TIMEOUT_MS / 1000} 秒内无响应`)), CHECK_TIMEOUT_MS); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function check(name: ReadinessCheck["name"], run: () => Promise<string>): Promise<ReadinessCheck> {
  try {
    return { name, ok: true, detail: await bounded(run()) };
  } catch (e) {
    return { name, ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

export async function readiness(db: Db): Promise<{ ok: boolean; checks: ReadinessCheck[] }> {
  const checks = await Promise.all([
    check("database", async () => {
      await db.sequelize.query("SELECT 1");
      return db.sequelize.getDialect();
    }),
    check("migrations", async () => {
      const pending = await createMigrator(db.sequelize).pending();
      if (pending.length) throw new Error(`有 ${pending.length} 个数据库迁移未执行：${pending.map((m) => m.name).join("、")}`);
      return "已是最新";
    }),
    check("storage", async () => {
      const store = await getObjectStore();
      await store.check();
      return store.kind;
    }),
  ]);
  if (state().draining) checks.push({ name: "draining", ok: false, detail: "正在停止服务（SIGTERM）" });
  return { ok: checks.every((c) => c.ok), checks };
}
