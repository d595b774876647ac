// The application-type designer: one JSON text (the definition) edited three ways — 可视化 (steps,
// chain, fee, templates as fields; each step kind's options as a form generated from its options
// schema), JSON, and 预览 (the wizard's step bar and each step as an applicant sees it). The server
// checks and publishes; this only edits text.
import { Alert, Button, Card, Checkbox, Empty, Input, InputNumber, Radio, Select, Space, Steps, Tabs, Typography } from "antd";
import { Link } from "@remix-run/react";
import { useMemo, useState } from "react";
import { SchemaForm } from "./schema-form";
import { ACTION_LABEL, REVIEW_ACTIONS } from "~/engine/workflow/review-machine";

type Obj = Record<string, any>;
export interface TypeChoices {
  stepKinds: { kind: string; label: string; schema: Obj }[];
  forms: { id: string; title: string; schema: Obj; uiSchema: Obj }[];
  categories: { slug: string; title: string }[];
  roles: { value: string; label: string }[];
  scopes: { value: string; label: string }[];
  templates: string[];
  planTypes: { planType: string; applicationType: string; label: string }[];
}
export interface PlanTypeInput { label: string; acceptedBy: "committees" | "departments" }

const STAGE_KINDS = [{ value: "review", label: "审核" }, { value: "payment", label: "缴费" }, { value: "publicity", label: "公示" }, { value: "vote", label: "评审会议表决" }];
/** A new vote stage's rule until the designer changes it: 赞成 ≥ 2/3 of the members present. */
const DEFAULT_PASS_RULE = { approve: { atLeast: [2, 3], of: "present" } };
const PASS_BASES = [{ value: "present", label: "实到委员" }, { value: "members", label: "评委会委员总数" }];
const FEE_SOURCES = [{ value: "plan", label: "按申报计划的评审费用" }, { value: "fixed", label: "固定金额" }, { value: "none", label: "免费" }];

function parse(text: string): Obj | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Developer notes (descriptions) are the fields' help text; a kind's picks (forms, categories) become choices. */
function optionsSchema(kind: string, schema: Obj, c: TypeChoices): Obj {
  const s = structuredClone(schema);
  delete s.description;
  if (kind === FORM_STEP && s.properties?.form) {
    s.properties.form = { ...s.properties.form, oneOf: c.forms.map((f) => ({ const: f.id, title: `${f.title}（${f.id}）` })) };
    delete s.properties.form.pattern;
  }
  const cat = s.properties?.categories?.oneOf?.[1]?.items?.properties?.category;
  if (cat && c.categories.length) {
    s.properties.categories.oneOf[1].items.properties.category = { ...cat, oneOf: c.categories.map((x) => ({ const: x.slug, title: x.title })) };
    delete s.properties.categories.oneOf[1].items.properties.category.pattern;
  }
  return s;
}
/** The step kind whose options name an info form (the designer links to 新建申报信息表 beside it). */
const FORM_STEP = "form";

