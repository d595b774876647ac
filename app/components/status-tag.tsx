import { Tag } from "antd";
import { STATUS_COLORS, STATUS_LABELS } from "~/engine/entry-status";
import type { EntryStatus } from "../../db/models";

export function StatusTag({ status }: { status: EntryStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{STATUS_LABELS[status]}</Tag>;
}
