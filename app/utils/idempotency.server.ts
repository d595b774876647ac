// Idempotency keys for creating actions (migration 0013): a form gets a key when it is rendered
// and sends it with its save. A save whose answer was lost (the row was committed, the browser
// saw a network error) is retried with the same key and gets the rows the first one created
// instead of a second copy. The key is recorded in the creating transaction, unique per owner:
// of two concurrent saves with one key, one commits and the other rolls back and replays it.
import crypto from "node:crypto";
import { DataTypes, UniqueConstraintError, type Model, type ModelStatic, type Transaction } from "sequelize";
import type { Db } from "./db.server";
import { HttpError } from "./http.server";

/** The body field a form sends its key in. */
export const IDEMPOTENCY_FIELD = "idempotencyKey";

interface KeyAttrs { id: number; ownerId: number; key: string; scope: string; result: number[]; createdAt: Date; updatedAt: Date }
type KeyRow = Model<KeyAttrs, Partial<KeyAttrs>> & KeyAttrs;
type KeyModel = ModelStatic<KeyRow>;
const keyModels = new WeakMap<object, KeyModel>();

/** The idempotency_keys model, defined on first use per connection. */
function keyModel(db: Db): KeyModel {
  const s = db.sequelize;
  let m = keyModels.get(s);
  if (!m) keyModels.set(s, (m = defineKeyModel(db)));
  return m;
}
function defineKeyModel(db: Db): KeyModel {
  const s = db.sequelize;
  const J = s.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  return s.define<KeyRow, Omit<KeyAttrs, "createdAt" | "updatedAt">>("IdempotencyKey", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    ownerId: { type: DataTypes.INTEGER, allowNull: false },
    key: { type: DataTypes.STRING(64), allowNull: false },
    scope: { type: DataTypes.STRING(160), allowNull: false },
    result: { type: J, allowNull: false },
  }, { tableName: "idempotency_keys" });
}

/** A fresh key for a form being rendered. */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

/** The key a save sent: null when it sent none (an older page, a script); malformed → 400. */
export function idempotencyKeyOf(v: unknown): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(v)) throw new HttpError("提交的数据格式不正确，请刷新页面后重试");
  return v;
}

/** The ids a save with this key created, or null when the key is new. */
export async function priorResult(db: Db, ownerId: number, key: string, scope: string, t?: Transaction): Promise<number[] | null> {
  const row = await keyModel(db).findOne({ where: { ownerId, key }, transaction: t });
  if (!row) return null;
  // One form's key sent to another action: not a retry of this one.
  if (row.scope !== scope) throw new HttpError("页面已过期，请刷新页面后重试", 409);
  const result = typeof row.result === "string" ? JSON.parse(row.result) : row.result;
  return Array.isArray(result) ? result.filter((n): n is number => Number.isInteger(n)) : [];
}

/**
 * Runs `create` once per (owner, key). Without a key it simply runs. With one: a key already used
 * answers the stored ids (replayed); otherwise `create` runs in a transaction that also records the
 * key with the ids it returns, so the rows and the key commit together or not at all.
 */
export async function createOnce(
  db: Db, ownerId: number, key: string | null, scope: string,
  create: (t: Transaction) => Promise<number[]>,
): Promise<{ ids: number[]; replayed: boolean }> {
  if (!key) return { ids: await db.sequelize.transaction(create), replayed: false };
  const prior = await priorResult(db, ownerId, key, scope);
  if (prior) return { ids: prior, replayed: true };
  try {
    const ids = await db.sequelize.transaction(async (t) => {
      const created = await create(t);
      // A concurrent save with the same key fails here (unique index) and its rows roll back.
      await keyModel(db).create({ ownerId, key, scope, result: created }, { transaction: t });
      return created;
    });
    return { ids, replayed: false };
  } catch (e) {
    if (e instanceof UniqueConstraintError) {
      const won = await priorResult(db, ownerId, key, scope);
      if (won) return { ids: won, replayed: true };
    }
    throw e;
  }
}