function move<T>(xs: T[], i: number, by: number): T[] {
  const j = i + by;
  if (j < 0 || j >= xs.length) return xs;
  const out = [...xs];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

function Reorder(props: { i: number; n: number; onMove: (by: number) => void; onRemove: () => void; what: string }) {
  return (
    <Space size={4}>
      <Button size="small" disabled={props.i === 0} onClick={() => props.onMove(-1)} autoInsertSpace={false} aria-label={`上移第 ${props.i + 1} 个${props.what}`}>上移</Button>
      <Button size="small" disabled={props.i === props.n - 1} onClick={() => props.onMove(1)} autoInsertSpace={false} aria-label={`下移第 ${props.i + 1} 个${props.what}`}>下移</Button>
      <Button size="small" danger onClick={props.onRemove} autoInsertSpace={false} aria-label={`删除第 ${props.i + 1} 个${props.what}`}>删除</Button>
    </Space>
  );
}

function Field(props: { label: string; children: React.ReactNode }) {
  return (
    <label style={{ display: "block", marginBottom: 8 }}>
      <Typography.Text type="secondary" style={{ display: "block", fontSize: 13 }}>{props.label}</Typography.Text>
      {props.children}
    </label>
  );
}

function Visual(props: { def: Obj; set: (fn: (d: Obj) => void) => void; choices: TypeChoices; isNew: boolean; planType: PlanTypeInput; setPlanType: (p: PlanTypeInput) => void }) {
  const { def, set, choices: c } = props;
  const [newKind, setNewKind] = useState<string | undefined>(undefined);
  const steps: Obj[] = Array.isArray(def.steps) ? def.steps : [];
  const stages: Obj[] = Array.isArray(def.reviewChain?.stages) ? def.reviewChain.stages : [];
  const kindLabel = (k: string) => c.stepKinds.find((x) => x.kind === k)?.label ?? k;
  const knownPlanType = c.planTypes.some((p) => p.planType === def.planType);
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Card size="small" title="基本信息">
        <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(220px, 1fr))", gap: "0 16px" }}>
          <Field label="名称"><Input aria-label="类型名称" value={def.name ?? ""} maxLength={64} onChange={(e) => set((d) => { d.name = e.target.value; })} /></Field>
          <Field label="编号（网址中使用，发布后不可修改）"><Input aria-label="类型编号" value={def.id ?? ""} disabled={!props.isNew} placeholder="assessment-recognition" onChange={(e) => set((d) => { d.id = e.target.value.trim(); })} /></Field>
          <Field label="计划类型（申报计划按它选用本类型）"><Input aria-label="计划类型" value={def.planType ?? ""} maxLength={16} onChange={(e) => set((d) => { d.planType = e.target.value.trim(); })} /></Field>
          <Field label="申报编号前缀（大写字母）"><Input aria-label="申报编号前缀" value={def.numberPrefix ?? ""} maxLength={4} onChange={(e) => set((d) => { d.numberPrefix = e.target.value.trim().toUpperCase(); })} /></Field>
        </div>
        {def.planType && !knownPlanType ? (
          <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(220px, 1fr))", gap: "0 16px" }}>
            <Alert type="info" showIcon style={{ gridColumn: "1 / -1", marginBottom: 8 }} title={`计划类型「${def.planType}」是新的：发布时一并创建，申请人菜单中显示为下面的名称`} />
            <Field label="菜单名称"><Input aria-label="菜单名称" value={props.planType.label} placeholder={def.name} onChange={(e) => props.setPlanType({ ...props.planType, label: e.target.value })} /></Field>
            <Field label="受理方式">
              <Select aria-label="受理方式" value={props.planType.acceptedBy} style={{ width: "100%" }} onChange={(v) => props.setPlanType({ ...props.planType, acceptedBy: v })}
                options={[{ value: "committees", label: "评审委员会受理" }, { value: "departments", label: "受理部门受理" }]} />
            </Field>
          </div>
        ) : null}
      </Card>

      <Card size="small" title={`申报步骤（${steps.length} 步）`}>
        {steps.length ? null : <Empty description="还没有步骤：在下方选择步骤类型后添加" />}
        {steps.map((s, i) => {
          const kind = c.stepKinds.find((k) => k.kind === s.kind);
          return (
            <Card key={i} size="small" type="inner" style={{ marginBottom: 12 }} title={`第 ${i + 1} 步 · ${kindLabel(s.kind)}`}
              extra={<Reorder i={i} n={steps.length} what="步骤" onMove={(by) => set((d) => { d.steps = move(d.steps, i, by); })} onRemove={() => set((d) => { d.steps.splice(i, 1); })} />}>
              <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))", gap: "0 16px" }}>
                <Field label="步骤编号"><Input aria-label={`第 ${i + 1} 步的编号`} value={s.id ?? ""} onChange={(e) => set((d) => { d.steps[i].id = e.target.value.trim(); })} /></Field>
                <Field label="标题（步骤条上显示）"><Input aria-label={`第 ${i + 1} 步的标题`} value={s.title ?? ""} maxLength={32} onChange={(e) => set((d) => { d.steps[i].title = e.target.value; })} /></Field>
                <Field label="提示（标题下一行，选填）"><Input aria-label={`第 ${i + 1} 步的提示`} value={s.hint ?? ""} maxLength={200} onChange={(e) => set((d) => { if (e.target.value) d.steps[i].hint = e.target.value; else delete d.steps[i].hint; })} /></Field>
              </div>
              {kind && Object.keys(kind.schema.properties ?? {}).length ? (
                <div className="type-step-options" data-step={i}>
                  <Typography.Text strong>选项</Typography.Text>
                  {s.kind === FORM_STEP ? <Typography.Paragraph type="secondary" style={{ margin: "4px 0" }}>没有合适的表单？<Link to="/admin/forms/new?kind=application" target="_blank">新建申报信息表</Link>，发布后刷新本页即可选用。</Typography.Paragraph> : null}
                  <SchemaForm idPrefix={`step${i}`} schema={optionsSchema(s.kind, kind.schema, c)} uiSchema={{}} formData={s.options ?? {}} noSubmit submitText="" onSubmit={() => {}}
                    onChange={(data) => set((d) => {
                      const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
                      if (Object.keys(clean).length) d.steps[i].options = clean; else delete d.steps[i].options;
                    })} />
                </div>
              ) : <Typography.Text type="secondary">此类步骤没有选项。</Typography.Text>}
            </Card>
          );
        })}
        <Space wrap>
          <Select aria-label="新步骤的类型" placeholder="选择步骤类型" style={{ width: 260 }} value={newKind} onChange={setNewKind} showSearch optionFilterProp="label"
            options={c.stepKinds.map((k) => ({ value: k.kind, label: k.label }))} />
          <Button disabled={!newKind} onClick={() => set((d) => {
            const taken = new Set((d.steps ?? []).map((x: Obj) => x.id));
            let id = newKind!;
            for (let n = 2; taken.has(id); n++) id = `${newKind}-${n}`;
            d.steps = [...(d.steps ?? []), { id, kind: newKind, title: kindLabel(newKind!).slice(0, 32) }];
          })}>添加步骤</Button>
        </Space>
      </Card>

      <Card size="small" title={`评审流程（${stages.length} 个环节）`}>
        {stages.length ? null : <Empty description="还没有评审环节" />}
        {stages.map((st, i) => (
          <Card key={i} size="small" type="inner" style={{ marginBottom: 12 }} title={`第 ${i + 1} 环节 · ${st.label || "未命名"}`}
            extra={<Reorder i={i} n={stages.length} what="环节" onMove={(by) => set((d) => { d.reviewChain.stages = move(d.reviewChain.stages, i, by); })} onRemove={() => set((d) => { d.reviewChain.stages.splice(i, 1); })} />}>
            <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))", gap: "0 16px" }}>
              <Field label="环节编号"><Input aria-label={`第 ${i + 1} 环节的编号`} value={st.id ?? ""} onChange={(e) => set((d) => { d.reviewChain.stages[i].id = e.target.value.trim(); })} /></Field>
              <Field label="名称"><Input aria-label={`第 ${i + 1} 环节的名称`} value={st.label ?? ""} maxLength={16} onChange={(e) => set((d) => { d.reviewChain.stages[i].label = e.target.value; })} /></Field>
              <Field label="类型">
                <Select aria-label={`第 ${i + 1} 环节的类型`} value={st.kind} style={{ width: "100%" }} options={STAGE_KINDS}
                  onChange={(v) => set((d) => {
                    const x = d.reviewChain.stages[i];
                    x.kind = v;
                    if (v === "payment") for (const k of ["role", "scope", "decisions", "reopenSteps", "opinionLabel"]) delete x[k];
                    if (v === "publicity") delete x.decisions;
                    else for (const k of ["minWorkingDays", "template", "calendar"]) delete x[k];
                    if (v === "vote") { delete x.decisions; delete x.reopenSteps; x.scope = "committee"; x.passRule = x.passRule ?? structuredClone(DEFAULT_PASS_RULE); } else delete x.passRule;
                  })} />
              </Field>
              {st.kind !== "payment" ? (
                <>
                  <Field label="审核角色">
                    <Select aria-label={`第 ${i + 1} 环节的审核角色`} value={st.role} placeholder="请选择" style={{ width: "100%" }} options={c.roles}
                      onChange={(v) => set((d) => { d.reviewChain.stages[i].role = v; })} />
                  </Field>
                  <Field label="审核范围（按申报的哪一项）">
                    <Select aria-label={`第 ${i + 1} 环节的审核范围`} value={st.scope} placeholder="请选择" style={{ width: "100%" }} options={c.scopes}
                      onChange={(v) => set((d) => { d.reviewChain.stages[i].scope = v; })} />
                  </Field>
                  <Field label="意见标题（评审表上）"><Input aria-label={`第 ${i + 1} 环节的意见标题`} value={st.opinionLabel ?? ""} maxLength={32} onChange={(e) => set((d) => { if (e.target.value) d.reviewChain.stages[i].opinionLabel = e.target.value; else delete d.reviewChain.stages[i].opinionLabel; })} /></Field>
                </>
              ) : null}
              {st.kind === "vote" && st.passRule?.approve ? (
                <Field label="通过规则：赞成票不少于">
                  <Space style={{ width: "100%" }}>
                    <Select aria-label={`第 ${i + 1} 环节通过规则的基数`} value={st.passRule.approve.of} options={PASS_BASES} style={{ width: 140 }}
                      onChange={(v) => set((d) => { d.reviewChain.stages[i].passRule.approve.of = v; })} />
                    <Input aria-label={`第 ${i + 1} 环节通过规则的分子`} value={st.passRule.approve.atLeast?.[0] ?? ""} style={{ width: 64 }}
                      onChange={(e) => set((d) => { d.reviewChain.stages[i].passRule.approve.atLeast[0] = Number(e.target.value) || e.target.value; })} />
                    <Input aria-label={`第 ${i + 1} 环节通过规则的分母`} prefix="/" value={st.passRule.approve.atLeast?.[1] ?? ""} style={{ width: 72 }}
                      onChange={(e) => set((d) => { d.reviewChain.stages[i].passRule.approve.atLeast[1] = Number(e.target.value) || e.target.value; })} />
                  </Space>
                </Field>
              ) : null}
              {st.kind === "publicity" ? (
                <>
                  <Field label="公示期不少于（工作日）"><InputNumber aria-label={`第 ${i + 1} 环节的公示工作日数`} min={1} max={30} precision={0} value={st.minWorkingDays ?? null} onChange={(v) => set((d) => { if (v) d.reviewChain.stages[i].minWorkingDays = Number(v); else delete d.reviewChain.stages[i].minWorkingDays; })} /></Field>
                  <Field label="公示版评审表模板"><Input aria-label={`第 ${i + 1} 环节的公示版评审表模板`} value={st.template ?? ""} placeholder="模板编号" onChange={(e) => set((d) => { if (e.target.value.trim()) d.reviewChain.stages[i].template = e.target.value.trim(); else delete d.reviewChain.stages[i].template; })} /></Field>
                  <Field label="节假日字典"><Input aria-label={`第 ${i + 1} 环节的节假日字典`} value={st.calendar ?? ""} placeholder="字典编号" onChange={(e) => set((d) => { if (e.target.value.trim()) d.reviewChain.stages[i].calendar = e.target.value.trim(); else delete d.reviewChain.stages[i].calendar; })} /></Field>
                </>
              ) : null}
            </div>
            {st.kind === "review" ? (
              <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(260px, 1fr))", gap: "0 16px" }}>
                <Field label="允许的决定">
                  <Checkbox.Group aria-label={`第 ${i + 1} 环节允许的决定`} value={st.decisions ?? [...REVIEW_ACTIONS]}
                    options={REVIEW_ACTIONS.map((a) => ({ value: a, label: ACTION_LABEL[a] }))}
                    onChange={(v) => set((d) => {
                      const x = d.reviewChain.stages[i];
                      if (v.length === REVIEW_ACTIONS.length || !v.length) delete x.decisions; else x.decisions = REVIEW_ACTIONS.filter((a) => v.includes(a));
                      if (x.decisions && !x.decisions.includes("return")) delete x.reopenSteps;
                    })} />
                </Field>
                {(st.decisions ?? REVIEW_ACTIONS).includes("return") ? (
                  <Field label="退回修改时可重新打开的步骤（不选：除最后检查外的全部步骤）">
                    <Select mode="multiple" aria-label={`第 ${i + 1} 环节可重新打开的步骤`} value={st.reopenSteps ?? []} style={{ width: "100%" }} placeholder="全部步骤"
                      options={steps.map((s) => ({ value: s.id, label: s.title || s.id }))}
                      onChange={(v: string[]) => set((d) => { if (v.length) d.reviewChain.stages[i].reopenSteps = v; else delete d.reviewChain.stages[i].reopenSteps; })} />
                  </Field>
                ) : null}
              </div>
            ) : null}
          </Card>
        ))}
        <Button onClick={() => set((d) => {
          d.reviewChain = d.reviewChain ?? { stages: [] };
          const n = d.reviewChain.stages.length + 1;
          d.reviewChain.stages.push({ id: `stage_${n}`, label: `第${n}环节`, kind: "review", role: c.roles[0]?.value, scope: c.scopes[0]?.value });
        })}>添加环节</Button>
      </Card>

      <Card size="small" title="费用与评审表">
        <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(220px, 1fr))", gap: "0 16px" }}>
          <Field label="评审费用">
            <Radio.Group aria-label="评审费用" value={def.fee?.source} options={FEE_SOURCES}
              onChange={(e) => set((d) => { d.fee = e.target.value === "fixed" ? { source: "fixed", amountFen: d.fee?.amountFen ?? 0 } : { source: e.target.value }; })} />
          </Field>
          {def.fee?.source === "fixed" ? (
            <Field label="金额（元）"><InputNumber aria-label="固定金额（元）" min={0} precision={2} value={(def.fee.amountFen ?? 0) / 100} onChange={(v) => set((d) => { d.fee.amountFen = Math.round(Number(v ?? 0) * 100); })} /></Field>
          ) : null}
          <Field label="评审表模板">
            <Select aria-label="评审表模板" value={def.templates?.reviewForm} style={{ width: "100%" }} options={c.templates.map((t) => ({ value: t, label: t }))}
              onChange={(v) => set((d) => { d.templates = { ...(d.templates ?? {}), reviewForm: v }; })} />
          </Field>
          <Field label="保证书模板">
            <Select aria-label="保证书模板" value={def.templates?.pledge} style={{ width: "100%" }} options={c.templates.map((t) => ({ value: t, label: t }))}
              onChange={(v) => set((d) => { d.templates = { ...(d.templates ?? {}), pledge: v }; })} />
          </Field>
        </div>
      </Card>
    </Space>
  );
}

