import PgBoss from "pg-boss";

import { getEnv } from "./env.server";
import { singleton } from "./singleton.server";

type Slot = { boss: Promise<PgBoss> | null; retry: NodeJS.Timeout | null; stopped: boolean };

/**
 * One pg-boss instance per use (exports, renders, clean-up), in the application's database
 * (schema pgboss), started on first call and shared after. A start that fails (database down at
 * boot, a lock timeout while another process installs the schema) is not remembered: the next
 * call starts again, and `keepStarting` retries in the background so a node that booted during
 * an outage still runs its queues once the database is back.
 */
export function bossFor(name: string, options: Omit<PgBoss.ConstructorOptions, "connectionString">, setUp: (boss: PgBoss) => Promise<void>) {
  const slot = singleton(`pg-boss:${name}`, (): Slot => ({ boss: null, retry: null, stopped: false }));
  const get = (): Promise<PgBoss> => {
    slot.stopped = false;
    slot.boss ??= (async () => {
      const url = getEnv().databaseUrl;
      if (!url) throw new Error(`pg-boss (${name}) needs DATABASE_URL`);
      const boss = new PgBoss({ ...options, connectionString: url });
      boss.on("error", (e) => console.error(`[${name}] pg-boss:`, e.message));
      try {
        await boss.start();
        await setUp(boss);
      } catch (e) {
        await boss.stop({ graceful: false, wait: false }).catch(() => {});
        throw e;
      }
      return boss;
    })().catch((e) => {
      slot.boss = null;
      throw e;
    });
    return slot.boss;
  };
  /** Starts now and, while it fails, again after 5 s, 10 s, … up to a minute apart. */
  const keepStarting = (delay = 5_000) => {
    if (slot.retry) return;
    get().catch((e: Error) => {
      console.error(`[${name}] pg-boss start (retrying in ${delay / 1000} s):`, e.message);
      if (slot.stopped) return;
      slot.retry = setTimeout(() => {
        slot.retry = null;
        if (!slot.stopped) keepStarting(Math.min(delay * 2, 60_000));
      }, delay);
      slot.retry.unref();
    });
  };
  /** Stops this process's instance (shutdown, tests); a later call starts a new one. */
  const stop = async (opts: PgBoss.StopOptions = { graceful: false }) => {
    slot.stopped = true;
    if (slot.retry) clearTimeout(slot.retry);
    slot.retry = null;
    const b = await slot.boss?.catch(() => null);
    slot.boss = null;
    await b?.stop(opts).catch(() => {});
  };
  return { get, keepStarting, stop };
}
