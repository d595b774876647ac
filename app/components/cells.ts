// How a stored value reads in a table cell or summary: the same for every form and category.
export function cellText(v: unknown): string {
  if (v === undefined || v === null || v === "") return "—";
  if (typeof v === "boolean") return v ? "是" : "否";
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string" && x.startsWith("f_"))) return v.length ? `${v.length} 个文件` : "—";
    return v.map(cellText).join("、");
  }
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).map(cellText).join(" ");
  return String(v);
}

export function rangeText(a: unknown, b: unknown): string {
  if ((a === undefined || a === null || a === "") && (b === undefined || b === null || b === "")) return "—";
  return `${cellText(a)} 至 ${b === undefined || b === null || b === "" ? "今" : cellText(b)}`;
}

// One formatter for every row: toLocaleString with options builds a new Intl.DateTimeFormat per call.
const DATE_TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
});
/** A stored timestamp as Beijing time, e.g. 2024/11/30 06:08:47 (what toLocaleString("zh-CN") shows). */
export const dateTimeText = (v: string | Date) => DATE_TIME.format(new Date(v));
