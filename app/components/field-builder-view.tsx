// The designer's 可视化 view: a field list (add, remove, move up/down) and an editor for the selected
// field. Every edit is written back as definition text through engine/field-builder.ts, so the JSON
// view and the preview follow.
import { Alert, Button, Card, Col, Form, Input, InputNumber, List, Row, Select, Space, Switch, Tag, Typography } from "antd";
import { useState } from "react";
import { builderProblems, FIELD_TYPE_LABELS, FIELD_TYPES, newField, normaliseType, type BuilderField, type FieldType } from "~/engine/field-builder";
import { FILE_KINDS } from "~/engine/file-kinds";

/** A published dictionary a 字典选择 field may pick from. */
export interface DictionaryChoice { id: string; label: string }

export function FieldBuilderView(props: { fields: BuilderField[]; unsupported: string[]; dictionaries?: DictionaryChoice[]; onChange: (fields: BuilderField[]) => void }) {
  const { fields } = props;
  const [selected, setSelected] = useState(0);
  const [addType, setAddType] = useState<FieldType>("text");
  const current = fields[Math.min(selected, fields.length - 1)];
  const problems = builderProblems(fields);
  const set = (i: number, f: BuilderField) => props.onChange(fields.map((g, j) => (j === i ? f : g)));
  const move = (i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= fields.length) return;
    const next = [...fields];
    [next[i], next[j]] = [next[j], next[i]];
    props.onChange(next);
    setSelected(j);
  };
  const idx = current ? fields.indexOf(current) : -1;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {props.unsupported.length ? (
        <Alert type="info" showIcon title="以下内容保持不变" description={<ul>{props.unsupported.map((u) => <li key={u}>{u}</li>)}</ul>} />
      ) : null}
      {problems.length ? <Alert type="warning" showIcon title="字段设置有误" description={<ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>} /> : null}
      <Space>
        <Select aria-label="新字段类型" style={{ width: 140 }} value={addType} onChange={setAddType} showSearch={{ optionFilterProp: "label" }}
          options={FIELD_TYPES.map((t) => ({ value: t, label: FIELD_TYPE_LABELS[t] }))} />
        <Button onClick={() => { props.onChange([...fields, newField(addType, fields.map((f) => f.name))]); setSelected(fields.length); }}>添加字段</Button>
      </Space>
      <List
        size="small" bordered dataSource={fields} locale={{ emptyText: "还没有字段" }}
        renderItem={(f, i) => (
          <List.Item
            style={{ cursor: "pointer", background: i === idx ? "#e6f4ff" : undefined }}
            onClick={() => setSelected(i)}
            actions={[
              <Button key="up" size="small" type="link" disabled={i === 0} onClick={(e) => { e.stopPropagation(); move(i, -1); }}>上移</Button>,
              <Button key="down" size="small" type="link" disabled={i === fields.length - 1} onClick={(e) => { e.stopPropagation(); move(i, 1); }}>下移</Button>,
              <Button key="del" size="small" type="link" danger onClick={(e) => { e.stopPropagation(); props.onChange(fields.filter((_, j) => j !== i)); }}>删除</Button>,
            ]}
          >
            <Space>
              <span>{f.label || f.name}</span>
              <Typography.Text type="secondary">{f.name}</Typography.Text>
              <Tag>{FIELD_TYPE_LABELS[f.type]}</Tag>
              {f.required ? <Tag color="red">必填</Tag> : null}
              {f.showWhen ? <Tag color="blue">条件显示</Tag> : null}
            </Space>
          </List.Item>
        )}
      />
      {current ? <FieldEditor key={idx} field={current} others={fields.filter((f) => f !== current)} dictionaries={props.dictionaries ?? []} onChange={(f) => set(idx, f)} /> : null}
    </Space>
  );
}

