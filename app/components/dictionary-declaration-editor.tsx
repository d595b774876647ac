// 字典定义 (【新建字典】 and 【编辑字典定义】): id, 名称, the columns (列名, 标题, 类型, 最大长度 and
// 可选值 of a text column, 必填, 引用的字典), 关键列, 标题列 and 搜索列. Client-safe; the server checks
// everything again (app/engine/dictionary-declaration.server.ts) and answers problems located on these terms.
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Table, Typography } from "antd";
import { useState } from "react";

export interface EditorColumn { name: string; label: string; type: string; required?: boolean; maxLength?: number; options?: string[]; ref?: string }
export interface EditorDeclaration { id: string; label: string; columns: EditorColumn[]; key: string; title?: string; search: string[] }
export interface EditorResult { ok: false; problems?: string[]; error?: string }

const EMPTY: EditorDeclaration = {
  id: "", label: "", key: "name", title: "name", search: ["name"],
  columns: [{ name: "name", label: "名称", type: "text", required: true, maxLength: 128 }],
};

export function DictionaryDeclarationEditor(props: {
  initial?: EditorDeclaration;
  /** Editing a published dictionary: the id is fixed and the columns it has may not be renamed. */
  editing: boolean;
  types: { value: string; label: string }[];
  dictionaries: { id: string; label: string }[];
  result?: EditorResult;
  busy: boolean;
  submitText: string;
  onSubmit: (d: EditorDeclaration) => void;
}) {
  const [d, setD] = useState<EditorDeclaration>(props.initial ?? EMPTY);
  const published = new Set((props.initial?.columns ?? []).map((c) => c.name));
  const set = (patch: Partial<EditorDeclaration>) => setD((old) => ({ ...old, ...patch }));
  const setColumn = (i: number, patch: Partial<EditorColumn>) => setD((old) => {
    const columns = old.columns.map((c, j) => (j === i ? { ...c, ...patch } : c));
    // A renamed column stays the key / title / searched column it was.
    const was = old.columns[i].name;
    const rename = (n: string | undefined) => (patch.name !== undefined && n === was ? patch.name : n);
    return { ...old, columns, key: rename(old.key) ?? "", title: rename(old.title), search: old.search.map((s) => rename(s) ?? s) };
  });
  const names = d.columns.map((c) => c.name).filter(Boolean);
  const columnOptions = names.map((n) => ({ value: n, label: `${d.columns.find((c) => c.name === n)?.label || n}（${n}）` }));
  const problems = props.result?.problems ?? [];
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {props.result && !props.result.ok ? (
        <Alert type="error" showIcon role="alert" title={props.result.error ?? "未发布："}
          description={problems.length ? <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul> : undefined} />
      ) : null}
      <Card size="small" title="基本信息">
        <Form layout="vertical" component="div" style={{ maxWidth: 560 }}>
          <Form.Item label="编号（网址与表单字段中使用，小写字母、数字和连字符）" required>
            <Input aria-label="字典编号" value={d.id} disabled={props.editing} placeholder="funding-sources" onChange={(e) => set({ id: e.target.value.trim() })} />
          </Form.Item>
          <Form.Item label="名称" required>
            <Input aria-label="字典名称" value={d.label} maxLength={32} onChange={(e) => set({ label: e.target.value })} />
          </Form.Item>
        </Form>
      </Card>
      <Card size="small" title="列" extra={<Button onClick={() => set({ columns: [...d.columns, { name: "", label: "", type: "text", maxLength: 128 }] })}>添加列</Button>}>
        <Table
          rowKey={(_, i) => String(i)} size="small" pagination={false} dataSource={d.columns} scroll={{ x: "max-content" }}
          locale={{ emptyText: "还没有列，请添加" }}
          columns={[
            {
              title: "列名（英文）", key: "name",
              render: (_: unknown, c: EditorColumn, i: number) => (
                <Input aria-label={`第 ${i + 1} 列列名`} value={c.name} disabled={props.editing && published.has(c.name) && props.initial?.columns[i]?.name === c.name}
                  onChange={(e) => setColumn(i, { name: e.target.value.trim() })} style={{ width: 140 }} />
              ),
            },
            { title: "标题", key: "label", render: (_: unknown, c: EditorColumn, i: number) => <Input aria-label={`第 ${i + 1} 列标题`} value={c.label} maxLength={32} onChange={(e) => setColumn(i, { label: e.target.value })} style={{ width: 140 }} /> },
            {
              title: "类型", key: "type",
              render: (_: unknown, c: EditorColumn, i: number) => (
                <Select aria-label={`第 ${i + 1} 列类型`} value={c.type} options={props.types} style={{ width: 120 }}
                  onChange={(type: string) => setColumn(i, { type, maxLength: type === "text" ? c.maxLength ?? 128 : undefined, options: type === "text" ? c.options : undefined, ref: type === "ref" ? c.ref : undefined })} />
              ),
            },
            {
              title: "最大长度、可选值 / 引用的字典", key: "more",
              render: (_: unknown, c: EditorColumn, i: number) => c.type === "text" ? (
                <Space wrap>
                  <InputNumber aria-label={`第 ${i + 1} 列最大长度`} min={1} max={2000} value={c.maxLength} onChange={(v) => setColumn(i, { maxLength: v ?? undefined })} />
                  <Select aria-label={`第 ${i + 1} 列可选值`} mode="tags" value={c.options ?? []} placeholder="可选值（输入后回车；不填则不限）" style={{ width: 240 }}
                    tokenSeparators={["，", ","]}
                    onChange={(v: string[]) => setColumn(i, { options: [...new Set(v.map((x) => x.trim()).filter(Boolean))] })} />
                </Space>
              ) : c.type === "ref" ? (
                <Select aria-label={`第 ${i + 1} 列引用的字典`} value={c.ref} placeholder="请选择字典" style={{ width: 160 }}
                  options={props.dictionaries.filter((x) => x.id !== d.id).map((x) => ({ value: x.id, label: x.label }))} onChange={(ref: string) => setColumn(i, { ref })} />
              ) : <Typography.Text type="secondary">—</Typography.Text>,
            },
            { title: "必填", key: "required", render: (_: unknown, c: EditorColumn, i: number) => <Checkbox aria-label={`第 ${i + 1} 列必填`} checked={!!c.required || c.name === d.key} disabled={c.name === d.key} onChange={(e) => setColumn(i, { required: e.target.checked })} /> },
            {
              title: "操作", key: "op",
              render: (_: unknown, _c: EditorColumn, i: number) => (
                <Button type="link" danger onClick={() => set({ columns: d.columns.filter((_x, j) => j !== i) })}>删除</Button>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title="关键列与搜索">
        <Form layout="vertical" component="div" style={{ maxWidth: 560 }}>
          <Form.Item label="关键列（每行取值不同；导入时按它识别已有的行）" required>
            <Select aria-label="关键列" value={d.key || undefined} options={columnOptions} onChange={(key: string) => set({ key })} />
          </Form.Item>
          <Form.Item label="标题列（被表单字段选择时显示的名称）" required>
            <Select aria-label="标题列" value={d.title || undefined} options={columnOptions} onChange={(title: string) => set({ title })} />
          </Form.Item>
          <Form.Item label="搜索列（按关键字查找时搜索的文本列）" required>
            <Select aria-label="搜索列" mode="multiple" value={d.search} onChange={(search: string[]) => set({ search })}
              options={columnOptions.filter((o) => ["text", "date"].includes(d.columns.find((c) => c.name === o.value)?.type ?? ""))} />
          </Form.Item>
        </Form>
      </Card>
      <Button type="primary" loading={props.busy} onClick={() => props.onSubmit(d)}>{props.submitText}</Button>
    </Space>
  );
}
