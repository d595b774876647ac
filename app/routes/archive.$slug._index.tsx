import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Input, Popconfirm, Select, Space, Typography } from "antd";
import type { SortOrder } from "antd/es/table/interface";
import { columnText } from "~/components/cells";
import { dictionaryLabelsFor } from "~/engine/dictionaries.server";
import { useHydrated } from "~/components/hydrated";
import { ListTable, StaticLinkButton } from "~/components/list-table";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { Notice } from "~/components/notice";
import { StatusTag } from "~/components/status-tag";
import { deleteEntry, listColumns, listEntries, requireCategory } from "~/engine/archive.server";
import { canDo, STATUS_LABELS } from "~/engine/entry-status";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { listParams } from "~/utils/pagination";
import { loadProfile } from "~/engine/people/profile.server";
import { intParam } from "~/utils/route-params.server";
import type { EntryStatus } from "../../db/models";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.category.title ?? "业绩"} - 我的业绩档案库` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const category = await requireCategory(db, params.slug);
  const url = new URL(request.url);
  const p = listParams(url);
  const sort = url.searchParams.get("sort");
  const order = url.searchParams.get("order") === "desc" ? "desc" : "asc";
  const status = url.searchParams.get("status");
  const { rows, total } = await listEntries(db, user.id, category, { q: p.q, status, sort, order, offset: p.offset, pageSize: p.pageSize });
  const imp = category.form.meta.citationImport as Record<string, any> | undefined;
  let profileLink: { label: string; value: string; url: string | null } | null = null;
  if (imp?.profileLinkField) {
    const profile = await loadProfile(db, user.id);
    const value = profile?.row.data[imp.profileLinkField] as string | undefined;
    profileLink = {
      label: imp.profileLinkLabel ?? imp.profileLinkField,
      value: value ?? "",
      url: value && imp.profileLinkUrl ? String(imp.profileLinkUrl).replace("{value}", encodeURIComponent(value)) : null,
    };
  }
  return json({
    category: { slug: category.slug, title: category.title, description: (category.form.meta.description as string) ?? null },
    columns: listColumns(category.form),
    rows: rows.map((r) => ({ id: r.id, version: r.version, status: r.status, returnReason: r.returnReason, data: r.data, submittedAt: r.submittedAt })),
    total, page: p.page, pageSize: p.pageSize, q: p.q, sort, order, status,
    importLabel: imp ? (imp.importLabel as string) ?? `导入${category.title}` : null,
    exportLabel: (imp?.exportLabel as string) ?? null,
    profileLink,
    labels: await dictionaryLabelsFor(db, rows.map((r) => ({ schema: category.form.schema, data: r.data }))),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const category = await requireCategory(db, params.slug);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    if (body.intent !== "delete") throw new UserError("未知操作");
    await deleteEntry(db, user.id, intParam(String(body.id)), body.version);
    return redirect(`/archive/${category.slug}?notice=deleted`);
  });
}

export default function CategoryEntries() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const go = useListQuery();
  const hydrated = useHydrated();
  const sortOrder = (field: string): SortOrder => (d.sort === field ? (d.order === "desc" ? "descend" : "ascend") : null);
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{d.category.title}</Typography.Title>
        <Space wrap>
          <Link to="/archive"><Button>返回业绩档案库</Button></Link>
          {d.importLabel ? <Link to={`/archive/${d.category.slug}/import`}><Button>{d.importLabel}</Button></Link> : null}
          <Link to={`/archive/${d.category.slug}/new`}><Button type="primary">新增</Button></Link>
        </Space>
      </Space>
      {d.profileLink ? (
        <Alert
          style={{ margin: "16px 0" }}
          type="info"
          showIcon
          title={d.profileLink.value ? <>已绑定{d.profileLink.label}：{d.profileLink.url ? <a href={d.profileLink.url} target="_blank" rel="noreferrer noopener">{d.profileLink.value}</a> : d.profileLink.value}</> : <>尚未绑定{d.profileLink.label}，可在 <Link to="/profile">个人基本信息</Link> 中填写后绑定</>}
          action={d.profileLink.url && d.exportLabel ? <a href={d.profileLink.url} target="_blank" rel="noreferrer noopener"><Button size="small">{d.exportLabel}</Button></a> : undefined}
        />
      ) : null}
      <div style={{ height: 16 }} />
      <Notice />
      {result && "error" in result ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} /> : null}
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Input name="q" defaultValue={d.q} placeholder="关键字" aria-label={`搜索${d.category.title}`} allowClear style={{ width: 220 }} />
          <Select
            aria-label="按状态筛选"
            value={d.status ?? ""}
            style={{ width: 140 }}
            onChange={(v) => go({ status: v || null, page: null })}
            options={[{ value: "", label: "全部状态" }, ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))]}
          />
          {d.status ? <input type="hidden" name="status" value={d.status} /> : null}
          <Button htmlType="submit">搜索</Button>
        </Space>
      </Form>
      <ListTable
        rowKey="id"
        dataSource={d.rows}
        scroll={{ x: true }}
        locale={{ emptyText: d.q || d.status ? "没有符合条件的业绩" : "暂无业绩，点击【新增】添加" }}
        onChange={(_p, _f, sorter: any) => {
          if (!Array.isArray(sorter)) go({ sort: sorter.order ? String(sorter.field) : null, order: sorter.order === "descend" ? "desc" : sorter.order ? "asc" : null, page: null });
        }}
        pagination={listPagination(d, go)}
        columns={[
          ...d.columns.map((c) => ({
            title: c.title,
            key: c.field,
            dataIndex: c.field,
            width: c.width,
            sorter: c.sortable,
            sortOrder: sortOrder(c.field),
            render: (_: unknown, r: (typeof d.rows)[number]) => columnText(c, r.data, d.labels),
          })),
          {
            title: "状态", key: "status", width: 160,
            render: (_: unknown, r: (typeof d.rows)[number]) => (
              <>
                <StatusTag status={r.status as EntryStatus} />
                {r.status === "returned" && r.returnReason ? <Typography.Text type="danger" style={{ display: "block", fontSize: 12 }}>退回原因：{r.returnReason}</Typography.Text> : null}
              </>
            ),
          },
          {
            title: "操作", key: "op", width: 150, fixed: "right" as const,
            render: (_: unknown, r: (typeof d.rows)[number]) => (
              <Space>
                <Link to={`/archive/${d.category.slug}/${r.id}`}>{canDo("save", r.status as EntryStatus, "owner") ? "编辑" : "查看"}</Link>
                {canDo("delete", r.status as EntryStatus, "owner") ? (hydrated ? (
                  <Popconfirm
                    title="确定删除这条业绩吗？"
                    description="删除后不可恢复"
                    okText="删除"
                    cancelText="取消"
                    okButtonProps={{ danger: true, loading: busy }}
                    onConfirm={() => submit({ intent: "delete", id: String(r.id), version: String(r.version) }, { method: "post" })}
                  >
                    <Button type="link" danger size="small" style={{ padding: 0 }}>删除</Button>
                  </Popconfirm>
                ) : <StaticLinkButton danger>删除</StaticLinkButton>) : null}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