function FieldEditor({ field: f, others, dictionaries, onChange }: { field: BuilderField; others: BuilderField[]; dictionaries: DictionaryChoice[]; onChange: (f: BuilderField) => void }) {
  const up = (patch: Partial<BuilderField>) => onChange({ ...f, ...patch });
  const num = (v: number | null) => (v === null ? undefined : v);
  if (f.type === "json") {
    return <Card size="small" title={`字段 ${f.name}`}><Typography.Text type="secondary">此字段仅可在 JSON 视图中编辑。</Typography.Text></Card>;
  }
  const dep = others.find((o) => o.name === f.showWhen?.field);
  const t = f.type;
  return (
    <Card size="small" title={`编辑字段：${f.label || f.name}`}>
      <Form layout="vertical" component="div">
        <Row gutter={12}>
          <Col span={12}><Form.Item label="标题"><Input aria-label="字段标题" value={f.label} onChange={(e) => up({ label: e.target.value })} /></Form.Item></Col>
          <Col span={12}><Form.Item label="字段名（英文）"><Input aria-label="字段名" value={f.name} onChange={(e) => up({ name: e.target.value.trim() })} /></Form.Item></Col>
          <Col span={12}>
            <Form.Item label="类型">
              <Select aria-label="字段类型" value={t} onChange={(v: FieldType) => onChange(normaliseType(f, v))}
                options={FIELD_TYPES.map((x) => ({ value: x, label: FIELD_TYPE_LABELS[x] }))} />
            </Form.Item>
          </Col>
          <Col span={6}><Form.Item label="必填"><Switch aria-label="必填" checked={f.required} onChange={(v) => up({ required: v })} /></Form.Item></Col>
          <Col span={6}><Form.Item label="列表列"><Switch aria-label="列表列" checked={f.listColumn} onChange={(v) => up({ listColumn: v })} /></Form.Item></Col>
          {t === "text" || t === "textarea" ? (
            <>
              <Col span={12}><Form.Item label="最少字数"><InputNumber aria-label="最少字数" min={0} value={f.minLength} onChange={(v) => up({ minLength: num(v) })} style={{ width: "100%" }} /></Form.Item></Col>
              <Col span={12}><Form.Item label="最多字数"><InputNumber aria-label="最多字数" min={1} value={f.maxLength} onChange={(v) => up({ maxLength: num(v) ?? 200 })} style={{ width: "100%" }} /></Form.Item></Col>
            </>
          ) : null}
          {t === "email" || t === "url" ? (
            <Col span={12}><Form.Item label="最多字数"><InputNumber aria-label="最多字数" min={1} value={f.maxLength} onChange={(v) => up({ maxLength: num(v) })} style={{ width: "100%" }} /></Form.Item></Col>
          ) : null}
          {t === "number" || t === "integer" || t === "multiselect" ? (
            <>
              <Col span={12}><Form.Item label={t === "multiselect" ? "最少选几项" : "最小值"}><InputNumber aria-label="最小值" value={f.min} onChange={(v) => up({ min: num(v) })} style={{ width: "100%" }} /></Form.Item></Col>
              <Col span={12}><Form.Item label={t === "multiselect" ? "最多选几项" : "最大值"}><InputNumber aria-label="最大值" value={f.max} onChange={(v) => up({ max: num(v) })} style={{ width: "100%" }} /></Form.Item></Col>
            </>
          ) : null}
          {t === "select" || t === "multiselect" ? (
            <Col span={24}>
              <Form.Item label="选项（每行一个）">
                <Input.TextArea aria-label="选项" autoSize={{ minRows: 3 }} value={(f.options ?? []).join("\n")}
                  onChange={(e) => up({ options: e.target.value.split("\n").map((s) => s.trim()).filter(Boolean) })} />
              </Form.Item>
            </Col>
          ) : null}
          {t === "dictionary" ? (
            <Col span={24}>
              <Form.Item label="从哪个字典选择（申报人按关键字查找）">
                <Select aria-label="选择字典" showSearch={{ optionFilterProp: "label" }} placeholder="请选择字典" value={f.dictionary || undefined}
                  onChange={(v: string) => up({ dictionary: v })}
                  options={dictionaries.map((d) => ({ value: d.id, label: `${d.label}（${d.id}）` }))} />
              </Form.Item>
            </Col>
          ) : null}
          {t === "file" && f.file ? (
            <>
              <Col span={24}>
                <Form.Item label="允许的文件类型">
                  <Select aria-label="允许的文件类型" mode="multiple" value={f.file.accept}
                    onChange={(v: string[]) => up({ file: { ...f.file!, accept: v } })}
                    options={Object.entries(FILE_KINDS).map(([m, k]) => ({ value: m, label: k.label }))} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="单个文件上限（MB）">
                  <InputNumber aria-label="单个文件上限" min={0.1} max={100} step={1} value={Math.round((f.file.maxSize / 1048576) * 10) / 10}
                    onChange={(v) => up({ file: { ...f.file!, maxSize: Math.round((v ?? 10) * 1048576) } })} style={{ width: "100%" }} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="最多文件数">
                  <InputNumber aria-label="最多文件数" min={1} value={f.file.maxCount} onChange={(v) => up({ file: { ...f.file!, maxCount: num(v) } })} style={{ width: "100%" }} />
                </Form.Item>
              </Col>
            </>
          ) : null}
          <Col span={24}><Form.Item label="填写说明"><Input aria-label="填写说明" value={f.help} onChange={(e) => up({ help: e.target.value || undefined })} /></Form.Item></Col>
          <Col span={12}>
            <Form.Item label="仅当此字段……时显示">
              <Select aria-label="显示条件字段" allowClear value={f.showWhen?.field}
                onChange={(v?: string) => up({ showWhen: v ? { field: v, equals: defaultEquals(others.find((o) => o.name === v)) } : undefined })}
                options={others.filter((o) => !o.showWhen && o.type !== "json").map((o) => ({ value: o.name, label: o.label || o.name }))} />
            </Form.Item>
          </Col>
          {f.showWhen ? (
            <Col span={12}>
              <Form.Item label="等于">
                {dep?.type === "boolean" ? (
                  <Select aria-label="显示条件取值" value={String(f.showWhen.equals)} onChange={(v) => up({ showWhen: { ...f.showWhen!, equals: v === "true" } })}
                    options={[{ value: "true", label: "是" }, { value: "false", label: "否" }]} />
                ) : dep?.type === "select" ? (
                  <Select aria-label="显示条件取值" value={String(f.showWhen.equals)} onChange={(v) => up({ showWhen: { ...f.showWhen!, equals: v } })}
                    options={(dep.options ?? []).map((o) => ({ value: o, label: o }))} />
                ) : dep?.type === "number" || dep?.type === "integer" ? (
                  <InputNumber aria-label="显示条件取值" value={Number(f.showWhen.equals)} onChange={(v) => up({ showWhen: { ...f.showWhen!, equals: v ?? 0 } })} />
                ) : (
                  <Input aria-label="显示条件取值" value={String(f.showWhen.equals)} onChange={(e) => up({ showWhen: { ...f.showWhen!, equals: e.target.value } })} />
                )}
              </Form.Item>
            </Col>
          ) : null}
        </Row>
      </Form>
    </Card>
  );
}

function defaultEquals(dep: BuilderField | undefined): string | number | boolean {
  if (dep?.type === "boolean") return true;
  if (dep?.type === "select") return dep.options?.[0] ?? "";
  if (dep?.type === "number" || dep?.type === "integer") return 0;
  return "";
}
