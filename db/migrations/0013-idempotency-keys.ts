// Idempotency keys of creating actions (业绩 新增, 导入): a form carries a key made when it was
// rendered; the first save with it records which rows it created, a retry of the same save (the
// answer was lost, the user pressed again) finds the key and gets those rows instead of new ones.
// Unique per owner, so two concurrent saves with one key create once on either database.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0013-idempotency-keys";

export async function up({ context: qi }: { context: QueryInterface }) {
  const J = qi.sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  await qi.createTable("idempotency_keys", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    ownerId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    key: { type: DataTypes.STRING(64), allowNull: false },
    // What the key was used for ("archive:achievement/paper"): the same key elsewhere is refused.
    scope: { type: DataTypes.STRING(160), allowNull: false },
    // The ids of the rows the first save created.
    result: { type: J, allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("idempotency_keys", ["ownerId", "key"], { unique: true, name: "idempotency_keys_owner_key" });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("idempotency_keys");
}
