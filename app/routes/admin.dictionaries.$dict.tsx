// One dictionary: search, pagination, 新增/编辑/删除 in a modal, 导入/导出. Everything about the
// dictionary (fields, labels, validation) comes from its declaration (dictionaries/*.json).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { Alert, Button, Card, DatePicker, Form as AntForm, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Typography, Upload } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { createRow, deleteRow, listRows, TITLE_LEVELS, updateRow } from "~/engine/dictionary-admin.server";
import { dictionaryOf, editableColumns, titleColumn } from "~/engine/dictionaries.server";
import { isFileDictionary } from "~/engine/dictionary-declaration.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { listParams } from "~/utils/pagination";
import { bodyId } from "~/utils/body-values";
import { isCalendarDay } from "~/engine/working-days";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.label ?? "字典"} - 字典管理` }];

async function dictParam(key: string | undefined) {
  try {
    return await dictionaryOf(getDb(), key);
  } catch (e) {
    throw e instanceof UserError ? notFound(e.message) : e;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const d = await dictParam(params.dict);
  const p = listParams(new URL(request.url));
  const { rows, total, refs } = await listRows(getDb(), d.id, p);
  const fields = editableColumns(d).map((c) => ({ name: c.name, label: c.label ?? c.name, type: c.type, required: !!c.required, ref: c.ref, help: c.help, options: c.options }));
  return json({ key: d.id, label: d.label, title: titleColumn(d), declaredHere: !isFileDictionary(d.id), fields, versioned: !!d.optimisticLock, rows, total, refs, levels: [...TITLE_LEVELS], page: p.page, pageSize: p.pageSize, q: p.q });
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireMay(request, "configuration");
  const d = await dictParam(params.dict);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const db = getDb();
    const id = bodyId(body.id) ?? NaN;
    const values = body.values && typeof body.values === "object" && !Array.isArray(body.values) ? (body.values as Record<string, unknown>) : null;
    switch (body.intent) {
      case "create":
        if (!values) throw new UserError("提交的数据格式不正确");
        return json({ ok: true as const, ...(await createRow(db, d.id, values)) });
      case "update":
        if (!values || !Number.isInteger(id)) throw new UserError("提交的数据格式不正确");
        return json({ ok: true as const, ...(await updateRow(db, d.id, id, values, body.version)) });
      case "delete":
        if (!Number.isInteger(id)) throw new UserError("提交的数据格式不正确");
        return json({ ok: true as const, ...(await deleteRow(db, d.id, id)) });
      default:
        throw new UserError("未知操作");
    }
  });
}

type Row = Record<string, any> & { id: number; cells: Record<string, string> };

export default function AdminDictionary() {
  const { key, label, title, declaredHere, fields, rows, total, refs, levels, page, pageSize, q } = useLoaderData<typeof loader>();
  const go = useListQuery();
  const revalidator = useRevalidator();
  const [editing, setEditing] = useState<Row | "new" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [form] = AntForm.useForm();

  const post = async (body: object) => {
    const res = await fetch(`/admin/dictionaries/${key}?_data=${encodeURIComponent("routes/admin.dictionaries.$dict")}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const out = await res.json().catch(() => ({ error: "操作失败，请稍后重试" }));
    if (!res.ok || out.ok === false) { setError(out.error ?? "操作失败"); return false; }
    setError(null);
    revalidator.revalidate();
    return true;
  };

  const open = (r: Row | "new") => {
    setError(null);
    setEditing(r);
    const init: Record<string, unknown> = {};
    for (const f of fields) {
      const v = r === "new" ? undefined : r[f.name];
      // A date the picker cannot show (typed before the column was a date column) is left empty to be picked again.
      init[f.name] = f.type === "children" ? ((v as string[]) ?? []).join("\n") : f.type === "date" ? (isCalendarDay(v) ? dayjs(v) : undefined) : v ?? undefined;
    }
    form.setFieldsValue(init);
  };

  const save = async () => {
    const raw = form.getFieldsValue();
    const values: Record<string, unknown> = {};
    for (const f of fields) {
      const v = raw[f.name];
      values[f.name] = f.type === "children" ? String(v ?? "").split(/\n/).map((s) => s.trim()).filter(Boolean) : f.type === "date" ? (v ? dayjs(v).format("YYYY-MM-DD") : null) : v ?? null;
    }
    const ok = editing === "new"
      ? await post({ intent: "create", values })
      : await post({ intent: "update", id: (editing as Row).id, version: (editing as Row).version, values });
    if (ok) { setEditing(null); setNotice("已保存"); }
  };

  const staleDate = (f: (typeof fields)[number]) => {
    const v = editing && editing !== "new" ? editing[f.name] : null;
    return f.type === "date" && v && !isCalendarDay(v) ? `原值「${String(v)}」不是有效日期，请重新选择` : null;
  };

  const input = (f: (typeof fields)[number]) => {
    if (f.type === "int") return <InputNumber style={{ width: "100%" }} />;
    if (f.type === "date") return <DatePicker format="YYYY-MM-DD" placeholder="请选择日期" style={{ width: "100%" }} />;
    if (f.options) return <Select allowClear placeholder="请选择" options={f.options.map((o) => ({ value: o, label: o }))} />;
    if (f.type === "children") return <Input.TextArea rows={6} />;
    if (f.type === "levels") return <Select mode="multiple" options={levels.map((l) => ({ value: l, label: l }))} />;
    if (f.type === "ref" || f.type === "refs") {
      const opts = (refs[f.ref ?? ""] ?? []).map((o) => ({ value: o.id, label: o.label }));
      return <Select mode={f.type === "refs" ? "multiple" : undefined} allowClear showSearch={{ optionFilterProp: "label" }} options={opts} />;
    }
    return <Input />;
  };

  return (
    <Card>
      <Typography.Title level={3}>{label}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Link to="/admin/dictionaries">← 字典管理</Link>
        {declaredHere ? <Link to={`/admin/dictionaries/${key}/definition`}>编辑字典定义</Link> : null}
      </Space>
      {notice ? <Alert type="success" showIcon title={notice} closable onClose={() => setNotice(null)} style={{ marginBottom: 16 }} /> : null}
      {error && !editing ? <Alert type="error" showIcon title={<span style={{ whiteSpace: "pre-wrap" }}>{error}</span>} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Space wrap style={{ marginBottom: 16 }}>
        <Form method="get" role="search">
          <Space>
            <Input name="q" defaultValue={q} placeholder="输入关键字查找" aria-label={`搜索${label}`} allowClear style={{ width: 240 }} />
            <Button htmlType="submit" type="primary">搜索</Button>
          </Space>
        </Form>
        <Button onClick={() => open("new")}>新增</Button>
        <a href={`/admin/dictionaries/${key}/export?format=xlsx`}><Button>导出 Excel</Button></a>
        <a href={`/admin/dictionaries/${key}/export?format=csv`}><Button>导出 CSV</Button></a>
        <Upload
          accept=".csv,.xlsx"
          showUploadList={false}
          customRequest={async ({ file }) => {
            const fd = new FormData();
            fd.append("file", file as Blob);
            const res = await fetch(`/admin/dictionaries/${key}/import`, { method: "POST", body: fd });
            const out = await res.json().catch(() => ({ error: "导入失败，请稍后重试" }));
            if (!res.ok || out.ok === false) { setError(out.error ?? "导入失败"); setNotice(null); }
            else { setError(null); setNotice(`导入成功：新增 ${out.created} 条，更新 ${out.updated} 条`); revalidator.revalidate(); }
          }}
        >
          <Button>导入 CSV / Excel</Button>
        </Upload>
      </Space>
      <Table
        rowKey="id"
        dataSource={rows as Row[]}
        locale={{ emptyText: `没有符合条件的${label}` }}
        pagination={listPagination({ page, pageSize, total }, go)}
        columns={[
          ...fields.map((f) => ({
            title: f.label, key: f.name,
            render: (_: unknown, r: Row) => {
              const s = r.cells[f.name] ?? "";
              return s.length > 60 ? `${s.slice(0, 60)}…` : s || "—";
            },
          })),
          {
            title: "操作", key: "op",
            render: (_: unknown, r: Row) => (
              <Space>
                <Button type="link" onClick={() => open(r)}>编辑</Button>
                <Popconfirm title={`确定删除「${r.cells[title] || r.id}」吗？`} okText="删除" cancelText="取消" onConfirm={() => post({ intent: "delete", id: r.id }).then((ok) => ok && setNotice("已删除"))}>
                  <Button type="link" danger>删除</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === "new" ? `新增${label}` : `编辑${label}`} okText="保存" cancelText="取消" onOk={save} onCancel={() => setEditing(null)} destroyOnHidden>
        {error && editing ? <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} /> : null}
        <AntForm form={form} layout="vertical" preserve={false}>
          {fields.map((f) => (
            <AntForm.Item key={f.name} name={f.name} label={f.label} required={f.required} extra={staleDate(f) ?? f.help}>
              {input(f)}
            </AntForm.Item>
          ))}
        </AntForm>
      </Modal>
    </Card>
  );
}
