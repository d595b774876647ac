// Payments (马上支付): the orders we create with a payment provider, and every notification a
// provider sent us (accepted, duplicate or refused), kept for reconciliation and disputes.
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0009-payments";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable("payment_orders", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    orderNo: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    // The payment stage of the chain this order pays for.
    stage: { type: DataTypes.STRING(32), allowNull: false },
    // sandbox, alipay, … or "offline" (marked by an acceptance office).
    provider: { type: DataTypes.STRING(32), allowNull: false },
    amountFen: { type: DataTypes.INTEGER, allowNull: false },
    // pending → paid, or pending → closed (superseded, or paid offline meanwhile).
    status: { type: DataTypes.STRING(16), allowNull: false },
    providerTxnId: { type: DataTypes.STRING(64) },
    paidAt: { type: DataTypes.DATE },
    note: { type: DataTypes.TEXT },
    // Who marked an offline payment (null for online).
    markedBy: { type: DataTypes.INTEGER },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("payment_orders", ["applicationId", "createdAt"]);
  // One open order per application, enforced by the database (two clicks at once).
  await qi.addIndex("payment_orders", ["applicationId"], { unique: true, where: { status: "pending" }, name: "payment_orders_one_open" });
  // One provider transaction pays at most one order.
  await qi.addIndex("payment_orders", ["provider", "providerTxnId"], { unique: true, name: "payment_orders_txn" });

  await qi.createTable("payment_notifications", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    provider: { type: DataTypes.STRING(32), allowNull: false },
    orderNo: { type: DataTypes.STRING(40) },
    providerTxnId: { type: DataTypes.STRING(64) },
    amountFen: { type: DataTypes.INTEGER },
    // paid | duplicate | late (paid after the stage was done: refund by hand) | refused
    outcome: { type: DataTypes.STRING(16), allowNull: false },
    reason: { type: DataTypes.TEXT },
    // The body as received (capped), for disputes.
    payload: { type: DataTypes.TEXT, allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("payment_notifications", ["orderNo"]);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable("payment_notifications");
  await qi.dropTable("payment_orders");
}
