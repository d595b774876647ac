// 统计分析 (issue 15): a staff member's counts, pass rates, time per stage and daily submissions,
// over exactly the applications their queue's 全部申报 shows (queueWhere: one OR branch per
// workflow version and stage of their role, in their scope) — an application they cannot see is
// never counted, and a filter naming another scope's plan or unit only narrows to nothing. Every
// label comes from the data: plan names, 系列 and 级别 from the dictionaries, stage and state labels
// from each application's own chain. Time per stage reads application_stage_visits (decision 020).
import ExcelJS from "exceljs";
import { fn, col, literal, Op, QueryTypes, type WhereOptions } from "sequelize";
import type { ApplicationAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import type { Person } from "~/engine/people/roles";
import { loadReviewerScope } from "~/engine/people/scope.server";
import { dbId } from "~/utils/ints.server";
import { aggregateRows } from "~/utils/aggregate.server";
import { escapeCell } from "../dictionary-admin.server";
import { cnDate } from "../format-value";
import { getWorkflow } from "../workflow/registry.server";
import { queueFilterWheres, staffQueueOptions, visibleByChain } from "../workflow/review.server";
import { STATUS_LABEL, stageOf, stateLabel } from "../workflow/review-machine";
import { statsCharts } from "./charts.server";

export interface StatsFilters { planId: number | null; titleSeriesId: number | null; level: string | null; unitId: number | null }

/** The dashboard's filters from its URL; anything that is not an id (or a level of at most 16
 *  characters) is ignored, never an error. */
export function statsFiltersFrom(url: URL): StatsFilters {
  const level = (url.searchParams.get("level") ?? "").trim();
  return { planId: dbId(url.searchParams.get("plan")), titleSeriesId: dbId(url.searchParams.get("series")), level: level && level.length <= 16 ? level : null, unitId: dbId(url.searchParams.get("unit")) };
}

/** Visits are bucketed by this many minutes (0.1 day) for the percentiles. */
const BUCKET_MINUTES = 144;
const MAX_UNITS = 100;
const MAX_TREND_DAYS = 366;
const DAY = 86_400_000;
/** Dates are 北京时间 days. */
const TZ_OFFSET = 8 * 3_600_000;

export interface StatsColumn { key: string; title: string; kind?: "number" | "text" }
export interface StatsTable { key: string; title: string; columns: StatsColumn[]; rows: Record<string, string | number>[]; note?: string }

/** One condition per workflow version in the viewer's scope (disjoint: results add up), each with
 * the filters: the queue's 全部申报 split so every query runs on the stats index (migration 0025). */
async function scopedWheres(db: Db, viewer: Person, f: StatsFilters) {
  const scope = await loadReviewerScope(db, viewer);
  const filters = await queueFilterWheres(db, { planId: f.planId, titleSeriesId: f.titleSeriesId, unitId: f.unitId, q: "" });
  if (f.level) {
    const ids = (await db.models.Plan.findAll({ where: { titleLevel: f.level }, attributes: ["id"], raw: true })).map((p) => p.id);
    filters.push({ planId: { [Op.in]: ids.length ? ids : [-1] } });
  }
  return (await visibleByChain(db, scope, false)).map((chain) => ({ [Op.and]: [chain, ...filters] }) as WhereOptions<ApplicationAttrs>);
}

interface Tally { total: number; submitted: number; returned: number; approved: number; rejected: number }
const emptyTally = (): Tally => ({ total: 0, submitted: 0, returned: 0, approved: 0, rejected: 0 });
function add(t: Tally, status: string, n: number) {
  t.total += n;
  if (status in t && status !== "total") t[status as keyof Tally] += n;
}
/** 通过率: passed / decided (评审通过 + 不通过), as a percentage with one decimal; "—" before any decision. */
export function passRate(t: Pick<Tally, "approved" | "rejected">) {
  const decided = t.approved + t.rejected;
  return decided ? `${((t.approved * 100) / decided).toFixed(1)}%` : "—";
}
const tallyColumns = (first: string): StatsColumn[] => [
  { key: "label", title: first, kind: "text" }, { key: "total", title: "申报数" },
  ...(["submitted", "returned", "approved", "rejected"] as const).map((k) => ({ key: k, title: STATUS_LABEL[k] })),
  { key: "passRate", title: "通过率", kind: "text" },
];
const tallyRow = (label: string, t: Tally) => ({ label, ...t, passRate: passRate(t) });

/** Nearest-rank percentile (p in 0–100) of a histogram of bucket → count, in days (bucket floor). */
export function histogramPercentile(hist: Map<number, number>, p: number) {
  const buckets = [...hist.entries()].sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((s, [, c]) => s + c, 0);
  if (!n) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let seen = 0;
  for (const [b, c] of buckets) {
    seen += c;
    if (seen >= rank) return (b * BUCKET_MINUTES) / (24 * 60);
  }
  return null;
}

const dayOf = (d: Date) => new Date(d.getTime() + TZ_OFFSET).toISOString().slice(0, 10);

/** The dashboard: totals and one table per view (each with its chart), or `empty` when nothing is in scope. */
export async function statsDashboard(db: Db, viewer: Person, f: StatsFilters) {
  const wheres = await scopedWheres(db, viewer, f);
  const m = db.models;
  const pg = db.sequelize.getDialect() === "postgres";
  const n = (v: unknown) => Number(v ?? 0);
  const cnt = [fn("COUNT", col("id")), "n"] as [ReturnType<typeof fn>, string];
  const sumOf = (status: string) => [literal(`SUM(CASE WHEN "status" = '${status}' THEN 1 ELSE 0 END)`), status] as [ReturnType<typeof literal>, string];
  /** A grouped query run once per chain condition, rows concatenated (the chains are disjoint). */
  const perChain = async <T,>(q: (where: WhereOptions<ApplicationAttrs>) => Promise<unknown[]>) => (await Promise.all(wheres.map((w) => aggregateRows<T>(q(w))))).flat();

  const byChain = await perChain<{ planId: number; workflowId: string; chainVersion: number; status: string; stage: string | null; n: unknown }>((where) => m.Application.findAll({
    where, attributes: ["planId", "workflowId", "chainVersion", "status", "stage", cnt], group: ["planId", "workflowId", "chainVersion", "status", "stage"], raw: true,
  }));
  const unitRows = await perChain<{ unitId: number | null; n: unknown } & Record<string, unknown>>((where) => m.Application.findAll({
    where, attributes: ["unitId", cnt, ...["submitted", "returned", "approved", "rejected"].map(sumOf)], group: ["unitId"], raw: true,
  }));
  const unitTally = new Map<number | null, Tally>();
  for (const r of unitRows) {
    const t = unitTally.get(r.unitId) ?? unitTally.set(r.unitId, emptyTally()).get(r.unitId)!;
    t.total += n(r.n);
    for (const k of ["submitted", "returned", "approved", "rejected"] as const) t[k] += n(r[k]);
  }
  const byUnit = [...unitTally.entries()].sort((a, b) => b[1].total - a[1].total || (a[0] ?? 0) - (b[0] ?? 0));
  const totals = emptyTally();
  for (const r of byChain) add(totals, r.status, n(r.n));
  const scopeOptions = await statsOptions(db, viewer);
  if (!totals.total) return { empty: true as const, totals, tables: [] as StatsTable[], charts: {} as Record<string, string>, options: scopeOptions, trendPlan: null };

  const planIds = [...new Set(byChain.map((r) => r.planId))];
  const unitIds = byUnit.slice(0, MAX_UNITS).map(([id]) => id).filter((x): x is number => x !== null);
  const [plans, series, units] = await Promise.all([
    m.Plan.findAll({ where: { id: { [Op.in]: planIds } }, attributes: ["id", "name", "titleSeriesId", "titleLevel", "opensAt", "closesAt"], raw: true }),
    m.TitleSeries.findAll({ attributes: ["id", "name", "sortOrder", "levels"], order: [["sortOrder", "ASC"], ["id", "ASC"]], raw: true }),
    m.Unit.findAll({ where: { id: { [Op.in]: unitIds.length ? unitIds : [-1] } }, attributes: ["id", "name"], raw: true }),
  ]);
  const planOf = new Map(plans.map((p) => [p.id, p]));
  const levelOrder = [...new Set(series.flatMap((s) => s.levels ?? []))];

  // By plan, series, level: tallies folded from the one grouped query.
  const byPlan = new Map<number, Tally>();
  const bySeries = new Map<number, Tally>();
  const byLevel = new Map<string, Tally>();
  const byState = new Map<string, number>();
  for (const r of byChain) {
    const p = planOf.get(r.planId);
    const k = n(r.n);
    const get = <K,>(map: Map<K, Tally>, key: K) => map.get(key) ?? map.set(key, emptyTally()).get(key)!;
    add(get(byPlan, r.planId), r.status, k);
    if (p) { add(get(bySeries, p.titleSeriesId), r.status, k); add(get(byLevel, p.titleLevel), r.status, k); }
    const w = await getWorkflow(db, r.workflowId, r.chainVersion);
    const label = w ? stateLabel(w, r) : STATUS_LABEL[r.status as keyof typeof STATUS_LABEL] ?? r.status;
    byState.set(label, (byState.get(label) ?? 0) + k);
  }
  const planRows = plans.slice().sort((a, b) => new Date(b.opensAt).getTime() - new Date(a.opensAt).getTime() || b.id - a.id);
  const seriesRows = series.filter((s) => bySeries.has(s.id));
  const levelRows = [...byLevel.keys()].sort((a, b) => (levelOrder.indexOf(a) + 1 || 99) - (levelOrder.indexOf(b) + 1 || 99));
  const unitName = new Map(units.map((u) => [u.id, u.name]));

  // Time per stage and daily submissions: over one plan (one review round) — the filtered plan,
  // else the latest opened in scope — so neither reads every visit of every year (decision 020).
  const trendPlan = (f.planId && planOf.get(f.planId)) || planRows[0];
  const inPlan = wheres.map((w) => ({ [Op.and]: [w, { planId: trendPlan.id }] }) as WhereOptions<ApplicationAttrs>);
  const qg = db.sequelize.getQueryInterface().queryGenerator as unknown as { selectQuery(t: string, o: object, model: unknown): string };
  const visits = (await Promise.all(inPlan.map((where) => {
    const sub = qg.selectQuery("applications", { attributes: ["id"], where }, m.Application).replace(/;\s*$/, "");
    return db.sequelize.query<{ workflowId: string; chainVersion: number; stage: string; b: unknown; n: unknown }>(
      `SELECT "workflowId", "chainVersion", "stage", "minutes" / ${BUCKET_MINUTES} AS "b", COUNT(*) AS "n" FROM "application_stage_visits"
       WHERE "leftAt" IS NOT NULL AND "applicationId" IN (${sub}) GROUP BY "workflowId", "chainVersion", "stage", "minutes" / ${BUCKET_MINUTES}`,
      { type: QueryTypes.SELECT });
  }))).flat();
  // Stages are keyed by their label (the same 单位审核 in several types is one row), in chain order.
  const stageHist = new Map<string, { order: number; hist: Map<number, number> }>();
  for (const v of visits) {
    const w = await getWorkflow(db, v.workflowId, v.chainVersion);
    const s = w ? stageOf(w, v.stage) : null;
    const label = s?.label ?? v.stage;
    const order = w && s ? w.reviewChain.stages.indexOf(s) : 99;
    const e = stageHist.get(label) ?? stageHist.set(label, { order, hist: new Map() }).get(label)!;
    e.order = Math.min(e.order, order);
    e.hist.set(n(v.b), (e.hist.get(n(v.b)) ?? 0) + n(v.n));
  }
  const days = (v: number | null) => (v === null ? "—" : v.toFixed(1));
  const stageRows = [...stageHist.entries()].sort((a, b) => a[1].order - b[1].order).map(([label, e]) => ({
    label, count: [...e.hist.values()].reduce((s, c) => s + c, 0), median: days(histogramPercentile(e.hist, 50)), p90: days(histogramPercentile(e.hist, 90)),
  }));

  const dayExpr = pg ? `to_char("submittedAt" AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')` : `date(substr("submittedAt", 1, 19), '+8 hours')`;
  const perDay = (await Promise.all(inPlan.map((where) => aggregateRows<{ day: string; n: unknown }>(m.Application.findAll({
    where: { [Op.and]: [where, { submittedAt: { [Op.ne]: null } }] } as WhereOptions<ApplicationAttrs>,
    attributes: [[literal(dayExpr), "day"], cnt], group: [literal(dayExpr) as unknown as string], raw: true,
  }))))).flat();
  const counted = new Map<string, number>();
  for (const r of perDay) counted.set(String(r.day), (counted.get(String(r.day)) ?? 0) + n(r.n));
  const start = new Date(`${dayOf(new Date(trendPlan.opensAt))}T00:00:00Z`).getTime();
  const end = Math.min(new Date(`${dayOf(new Date(trendPlan.closesAt))}T00:00:00Z`).getTime(), start + (MAX_TREND_DAYS - 1) * DAY);
  const trendRows: { label: string; count: number }[] = [];
  for (let t = start; t <= end; t += DAY) { const d = new Date(t).toISOString().slice(0, 10); trendRows.push({ label: d, count: counted.get(d) ?? 0 }); }
  // Submissions outside the window (a plan reopened, a late correction) are still counted, on their day.
  for (const [d, c] of counted) if (!trendRows.some((r) => r.label === d)) trendRows.push({ label: d, count: c });
  trendRows.sort((a, b) => a.label.localeCompare(b.label));

  const tables: StatsTable[] = [
    { key: "plans", title: "按申报计划", columns: tallyColumns("申报计划"), rows: planRows.map((p) => tallyRow(p.name, byPlan.get(p.id)!)) },
    { key: "series", title: "按职称系列", columns: tallyColumns("职称系列"), rows: seriesRows.map((s) => tallyRow(s.name, bySeries.get(s.id)!)) },
    { key: "levels", title: "按级别", columns: tallyColumns("级别"), rows: levelRows.map((l) => tallyRow(l, byLevel.get(l)!)) },
    {
      key: "units", title: "按工作单位", columns: tallyColumns("工作单位"),
      rows: byUnit.slice(0, MAX_UNITS).map(([id, t]) => tallyRow(id === null ? "未填工作单位" : unitName.get(id) ?? "", t)),
      note: byUnit.length > MAX_UNITS ? `共 ${byUnit.length} 个单位，仅列出申报数最多的 ${MAX_UNITS} 个` : undefined,
    },
    { key: "states", title: "按环节/状态", columns: [{ key: "label", title: "环节/状态", kind: "text" }, { key: "count", title: "申报数" }], rows: [...byState.entries()].map(([label, count]) => ({ label, count })) },
    {
      key: "durations", title: "各环节用时", columns: [{ key: "label", title: "环节", kind: "text" }, { key: "count", title: "已办结次数" }, { key: "median", title: "中位数（天）", kind: "text" }, { key: "p90", title: "P90（天）", kind: "text" }],
      rows: stageRows, note: `申报计划：${trendPlan.name}。${stageRows.length ? "从进入环节到该环节办结（通过、退回、不通过或缴费）的时间，精确到 0.1 天" : "暂无已办结的环节"}`,
    },
    { key: "trend", title: "每日提交趋势", columns: [{ key: "label", title: "日期", kind: "text" }, { key: "count", title: "提交数" }], rows: trendRows, note: `申报计划：${trendPlan.name}（${cnDate(trendPlan.opensAt)}至${cnDate(trendPlan.closesAt)}）` },
  ];
  const charts = statsCharts(tables);
  return { empty: false as const, totals: { ...totals, passRate: passRate(totals) }, tables, charts, options: scopeOptions, trendPlan: trendPlan.name };
}

/** The filter selects: the queue's (plans, series, units in scope) and the levels of the series dictionary. */
export async function statsOptions(db: Db, viewer: Person) {
  const [q, series] = await Promise.all([staffQueueOptions(db, viewer), db.models.TitleSeries.findAll({ attributes: ["levels"], order: [["sortOrder", "ASC"], ["id", "ASC"]], raw: true })]);
  const levels = [...new Set(series.flatMap((s) => s.levels ?? []))];
  return { ...q, levels: levels.map((l) => ({ value: l, label: l })) };
}

/** Every table of the dashboard as one workbook, a sheet per table (text cells escaped as the other exports). */
export async function exportStats(db: Db, viewer: Person, f: StatsFilters) {
  const d = await statsDashboard(db, viewer, f);
  const wb = new ExcelJS.Workbook();
  if (d.empty) wb.addWorksheet("统计").addRow(["当前范围内暂无申报数据"]);
  for (const t of d.tables) {
    // A sheet name cannot hold * ? : \ / [ ] (按环节/状态 → 按环节、状态).
    const ws = wb.addWorksheet(t.title.replace(/[*?:\\/[\]]/g, "、").slice(0, 31));
    ws.addRow(t.columns.map((c) => escapeCell(c.title)));
    for (const r of t.rows) ws.addRow(t.columns.map((c) => (typeof r[c.key] === "number" ? r[c.key] : escapeCell(String(r[c.key] ?? "")))));
    if (t.note) ws.addRow([]) && ws.addRow([escapeCell(t.note)]);
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c, i) => { c.width = i === 0 ? 36 : 12; });
  }
  const stamp = cnDate(new Date()).replace(/[年月]/g, "-").replace("日", "");
  return { filename: `统计分析-${stamp}.xlsx`, body: Buffer.from(await wb.xlsx.writeBuffer()) };
}
