// The notifications kind: workflows/notifications.json (which engine events tell the applicant
// what, on which channels), one definition stored in notification_definition_versions. The
// dispatcher (app/engine/notifications) reads the latest published version, never the file.
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { getEnv } from "~/utils/env.server";
import type { NotificationsFile } from "../types.generated";
import { contentHash } from "../hash";
import { at, readJsonFile, type KindSpec, type Raw } from "../lifecycle.server";
import { ENTRY_TRANSITIONS } from "../../entry-status";
import { REVIEW_ACTIONS, VOTE_ACTIONS } from "../../workflow/review-machine";

export const NOTIFICATIONS_ID = "notifications";
export const NOTIFICATIONS_FILE = "notifications.json";

/** The audit actions each entity's changes are recorded with (what `on.actions` may name). */
export const EVENT_ACTIONS: Record<NotificationDef["on"]["entity"], readonly string[]> = {
  // save is recorded as resubmit (an edited entry goes back to 待审核).
  "achievement-entry": [...Object.keys(ENTRY_TRANSITIONS).filter((a) => a !== "save"), "resubmit"],
  application: [...REVIEW_ACTIONS, ...VOTE_ACTIONS, "submit", "resubmit", "pay", "offline-pay", "publicity-start", "publicity-end"],
};
/** The states an application reaches besides its review stages (their ids are the workflow's). */
const APPLICATION_END_STATES = ["returned", "approved", "rejected"];

export type NotificationsDefinition = Pick<NotificationsFile, "version" | "notifications" | "sms"> & { id: string };
export type NotificationDef = NotificationsFile["notifications"][number];

export const notificationsKind: KindSpec<NotificationsDefinition, NotificationsFile> = {
  kind: "notifications",
  label: "通知",
  dir: () => getEnv().workflowsDir,
  folder: "workflows",
  metaSchema: "_meta/notifications.schema.json",
  format: { current: 1, upgrades: {} },
  versioning: "declared",
  listFiles: (dir) => (fs.existsSync(path.join(dir, NOTIFICATIONS_FILE)) ? [NOTIFICATIONS_FILE] : []),
  readFile: readJsonFile,
  idOf: () => NOTIFICATIONS_ID,
  toDef: (c) => ({ id: NOTIFICATIONS_ID, version: c.version, notifications: c.notifications, sms: c.sms }),
  check: (def, { source }) => {
    const problems: string[] = [];
    const seen = new Set<string>();
    def.notifications.forEach((n, i) => {
      if (seen.has(n.id)) problems.push(`${at(source)}notifications 中 id「${n.id}」重复`);
      seen.add(n.id);
      for (const [key, text] of [["message", n.message], ["link", n.link]] as const) {
        if (text === undefined) continue;
        try {
          Handlebars.precompile(text, { strict: false });
        } catch (e) {
          problems.push(`${at(source)}notifications[${i}].${key} 不是有效的模板：${(e as Error).message.split("\n")[0]}`);
        }
      }
      for (const a of n.on.actions ?? []) {
        if (!EVENT_ACTIONS[n.on.entity].includes(a)) problems.push(`${at(source)}notifications[${i}].on.actions 中的「${a}」不是${n.on.entity}的操作（可用：${EVENT_ACTIONS[n.on.entity].join("、")}）`);
      }
      if (n.on.entity === "achievement-entry" && (n.on.toStageKinds || n.on.toStates)) problems.push(`${at(source)}notifications[${i}]：业绩的变化请用 on.actions 指定`);
      for (const st of n.on.toStates ?? []) {
        if (n.on.entity === "application" && !APPLICATION_END_STATES.includes(st)) problems.push(`${at(source)}notifications[${i}].on.toStates 中的「${st}」不是申报的状态（可用：${APPLICATION_END_STATES.join("、")}；到达某一审核环节请用 toStageKinds）`);
      }
      if (n.audience === "stage-staff") {
        // Staff have no 个人基本信息 (no mobile), and only an application reaches a stage with staff.
        if (n.on.entity !== "application" || !n.on.toStageKinds) problems.push(`${at(source)}notifications[${i}]：通知审核人员（stage-staff）只用于申报到达某一环节（on.entity 为 application 并指定 on.toStageKinds）`);
        if (n.channels.includes("sms")) problems.push(`${at(source)}notifications[${i}]：审核人员只能通过站内信通知（工作人员账号没有个人基本信息中的手机号）`);
      }
      if (n.channels.includes("sms") && !def.sms) problems.push(`${at(source)}notifications[${i}] 使用短信渠道，但未声明 sms.mobileField（手机号取自个人基本信息的哪个字段）`);
    });
    return problems;
  },
  hash: (def) => contentHash({ notifications: def.notifications, sms: def.sms ?? null }),
  store: {
    model: (db) => db.models.NotificationDefinitionVersion,
    where: () => ({}),
    toRow: (def) => ({ definition: { notifications: def.notifications, sms: def.sms ?? null } }),
    fromRow: (row: Raw) => {
      const d = row.definition as Raw;
      return { ...d, sms: d.sms ?? undefined, version: row.version };
    },
  },
};
