// List pages' tables. The server (and the hydration pass) renders plain markup with antd's table
// and pagination class names, styled by the static antd.css; once hydrated the browser swaps in
// the real antd Table (sorting, selection, size changer). antd's Table was most of a list page's
// server CPU (bench/archive.ts, docs/decisions/006-server-cpu-per-page.md).
import type { ReactNode } from "react";
import { Table, type TableProps } from "antd";
import { useHydrated } from "./hydrated";
import { theme } from "./theme";

// antd scopes each component's CSS variables to this class (theme.cssVar.key): static markup
// must carry it exactly as antd's own output does, or the component variables do not apply.
const V = (theme.cssVar as { key: string }).key;

export function ListTable<T extends object>(props: TableProps<T>) {
  const p = asCards(props);
  return useHydrated() ? <Table<T> {...p} /> : <StaticTable<T> {...p} />;
}

/** A column's className for a column the phone's cards leave out (a row number). */
export const PHONE_HIDDEN = "phone-hidden";

/**
 * A table that turns into cards at phone width (app.css, .table-cards): each cell carries its
 * column's title (data-label), shown before the value once the header row is hidden.
 */
export function asCards<T extends object>(props: TableProps<T>): TableProps<T> {
  return {
    ...props,
    className: [props.className, "table-cards"].filter(Boolean).join(" "),
    columns: props.columns?.map((c) => ({
      ...c,
      onCell: (r: T, i?: number) => ({ ...c.onCell?.(r, i), ...(typeof c.title === "string" && c.title ? { "data-label": c.title } : {}) }) as React.HTMLAttributes<HTMLTableCellElement>,
    })),
  };
}

interface Col<T> { title?: ReactNode; dataIndex?: string; key?: string; width?: number | string; className?: string; render?: (v: any, r: T, i: number) => ReactNode }

