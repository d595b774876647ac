// ListTable on the server: static markup with the rows, cells, selection boxes and pagination,
// carrying the class names antd's own Table output carries (so the static stylesheet styles it
// the same before hydration).
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { ConfigProvider, Table } from "antd";
import { describe, expect, it } from "vitest";
import { asCards, CountBadge, ListTable } from "~/components/list-table";
import { theme } from "~/components/theme";

const rows = Array.from({ length: 3 }, (_, i) => ({ id: 100 + i, title: `业绩${i}`, n: i }));
const columns = [
  { title: "业绩名称", dataIndex: "title" },
  { title: "数量", key: "n", render: (_: unknown, r: (typeof rows)[number]) => `共${r.n}项` },
];
const html = (el: Parameters<typeof renderToString>[0]) => renderToString(createElement(ConfigProvider, { theme }, el));
const classOf = (s: string, marker: string) => new RegExp(`class="([^"]*${marker}[^"]*)"`).exec(s)?.[1];

describe("ListTable (server render)", () => {
  it("renders every row and cell as a plain table, without antd's Table", () => {
    const s = html(createElement(ListTable<(typeof rows)[number]>, { rowKey: "id", dataSource: rows, columns, pagination: false }));
    expect(s).toContain(">业绩名称</th>");
    for (const r of rows) {
      expect(s).toContain(`data-row-key="${r.id}"`);
      expect(s).toContain(`>${r.title}</td>`);
      expect(s).toContain(`>共${r.n}项</td>`);
    }
    expect(s).not.toContain("ant-table-measure-row"); // only antd's Table renders that
  });

  it("uses the wrapper, table and pagination classes of antd's own output", () => {
    const props = { rowKey: "id", dataSource: rows, columns, pagination: { current: 1, pageSize: 20, total: 3 } };
    const ours = html(createElement(ListTable<(typeof rows)[number]>, props));
    // ListTable passes its props through asCards (the phone's cards): antd's Table given the same.
    const antd = html(createElement(Table<(typeof rows)[number]>, asCards(props)));
    expect(classOf(ours, "ant-table-wrapper")).toBe(classOf(antd, "ant-table-wrapper"));
    expect(classOf(ours, "ant-pagination ")).toBe(classOf(antd, "ant-pagination "));
    expect(classOf(ours, "ant-table-row ")?.split(" ").sort()).toEqual(classOf(antd, "ant-table-row ")?.split(" ").sort());
  });

  it("shows the total, the pages around the current one and selection boxes", () => {
    const s = html(createElement(ListTable<(typeof rows)[number]>, {
      rowKey: "id", dataSource: rows, columns, rowSelection: { selectedRowKeys: [] },
      pagination: { current: 10, pageSize: 20, total: 7473, showTotal: (n: number) => `共 ${n} 条待审核` },
    }));
    expect(s).toContain("共 7473 条待审核");
    for (const p of [1, 8, 9, 10, 11, 12, 374]) expect(s).toContain(`title="${p}"`);
    expect(s).not.toContain('title="7"');
    expect(s).toContain("ant-pagination-item-active");
    expect(s.match(/type="checkbox"/g)?.length).toBe(rows.length + 1);
  });

  it("shows the empty text when there are no rows", () => {
    const s = html(createElement(ListTable<(typeof rows)[number]>, { dataSource: [], columns, locale: { emptyText: "暂无业绩" } }));
    expect(s).toContain("暂无业绩");
  });

  it("cells carry their column's title for the phone's cards, as antd's Table renders them", () => {
    const props = { rowKey: "id", dataSource: rows, columns };
    const ours = html(createElement(ListTable<(typeof rows)[number]>, props));
    const antd = html(createElement(Table<(typeof rows)[number]>, asCards(props)));
    for (const s of [ours, antd]) {
      expect(s).toContain("table-cards");
      for (const c of columns) if (typeof c.title === "string") expect(s).toContain(`data-label="${c.title}"`);
    }
  });

  it("CountBadge is antd's count badge markup", () => {
    expect(html(createElement(CountBadge, { count: 12, color: "#1677ff" }))).toMatch(/class="ant-badge ant-badge-not-a-wrapper zcps".*class="ant-scroll-number ant-badge-count ant-badge-multiple-words" title="12">12</);
  });
});