/** The wizard as an applicant sees it: the step bar, and the chosen step's title, hint and (for a form step) its form. */
function Preview(props: { def: Obj; choices: TypeChoices }) {
  const steps: Obj[] = Array.isArray(props.def.steps) ? props.def.steps : [];
  const [current, setCurrent] = useState(0);
  const s = steps[Math.min(current, steps.length - 1)];
  if (!s) return <Empty description="还没有步骤" />;
  const form = s.kind === FORM_STEP ? props.choices.forms.find((f) => f.id === s.options?.form) : null;
  return (
    <div className="type-preview">
      <Steps size="small" current={Math.min(current, steps.length - 1)} onChange={setCurrent} items={steps.map((x) => ({ title: x.title || x.id }))} style={{ marginBottom: 16, overflowX: "auto" }} />
      <Card title={s.title} size="small">
        {s.hint ? <Typography.Paragraph type="secondary">{s.hint}</Typography.Paragraph> : null}
        {form ? <SchemaForm idPrefix="preview" schema={form.schema} uiSchema={form.uiSchema} noSubmit submitText="" onSubmit={() => {}} />
          : <Typography.Paragraph>「{props.choices.stepKinds.find((k) => k.kind === s.kind)?.label ?? s.kind}」步骤{s.kind === FORM_STEP ? "：请先在可视化中选择申报信息表" : "：申请人在此按该类步骤的页面操作"}。</Typography.Paragraph>}
      </Card>
    </div>
  );
}

