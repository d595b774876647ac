// 选择业绩: per category the applicant's entries with 【提取】/【忽略】, the limits and what is missing.
import { Link, useActionData } from "@remix-run/react";
import { Alert, Button, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { cellText } from "../../cells";
import { asCards } from "../../list-table";
import { Footer, ResultAlert, useNext, useStepFetcher, type ActionResult, type ClientView, type WizardCtx, type WizardFrame } from "../kit";

type Category = ClientView<"achievements">["categories"][number];
interface Row { id: number; title: string; status: string; data: Record<string, unknown>; extracted: boolean; stale?: boolean }

const STATUS_COLOR: Record<string, string> = { approved: "success", pending: "processing", returned: "error" };
const STATUS_TEXT: Record<string, string> = { approved: "审核通过", pending: "待审核", returned: "退回" };

function CategoryBlock({ c, ctx, post, busy }: { c: Category; ctx: WizardFrame; post: (b: Record<string, unknown>) => void; busy: boolean }) {
  const [selected, setSelected] = useState<number[]>([]);
  useEffect(() => { setSelected([]); }, [ctx.app.version]);
  const rows: Row[] = [...c.entries, ...c.extracted.filter((s) => !c.entries.some((e) => e.id === s.entryId)).map((s) => ({ id: s.entryId, title: s.title, status: s.status, data: {}, extracted: true, stale: true }))];
  const n = c.extracted.length;
  const limits = [c.min ? `至少 ${c.min} 条` : null, c.max ? `最多 ${c.max} 条` : null].filter(Boolean).join("，");
  return (
    <section aria-label={c.title} style={{ marginBottom: 24 }}>
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <Space>
          <Typography.Title level={5} style={{ margin: 0 }}>{c.title}</Typography.Title>
          <Tag color={n ? "blue" : "default"}>已提取 {n} 条</Tag>
          {limits ? <Typography.Text type="secondary">（{limits}）</Typography.Text> : null}
        </Space>
        <Space>
          <Button type="primary" disabled={!selected.length || busy} onClick={() => post({ intent: "extract", ids: selected, version: ctx.app.version })}>提取</Button>
          <Button disabled={!selected.length || busy} onClick={() => post({ intent: "ignore", ids: selected, version: ctx.app.version })}>忽略</Button>
        </Space>
      </Space>
      <Table<Row> size="small" rowKey="id" pagination={rows.length > 10 ? { pageSize: 10, showTotal: (t) => `共 ${t} 条` } : false} dataSource={rows}
        locale={{ emptyText: <span>档案库中没有可提取的{c.title}。<Link to={`/archive/${c.slug}`}>去业绩档案库添加</Link></span> }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)) }}
        {...asCards<Row>({ columns: [
          { title: "名称", dataIndex: "title", render: (t: string, r) => t || `（第 ${r.id} 条）` },
          ...c.columns.filter((col) => col.field !== undefined).slice(0, 3).map((col) => ({ title: col.title, key: col.field, render: (_: unknown, r: Row) => cellText(r.data?.[col.field], col.schema, col.ui) })),
          { title: "审核状态", dataIndex: "status", width: 100, render: (s: string) => <Tag color={STATUS_COLOR[s]}>{STATUS_TEXT[s] ?? s}</Tag> },
          { title: "申报状态", key: "x", width: 110, render: (_: unknown, r) => r.extracted ? <Tag color="blue">{r.stale ? "已提取（档案已变更）" : "已提取"}</Tag> : <Typography.Text type="secondary">未提取</Typography.Text> },
        ] })} />
    </section>
  );
}

export default function Achievements({ ctx }: { ctx: WizardCtx<"achievements"> }) {
  const v = ctx.view;
  const { post, busy, result } = useStepFetcher();
  const { next, busy: moving } = useNext(ctx);
  const navResult = useActionData<ActionResult>();
  const total = v.categories.reduce((n, c) => n + c.extracted.length, 0);
  // Categories with nothing to extract are listed in one line instead of as empty tables.
  const shown = v.categories.filter((c) => c.entries.length || c.extracted.length || c.min > 0);
  const empty = v.categories.filter((c) => !shown.includes(c));
  return (
    <>
      <ResultAlert result={result ?? (navResult && !navResult.ok && !v.problems.length ? navResult : null)} />
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`可提取${v.statuses.join("、")}的业绩；勾选后点击【提取】加入申报，点击【忽略】从申报中去除。已提取 ${total} 条。`}
        description={<span>档案库中缺少的业绩可先到 <Link to="/archive">我的业绩档案库</Link> 添加，再回到本页提取（申报进度已自动保存）。</span>} />
      {v.problems.length ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="还需调整：" description={<ul style={{ margin: 0 }}>{v.problems.map((p) => <li key={p}>{p}</li>)}</ul>} /> : null}
      {shown.map((c) => <CategoryBlock key={c.slug} c={c} ctx={ctx} post={post} busy={busy} />)}
      {empty.length ? (
        <Typography.Paragraph type="secondary">
          以下类别在档案库中暂无可提取的业绩：{empty.map((c, i) => <span key={c.slug}>{i ? "、" : ""}<Link to={`/archive/${c.slug}`}>{c.title}</Link></span>)}
        </Typography.Paragraph>
      ) : null}
      <Footer ctx={ctx} busy={moving || busy} onNext={() => next()} />
    </>
  );
}
