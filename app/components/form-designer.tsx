// The form designer's JSON view with a live preview rendered by SchemaForm exactly as applicants
// see it. Client-side parsing locates syntax errors (第 N 行第 M 列); the server re-checks
// everything (schema safety) before saving.
import { Alert, Card, Col, Input, Row, Tabs, Typography } from "antd";
import { Component, useMemo, useState, type ReactNode } from "react";
import { definitionToFields, fieldsToDefinition, type BuilderField } from "~/engine/field-builder";
import { locateJsonError } from "~/engine/json-text";
import { compileProblems } from "~/engine/schema-compile";
import { uiProblems } from "~/engine/ui-registry";
import { FieldBuilderView, type DictionaryChoice } from "./field-builder-view";
import { SchemaForm } from "./schema-form";

export interface EditableForm { title: string; schema: Record<string, any>; uiSchema: Record<string, any>; meta: Record<string, any> }

export function parseEditable(text: string): { ok: true; value: EditableForm } | { ok: false; error: string } {
  let v: any;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `不是合法的 JSON：${locateJsonError(text, e as Error)}` };
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, error: "应为一个对象：{ title, schema, uiSchema, meta }" };
  if (!v.schema || typeof v.schema !== "object") return { ok: false, error: "缺少 schema" };
  return { ok: true, value: { title: v.title ?? "", schema: v.schema, uiSchema: v.uiSchema ?? {}, meta: v.meta ?? {} } };
}

class PreviewBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: string | null; key: string }> {
  state = { error: null as string | null, key: this.props.resetKey };
  static getDerivedStateFromError(e: Error) {
    return { error: e.message };
  }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  render() {
    // RJSF's own message is English: shown folded, under a Chinese title.
    return this.state.error ? (
      <Alert type="error" showIcon title="预览无法渲染此定义，发布前请修改" description={<details><summary>技术细节</summary>{this.state.error}</details>} />
    ) : this.props.children;
  }
}

export function FormDesigner(props: { text: string; onChange: (text: string) => void; dictionaries?: DictionaryChoice[] }) {
  const parsed = useMemo(() => parseEditable(props.text), [props.text]);
  // The checks 发布 runs on the schema and uiSchema (compile, widget names), here too, so the
  // preview never shows as fine what publishing refuses.
  const refusals = useMemo(
    () => (parsed.ok ? [...compileProblems(parsed.value.schema), ...uiProblems(parsed.value.schema, parsed.value.uiSchema).map((p) => p.message)] : []),
    [parsed],
  );
  const [sample, setSample] = useState<Record<string, unknown>>({});
  const [checked, setChecked] = useState<string | null>(null);
  // The builder keeps its own field list while shown (so a half-typed name does not reshuffle it)
  // and writes the text on every edit; it is re-read from the text each time the tab is opened.
  const [view, setView] = useState<"json" | "builder">("json");
  const [builder, setBuilder] = useState<{ fields: BuilderField[]; unsupported: string[] } | null>(null);
  const [blocked, setBlocked] = useState<string | null>(null);
  const switchTo = (key: string) => {
    if (key === "builder") {
      if (!parsed.ok) { setBlocked(`请先修正 JSON 再切换到可视化：${parsed.error}`); return; }
      setBuilder(definitionToFields(parsed.value));
    }
    setBlocked(null);
    setView(key as "json" | "builder");
  };
  const onFields = (fields: BuilderField[]) => {
    if (!parsed.ok) return;
    setBuilder((b) => ({ fields, unsupported: b?.unsupported ?? [] }));
    props.onChange(JSON.stringify(fieldsToDefinition(fields, parsed.value), null, 2));
  };
  return (
    <Row gutter={16}>
      <Col xs={24} lg={12}>
        {blocked ? <Alert type="error" showIcon style={{ marginBottom: 8 }} title={blocked} /> : null}
        <Tabs
          activeKey={view} onChange={switchTo}
          items={[
            {
              key: "json", label: "JSON",
              children: (
                <Card size="small" title="JSON（title、schema、uiSchema、meta）">
                  <Input.TextArea
                    aria-label="表单定义 JSON" value={props.text} spellCheck={false}
                    onChange={(e) => props.onChange(e.target.value)}
                    autoSize={{ minRows: 24, maxRows: 48 }} style={{ fontFamily: "monospace", fontSize: 12 }}
                  />
                  {!parsed.ok ? <Alert type="error" showIcon style={{ marginTop: 8 }} title={parsed.error} /> : null}
                </Card>
              ),
            },
            {
              key: "builder", label: "可视化",
              children: builder && parsed.ok ? (
                <>
                  <Input aria-label="表单名称" addonBefore="表单名称" value={parsed.value.title} style={{ marginBottom: 8 }}
                    onChange={(e) => props.onChange(JSON.stringify({ ...parsed.value, title: e.target.value }, null, 2))} />
                  <FieldBuilderView fields={builder.fields} unsupported={builder.unsupported} dictionaries={props.dictionaries} onChange={onFields} />
                </>
              ) : null,
            },
          ]}
        />
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title="预览（与申报人看到的一致）">
          {refusals.length ? (
            <Alert
              type="error" showIcon style={{ marginBottom: 12 }} className="designer-refusals"
              title="发布时将被拒绝，请先修改："
              description={<ul style={{ margin: 0, paddingLeft: 20 }}>{refusals.map((p) => <li key={p}>{p}</li>)}</ul>}
            />
          ) : null}
          {parsed.ok ? (
            <PreviewBoundary resetKey={props.text}>
              <Typography.Title level={5}>{parsed.value.title}</Typography.Title>
              <SchemaForm
                schema={parsed.value.schema} uiSchema={parsed.value.uiSchema} rules={parsed.value.meta.rules}
                formData={sample} onChange={setSample} submitText="校验样例数据"
                onSubmit={() => setChecked("样例数据通过校验")}
              />
              {checked ? <Alert type="success" showIcon title={checked} /> : null}
            </PreviewBoundary>
          ) : <Typography.Text type="secondary">修正 JSON 后显示预览</Typography.Text>}
        </Card>
      </Col>
    </Row>
  );
}
