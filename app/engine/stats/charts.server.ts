// The 统计 charts, drawn on the server as SVG by ECharts' SSR renderer (no DOM, no client JS):
// the page shows them as markup and tests read them (decision 020). One chart per table, from the
// table's own rows and column titles, so a chart never says what its table does not.
import * as echarts from "echarts";
import type { StatsTable } from "./stats.server";

const WIDTH = 640;
const BAR = 26;
const MAX_BARS = 20;

function svg(option: echarts.EChartsCoreOption, height: number) {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height });
  try {
    chart.setOption({ animation: false, aria: { enabled: true }, textStyle: { fontFamily: "sans-serif" }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const num = (v: unknown) => (typeof v === "number" ? v : Number.parseFloat(String(v)) || 0);

function chartOf(t: StatsTable): string | null {
  if (!t.rows.length) return null;
  const labelCol = t.columns[0].key;
  if (t.key === "trend") {
    const valueCol = t.columns[1];
    return svg({
      grid: { left: 48, right: 24, top: 24, bottom: 48 },
      xAxis: { type: "category", data: t.rows.map((r) => String(r[labelCol]).slice(5)), axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", name: valueCol.title, data: t.rows.map((r) => num(r[valueCol.key])), showSymbol: t.rows.length <= 31 }],
    }, 280);
  }
  const rows = t.rows.slice(0, MAX_BARS).reverse();
  // Every numeric column but a total is a series: the states stacked, or the stage's median and P90 side by side.
  const cols = t.columns.slice(1).filter((c) => c.key !== "total" && c.key !== "passRate" && c.key !== "count" || t.columns.length === 2);
  const stacked = cols.every((c) => c.kind !== "text");
  const height = Math.max(160, 72 + rows.length * BAR * (stacked ? 1 : cols.length * 0.75));
  return svg({
    legend: cols.length > 1 ? { top: 0 } : undefined,
    grid: { left: 8, right: 32, top: cols.length > 1 ? 32 : 12, bottom: 24, containLabel: true },
    xAxis: { type: "value", minInterval: stacked ? 1 : 0 },
    yAxis: { type: "category", data: rows.map((r) => { const s = String(r[labelCol]); return s.length > 18 ? `${s.slice(0, 17)}…` : s; }) },
    series: cols.map((c) => ({ type: "bar", name: c.title, stack: stacked ? "all" : undefined, data: rows.map((r) => num(r[c.key])), barMaxWidth: 18 })),
  }, height);
}

/** Table key → its chart (SVG markup); tables with no rows have none. */
export function statsCharts(tables: StatsTable[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const s = chartOf(t);
    if (s) out[t.key] = s;
  }
  return out;
}