export function TypeDesigner(props: { text: string; onChange: (text: string) => void; choices: TypeChoices; isNew: boolean; planType: PlanTypeInput; setPlanType: (p: PlanTypeInput) => void }) {
  const def = useMemo(() => parse(props.text), [props.text]);
  const set = (fn: (d: Obj) => void) => {
    if (!def) return;
    const d = structuredClone(def);
    fn(d);
    props.onChange(JSON.stringify(d, null, 2));
  };
  const broken = <Alert type="warning" showIcon title="JSON 有语法错误：请先在「JSON」中改正，或点【检查】查看位置" />;
  return (
    <Tabs
      items={[
        { key: "visual", label: "可视化", children: def ? <Visual def={def} set={set} choices={props.choices} isNew={props.isNew} planType={props.planType} setPlanType={props.setPlanType} /> : broken },
        {
          key: "json", label: "JSON",
          children: <Input.TextArea aria-label="申报类型定义 JSON" value={props.text} onChange={(e) => props.onChange(e.target.value)} autoSize={{ minRows: 16, maxRows: 40 }} spellCheck={false} style={{ fontFamily: "monospace", fontSize: 13 }} />,
        },
        { key: "preview", label: "预览", children: def ? <Preview def={def} choices={props.choices} /> : broken },
      ]}
    />
  );
}