function StaticTable<T extends object>({ columns = [], dataSource = [], rowKey, rowSelection, pagination, locale, scroll, className }: TableProps<T>) {
  const cols = columns as Col<T>[];
  const keyOf = (r: T, i: number) => String(typeof rowKey === "function" ? rowKey(r, i) : rowKey ? Reflect.get(r, rowKey) : i);
  const checkbox = (label: string) => (
    <label className={`ant-checkbox-wrapper ${V} ant-checkbox-css-var`}><span className="ant-checkbox ant-wave-target"><input aria-label={label} className="ant-checkbox-input" type="checkbox" disabled /></span></label>
  );
  const width = cols.length + (rowSelection ? 1 : 0);
  return (
    <div className={`${V} ant-table-css-var ant-table-wrapper${className ? ` ${className}` : ""}`}>
      <div className={`ant-table ${V} ant-table-css-var${scroll?.x ? " ant-table-scroll-horizontal" : ""}`}>
        <div className="ant-table-container">
          <div className="ant-table-content" style={scroll?.x ? { overflowX: "auto" } : undefined}>
            <table style={{ tableLayout: "auto", ...(scroll?.x ? { width: "auto", minWidth: "100%" } : {}) }}>
              <thead className="ant-table-thead">
                <tr>
                  {rowSelection ? <th className="ant-table-cell ant-table-selection-column" scope="col"><div className="ant-table-selection">{checkbox("全选当页")}</div></th> : null}
                  {cols.map((c, i) => <th key={c.key ?? c.dataIndex ?? i} className="ant-table-cell" scope="col" style={c.width ? { width: c.width } : undefined}>{c.title}</th>)}
                </tr>
              </thead>
              <tbody className="ant-table-tbody">
                {dataSource.length ? dataSource.map((r, i) => (
                  <tr key={keyOf(r, i)} data-row-key={keyOf(r, i)} className="ant-table-row ant-table-row-level-0">
                    {rowSelection ? <td className="ant-table-cell ant-table-selection-column">{checkbox(`选择第 ${i + 1} 行`)}</td> : null}
                    {cols.map((c, j) => {
                      const v: unknown = c.dataIndex ? Reflect.get(r, c.dataIndex) : undefined;
                      return <td key={c.key ?? c.dataIndex ?? j} className={`ant-table-cell${c.className ? ` ${c.className}` : ""}`} data-label={typeof c.title === "string" && c.title ? c.title : undefined}>{c.render ? c.render(v, r, i) : (v as ReactNode)}</td>;
                    })}
                  </tr>
                )) : (
                  <tr className="ant-table-placeholder"><td className="ant-table-cell" colSpan={width}><div className={`ant-empty ant-empty-normal ${V}`}><div className="ant-empty-description">{locale?.emptyText as ReactNode ?? "暂无数据"}</div></div></td></tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      </div>
      {pagination ? <StaticPagination {...pagination} /> : null}
    </div>
  );
}

/** The page links antd would show (1 … around the current page … last), as plain markup. */
function StaticPagination({ current = 1, pageSize = 10, total = 0, showTotal }: { current?: number; pageSize?: number; total?: number; showTotal?: (n: number, range: [number, number]) => ReactNode }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const shown = new Set([1, pages, ...[-2, -1, 0, 1, 2].map((d) => current + d)].filter((p) => p >= 1 && p <= pages));
  const list = [...shown].sort((a, b) => a - b);
  const items: ReactNode[] = [];
  list.forEach((p, i) => {
    if (i && p - list[i - 1] > 1) items.push(<li key={`gap${p}`} className="ant-pagination-jump-next"><span className="ant-pagination-item-ellipsis">•••</span></li>);
    items.push(<li key={p} title={String(p)} className={`ant-pagination-item ant-pagination-item-${p}${p === current ? " ant-pagination-item-active" : ""}`}><a rel="nofollow">{p}</a></li>);
  });
  return (
    <ul className={`ant-pagination ant-table-pagination ant-table-pagination-end ${V}`}>
      {showTotal ? <li className="ant-pagination-total-text">{showTotal(total, [(current - 1) * pageSize + 1, Math.min(total, current * pageSize)])}</li> : null}
      <li title="上一页" className={`ant-pagination-prev${current <= 1 ? " ant-pagination-disabled" : ""}`}><button className="ant-pagination-item-link" type="button" disabled>‹</button></li>
      {items}
      <li title="下一页" className={`ant-pagination-next${current >= pages ? " ant-pagination-disabled" : ""}`}><button className="ant-pagination-item-link" type="button" disabled>›</button></li>
    </ul>
  );
}

/** antd's count Badge as static markup (read-only counts in big tables need none of its motion). */
export function CountBadge({ count, color }: { count: number; color: string }) {
  return (
    <span className={`ant-badge ant-badge-not-a-wrapper ${V}`}>
      <sup data-show="true" style={{ background: color }} className={`ant-scroll-number ant-badge-count${String(count).length > 1 ? " ant-badge-multiple-words" : ""}`} title={String(count)}>{count}</sup>
    </span>
  );
}

/** A small link-style antd Button as static markup (its Popconfirm exists once hydrated). */
export function StaticLinkButton({ danger, children }: { danger?: boolean; children: ReactNode }) {
  return (
    <button type="button" className={`ant-btn ${V} ant-btn-link${danger ? " ant-btn-dangerous ant-btn-color-dangerous" : " ant-btn-color-link"} ant-btn-variant-link ant-btn-sm`} style={{ padding: 0 }}>
      <span>{children}</span>
    </button>
  );
}

/** antd's RangePicker as static inputs until hydrated (the picker itself is client-side only). */
export function StaticRangeInput({ from, to }: { from: string | null; to: string | null }) {
  return (
    <div className={`ant-picker ant-picker-range ant-picker-outlined ${V} ant-picker-css-var`}>
      <div className="ant-picker-input ant-picker-input-start"><input aria-label="提交日期" size={12} placeholder="开始日期" readOnly value={from ?? ""} /></div>
      <div className="ant-picker-range-separator"><span aria-hidden="true" className="ant-picker-separator">→</span></div>
      <div className="ant-picker-input ant-picker-input-end"><input aria-label="提交日期" size={12} placeholder="结束日期" readOnly value={to ?? ""} /></div>
    </div>
  );
}
