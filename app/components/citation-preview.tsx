// The preview of a citation import: one row per record of the uploaded file, with a checkbox,
// the fields the import could fill (editable in place), what is still missing or wrong, and the
// duplicates (unticked, tagged 重复). Every edit is re-checked with the same Ajv setup and draft
// check as the server; the server checks everything again on 【导入】.
import { useMemo, useState } from "react";
import { Alert, Button, DatePicker, Input, InputNumber, Select, Space, Switch, Table, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { checkDraftWith, type DraftCheck } from "~/engine/draft-check";
import type { FieldRule } from "~/engine/rules";
import { createAjv, type FieldErrors } from "~/engine/validator";
import { cellText } from "./cells";
import type { PreviewField } from "~/engine/citation-import.server";

// Type-only: erased from the browser bundle, so the server module is never shipped.
export type { PreviewField } from "~/engine/citation-import.server";

export interface PreviewDraft {
  row: number;
  data: Record<string, unknown>;
  missing: string[];
  invalid: FieldErrors;
  notes: Record<string, string>;
  duplicate: { message: string } | null;
  valid: boolean;
  source: { title: string | null; year: number | null };
}

export interface ConfirmedRow {
  row: number;
  data: Record<string, unknown>;
  allowDuplicate: boolean;
  source: PreviewDraft["source"];
}

interface Props {
  fields: PreviewField[];
  schema: Record<string, any>;
  rules?: FieldRule[];
  drafts: PreviewDraft[];
  importLabel: string;
  busy: boolean;
  /** The server's refusal of the last 【导入】: "row.field" → messages. */
  serverErrors?: Record<string, string[]>;
  onImport: (rows: ConfirmedRow[]) => void;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

function FieldInput({ field, value, status, placeholder, onChange }: {
  field: PreviewField; value: unknown; status?: "error"; placeholder?: string; onChange: (v: unknown) => void;
}) {
  const label = `${field.title}`;
  if (field.enum) {
    return (
      <Select
        aria-label={label} status={status} allowClear value={isEmpty(value) ? undefined : value} placeholder={placeholder ?? "请选择"}
        style={{ width: "100%", minWidth: 120 }} onChange={(v) => onChange(v ?? undefined)}
        options={field.enum.map((o) => ({ value: o as string, label: String(o) }))}
      />
    );
  }
  if (field.type === "boolean") return <Switch aria-label={label} checked={value === true} checkedChildren="是" unCheckedChildren="否" onChange={(v) => onChange(v)} />;
  if (field.type === "integer" || field.type === "number") {
    return (
      <InputNumber
        aria-label={label} status={status} value={typeof value === "number" ? value : null} min={field.minimum} max={field.maximum}
        precision={field.type === "integer" ? 0 : undefined} placeholder={placeholder} style={{ width: "100%", minWidth: 80 }}
        onChange={(v) => onChange(v === null ? undefined : v)}
      />
    );
  }
  if (field.format === "year-month" || field.format === "date") {
    const fmt = field.format === "year-month" ? "YYYY-MM" : "YYYY-MM-DD";
    const d = typeof value === "string" && value ? dayjs(value, fmt) : null;
    return (
      <DatePicker
        aria-label={label} status={status} picker={field.format === "year-month" ? "month" : "date"} format={fmt}
        value={d && d.isValid() ? d : null} placeholder={placeholder ?? (field.format === "year-month" ? "请选择年月" : "请选择日期")}
        style={{ width: "100%", minWidth: 120 }} onChange={(v) => onChange(v ? v.format(fmt) : undefined)}
      />
    );
  }
  return (
    <Input
      aria-label={label} status={status} value={typeof value === "string" ? value : isEmpty(value) ? "" : cellText(value)} maxLength={field.maxLength}
      placeholder={placeholder} style={{ width: "100%" }}
      onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
    />
  );
}

export function CitationPreview({ fields, schema, rules, drafts, importLabel, busy, serverErrors, onImport }: Props) {
  const validate = useMemo(() => createAjv().compile({ ...schema, $id: undefined }), [schema]);
  const titles = useMemo(() => Object.fromEntries(fields.map((f) => [f.name, f.title])), [fields]);
  const original = useMemo(() => new Map(drafts.map((d) => [d.row, d.data])), [drafts]);
  const [rows, setRows] = useState(() => drafts.map((d) => ({ ...d, check: { missing: d.missing, invalid: d.invalid, valid: d.valid } as DraftCheck })));
  const [selected, setSelected] = useState<number[]>(() => drafts.filter((d) => !d.duplicate).map((d) => d.row));
  const [fillField, setFillField] = useState<string | undefined>();
  const [fillValue, setFillValue] = useState<unknown>();
  const [localError, setLocalError] = useState<string | null>(null);

  const update = (row: number, patch: Record<string, unknown>) => {
    setRows((all) => all.map((r) => {
      if (r.row !== row) return r;
      const data = { ...r.data, ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete data[k];
      return { ...r, data, check: checkDraftWith(validate, schema, rules, data) };
    }));
  };

  const fillable = fields.filter((f) => f.enum || f.type === "integer" || f.type === "number" || f.type === "boolean" || f.format);
  const fill = fields.find((f) => f.name === fillField);
  const applyFill = () => {
    if (!fill || isEmpty(fillValue)) return;
    for (const r of rows) if (selected.includes(r.row) && isEmpty(r.data[fill.name])) update(r.row, { [fill.name]: fillValue });
  };

  const problems = (r: (typeof rows)[number]) => {
    const out: string[] = [];
    if (r.check.missing.length) out.push(`需补充：${r.check.missing.map((f) => titles[f] ?? f).join("、")}`);
    const wrong = Object.entries(r.check.invalid).map(([f, m]) => `${f ? titles[f] ?? f : "记录"}（${m.join("；")}）`);
    if (wrong.length) out.push(`需修改：${wrong.join("、")}`);
    return out;
  };

  const submit = () => {
    const chosen = rows.filter((r) => selected.includes(r.row));
    if (!chosen.length) {
      setLocalError("请至少勾选一条记录");
      return;
    }
    const bad = chosen.filter((r) => !r.check.valid).map((r) => r.row);
    if (bad.length) {
      setLocalError(`第 ${bad.join("、")} 条还有必填项未填写或填写有误，请补充后再导入，或取消勾选这些记录`);
      return;
    }
    setLocalError(null);
    onImport(chosen.map((r) => ({ row: r.row, data: r.data, allowDuplicate: !!r.duplicate, source: r.source })));
  };

  // The record's title field leads the row; every other field sits in 需补充或修改 while it lacks
  // something and in the expanded row always.
  const titleField = fields.find((f) => f.name === "title") ?? fields[0];
  const isBad = (r: (typeof rows)[number], f: PreviewField) => r.check.missing.includes(f.name) || !!r.check.invalid[f.name] || !!serverErrors?.[`${r.row}.${f.name}`];
  const fieldCell = (f: PreviewField, r: (typeof rows)[number]) => {
    const bad = isBad(r, f);
    const tip = r.check.invalid[f.name]?.join("；") ?? r.notes[f.name];
    const input = (
      <FieldInput field={f} value={r.data[f.name]} status={bad ? "error" : undefined}
        placeholder={r.check.missing.includes(f.name) ? "需补充" : undefined}
        onChange={(v) => update(r.row, { [f.name]: v })} />
    );
    return tip && bad ? <Tooltip title={tip}>{input}</Tooltip> : input;
  };

  const selectedRows = rows.filter((r) => selected.includes(r.row));
  const ready = selectedRows.filter((r) => r.check.valid).length;
  const dupCount = rows.filter((r) => r.duplicate).length;

  return (
    <>
      <Alert
        type="info" showIcon style={{ marginBottom: 12 }}
        title={`文件中共 ${rows.length} 条记录${dupCount ? `，其中 ${dupCount} 条与已有条目或文件中其他记录重复（默认不勾选）` : ""}。请补充标红的字段，勾选要导入的记录后点击【${importLabel}】。`}
      />
      {localError ? <Alert type="error" showIcon role="alert" title={localError} style={{ marginBottom: 12 }} /> : null}
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text>批量填写：</Typography.Text>
        <Select
          aria-label="批量填写的字段" placeholder="选择字段" style={{ width: 180 }} value={fillField} allowClear
          onChange={(v) => { setFillField(v); setFillValue(undefined); }}
          options={fillable.map((f) => ({ value: f.name, label: f.title }))}
        />
        {fill ? <div style={{ width: 200 }}><FieldInput field={fill} value={fillValue} onChange={setFillValue} placeholder="填写的值" /></div> : null}
        <Button disabled={!fill || isEmpty(fillValue) || !selected.length} onClick={applyFill}>填入所选记录中的空白项</Button>
      </Space>
      <Table
        rowKey="row"
        size="small"
        dataSource={rows}
        tableLayout="fixed"
        pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (t) => `共 ${t} 条` }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys as number[]),
          getCheckboxProps: (r) => ({ "aria-label": `选择第 ${r.row} 条` }),
        }}
        // Every field of a record, below its row (【+】): the row itself shows what is missing first.
        expandable={{
          columnWidth: 40,
          expandedRowRender: (r) => (
            <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(240px, 1fr))", gap: "8px 16px" }}>
              {fields.filter((f) => f !== titleField).map((f) => (
                <div key={f.name}>
                  <Typography.Text type={isBad(r, f) ? "danger" : "secondary"} style={{ fontSize: 12 }}>{f.required ? "* " : ""}{f.title}</Typography.Text>
                  {fieldCell(f, r)}
                </div>
              ))}
            </div>
          ),
        }}
        columns={[
          { title: "序号", dataIndex: "row", key: "row", width: 60 },
          {
            title: "状态", key: "state", width: 240,
            render: (_: unknown, r: (typeof rows)[number]) => {
              const p = problems(r);
              const server = Object.entries(serverErrors ?? {}).filter(([k]) => k === String(r.row) || k.startsWith(`${r.row}.`));
              return (
                <Space orientation="vertical" size={2}>
                  <Space size={4} wrap>
                    {r.duplicate ? <Tooltip title={r.duplicate.message}><Tag color="orange">重复</Tag></Tooltip> : null}
                    {p.length ? null : <Tag color="green">可导入</Tag>}
                  </Space>
                  {r.duplicate ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.duplicate.message}</Typography.Text> : null}
                  {p.map((t) => <Typography.Text key={t} type="danger" style={{ fontSize: 12 }}>{t}</Typography.Text>)}
                  {server.length && p.length === 0 ? <Typography.Text type="danger" style={{ fontSize: 12 }}>{server.map(([, m]) => m.join("；")).join("；")}</Typography.Text> : null}
                  {Object.entries(r.notes).filter(([f]) => isEmpty(r.data[f]) || r.data[f] === original.get(r.row)?.[f]).map(([f, n]) => (
                    <Typography.Text key={f} type="secondary" style={{ fontSize: 12 }}>{titles[f] ?? f}：{n}</Typography.Text>
                  ))}
                </Space>
              );
            },
          },
          {
            // What the record lacks, where the eye starts: the fields to fill in or correct, in place.
            title: "需补充或修改", key: "needs", width: 300,
            render: (_: unknown, r: (typeof rows)[number]) => {
              const bad = fields.filter((f) => f !== titleField && isBad(r, f));
              return bad.length ? (
                <Space orientation="vertical" size={6} style={{ width: "100%" }}>
                  {bad.map((f) => (
                    <div key={f.name} data-testid="needs-field">
                      <Typography.Text type="danger" style={{ fontSize: 12 }}>{f.required ? "* " : ""}{f.title}</Typography.Text>
                      {fieldCell(f, r)}
                    </div>
                  ))}
                </Space>
              ) : <Typography.Text type="secondary">无</Typography.Text>;
            },
          },
          ...(titleField ? [{
            title: titleField.required ? <span><span style={{ color: "#ff4d4f" }}>* </span>{titleField.title}</span> : titleField.title,
            key: titleField.name,
            render: (_: unknown, r: (typeof rows)[number]) => fieldCell(titleField, r),
          }] : []),
        ]}
      />
      <Space style={{ marginTop: 16 }} wrap>
        <Button type="primary" loading={busy} disabled={!selected.length} onClick={submit}>{importLabel}</Button>
        <Typography.Text type="secondary">已勾选 {selectedRows.length} 条，其中 {ready} 条信息完整</Typography.Text>
      </Space>
    </>
  );
}
