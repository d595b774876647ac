// How a stored value reads on screen (table cells, the record view): the one value formatter of
// engine/format-value.ts with the screen's options, the same for every form and category.
import { formatColumn, formatValue, lookupIn, type ColumnFormat, type DictionaryLabels } from "~/engine/format-value";

/** What an empty value reads as on screen. */
export const SCREEN_EMPTY = "—";

export const cellText = (v: unknown, schema?: object | null, ui?: object | null) => formatValue(v, schema, ui, { empty: SCREEN_EMPTY });

/** A list column's cell (a field, or a from–to range) for a record's data. */
export const columnText = (c: ColumnFormat, data: Record<string, unknown>, labels?: DictionaryLabels) => formatColumn(c, data, { empty: SCREEN_EMPTY, lookup: lookupIn(labels) });

// One formatter for every row: toLocaleString with options builds a new Intl.DateTimeFormat per call.
const DATE_TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
});
/** A stored timestamp as Beijing time, e.g. 2024/11/30 06:08:47 (what toLocaleString("zh-CN") shows). */
export const dateTimeText = (v: string | Date) => DATE_TIME.format(new Date(v));
