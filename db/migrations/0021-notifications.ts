// Notifications (issue 15): the published versions of workflows/notifications.json, the messages
// sent (站内信 and SMS, one per event, person and channel: a unique key makes a retried dispatch
// harmless), and on each audit row whether it still waits for the dispatcher. Rows that exist
// before this migration are history: they wait for nothing (the column's default is false; the
// model gives new rows true).
import { DataTypes, type QueryInterface } from "sequelize";

export const name = "0021-notifications";

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable("notification_definition_versions", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    version: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    definition: { type: DataTypes.JSON, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    formatVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable("notifications", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    channel: { type: DataTypes.STRING(16), allowNull: false },
    /** The event and definition it came from: audit:<auditId>:<notification id>. */
    eventKey: { type: DataTypes.STRING(120), allowNull: false },
    title: { type: DataTypes.STRING(120), allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
    link: { type: DataTypes.STRING(200), allowNull: true },
    /** sms: the number it goes to. */
    recipient: { type: DataTypes.STRING(32), allowNull: true },
    /** inbox: delivered; sms: pending → sent, or failed after the last attempt. */
    status: { type: DataTypes.STRING(16), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    nextAttemptAt: { type: DataTypes.DATE, allowNull: true },
    lastError: { type: DataTypes.STRING(200), allowNull: true },
    sentAt: { type: DataTypes.DATE, allowNull: true },
    readAt: { type: DataTypes.DATE, allowNull: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("notifications", ["eventKey", "userId", "channel"], { unique: true, name: "notifications_once" });
  await qi.addIndex("notifications", ["userId", "channel", "id"], { name: "notifications_inbox" });
  await qi.addIndex("notifications", ["channel", "status", "nextAttemptAt"], { name: "notifications_outbox" });
  await qi.addColumn("audit_logs", "notifyPending", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  // Only rows still waiting are indexed: the dispatcher's scan stays small however long the log.
  await qi.addIndex("audit_logs", ["id"], { name: "audit_logs_notify_pending", where: { notifyPending: true } });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex("audit_logs", "audit_logs_notify_pending");
  await qi.removeColumn("audit_logs", "notifyPending");
  await qi.dropTable("notifications");
  await qi.dropTable("notification_definition_versions");
}
