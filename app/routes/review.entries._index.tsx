// 单位经办人: the queue of 待审核 archive entries of applicants in their units.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, DatePicker, Input, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { dateTimeText } from "~/components/cells";
import { useHydrated } from "~/components/hydrated";
import { ListTable, StaticRangeInput } from "~/components/list-table";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { Notice } from "~/components/notice";
import { batchApprove, listCategories, reviewQueue } from "~/engine/archive.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { listParams } from "~/utils/pagination";

import { loadReviewerScope } from "~/engine/people/scope.server";

export const meta: MetaFunction = () => [{ title: "业绩审核 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "entries");
  const db = getDb();
  const url = new URL(request.url);
  const p = listParams(url);
  const category = url.searchParams.get("category");
  const from = url.searchParams.get("from");
  const to = url.searchParams.get("to");
  const [scope, categories] = await Promise.all([loadReviewerScope(db, user), listCategories(db)]);
  const { rows, total } = await reviewQueue(db, scope, { categoryId: category, applicant: p.q, from, to, offset: p.offset, pageSize: p.pageSize });
  const titles = Object.fromEntries(categories.map((c) => [c.id, c.title]));
  return json({
    rows: rows.map((r) => ({ ...r, category: titles[r.categoryId] ?? r.categoryId })),
    total, page: p.page, pageSize: p.pageSize, q: p.q, category, from, to,
    categories: categories.map((c) => ({ value: c.id, label: c.title })),
    scopeEmpty: scope.unitIds.length === 0,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMay(request, "entries");
  const db = getDb();
  return handleUserErrors(async () => {
    const body = await readBody(request);
    if (!Array.isArray(body.items) || body.items.length === 0) throw new UserError("请先勾选要通过的业绩");
    // Each version is checked where its row is decided (a bad one fails that row only).
    const items = body.items.map((i: unknown) => ({ id: Number(Reflect.get(Object(i), "id")), version: Reflect.get(Object(i), "version") }));
    if (items.some((i) => !Number.isInteger(i.id))) throw new UserError("提交的数据格式不正确");
    const scope = await loadReviewerScope(db, user);
    const r = await batchApprove(db, user, scope, items as { id: number; version: number }[]);
    if (r.failed.length) return json({ ok: false as const, error: `已通过 ${r.done.length} 条；${r.failed.length} 条未能通过：${r.failed.map((f) => `#${f.id} ${f.reason}`).join("；")}`, fieldErrors: {} }, { status: 409 });
    return redirect(`/review/entries?notice=approved&count=${r.done.length}`);
  });
}

export default function ReviewQueue() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [selected, setSelected] = useState<number[]>([]);
  const go = useListQuery();
  const hydrated = useHydrated();
  return (
    <Card>
      <Typography.Title level={3}>业绩审核</Typography.Title>
      <Notice />
      {result && "error" in result ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} /> : null}
      {d.scopeEmpty ? <Alert type="warning" showIcon title="您的账户尚未设置管辖单位，请联系系统管理员。" style={{ marginBottom: 16 }} /> : null}
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            aria-label="业绩类别" style={{ width: 240 }} value={d.category ?? ""}
            onChange={(v) => go({ category: v || null, page: null })}
            options={[{ value: "", label: "全部业绩类别" }, ...d.categories]}
          />
          <Input name="q" defaultValue={d.q} placeholder="申请人姓名或用户名" aria-label="申请人" allowClear style={{ width: 200 }} />
          {hydrated ? (
            <DatePicker.RangePicker
              aria-label="提交日期"
              value={[d.from ? dayjs(d.from) : null, d.to ? dayjs(d.to) : null]}
              onChange={(v) => go({ from: v?.[0]?.format("YYYY-MM-DD") ?? null, to: v?.[1]?.format("YYYY-MM-DD") ?? null, page: null })}
            />
          ) : <StaticRangeInput from={d.from} to={d.to} />}
          {d.category ? <input type="hidden" name="category" value={d.category} /> : null}
          {d.from ? <input type="hidden" name="from" value={d.from} /> : null}
          {d.to ? <input type="hidden" name="to" value={d.to} /> : null}
          <Button htmlType="submit">搜索</Button>
        </Space>
      </Form>
      <Space style={{ marginBottom: 12 }}>
        <Button
          type="primary" disabled={!selected.length} loading={busy}
          onClick={() => submit(JSON.stringify({ items: d.rows.filter((r) => selected.includes(r.id)).map((r) => ({ id: r.id, version: r.version })) }), { method: "post", encType: "application/json" })}
        >
          批量通过{selected.length ? `（${selected.length}）` : ""}
        </Button>
      </Space>
      <ListTable
        rowKey="id"
        dataSource={d.rows}
        scroll={{ x: true }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }}
        locale={{ emptyText: "暂无待审核的业绩" }}
        pagination={listPagination(d, go, (n) => `共 ${n} 条待审核`)}
        columns={[
          { title: "申请人", dataIndex: "applicant" },
          { title: "工作单位", dataIndex: "unit" },
          { title: "业绩类别", dataIndex: "category" },
          { title: "业绩名称", dataIndex: "title", render: (t: string) => t || "—" },
          { title: "提交时间", dataIndex: "submittedAt", render: (v: string) => dateTimeText(v) },
          { title: "操作", key: "op", render: (_: unknown, r: (typeof d.rows)[number]) => <Link to={`/review/entries/${r.id}`}>审核</Link> },
        ]}
      />
    </Card>
  );
}
