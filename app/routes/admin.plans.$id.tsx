// Create / edit one 申报计划. Every field of the plan; 附件要求 and 资格规则 are editable lists
// (a rule's logic is JSON Logic text). Saves post JSON; a stale edit answers 409.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useRevalidator } from "@remix-run/react";
import { Alert, Button, Card, Checkbox, DatePicker, Form as AntForm, Input, InputNumber, Popconfirm, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { createPlan, deletePlan, eligibilityFacts, planRefs, planView, planTypes, updatePlan } from "~/engine/plans.server";
import { RANKS } from "~/engine/eligibility";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.plan?.name ?? "新增申报计划"} - 申报计划` }];

function idParam(raw: string | undefined): number | "new" {
  if (raw === "new") return "new";
  const id = Number(raw);
  if (!/^\d{1,9}$/.test(raw ?? "") || !Number.isSafeInteger(id)) throw notFound("申报计划不存在");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const id = idParam(params.id);
  const db = getDb();
  const refs = await planRefs(db);
  let plan = null;
  if (id !== "new") {
    const row = await db.models.Plan.findByPk(id);
    if (!row) throw notFound("申报计划不存在");
    plan = planView(row, refs);
  }
  return json({ plan, refs, planTypes: await planTypes(db), facts: await eligibilityFacts(db) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireMay(request, "configuration");
  const id = idParam(params.id);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const db = getDb();
    const values = body.values && typeof body.values === "object" && !Array.isArray(body.values) ? (body.values as Record<string, unknown>) : null;
    switch (body.intent) {
      case "save":
        if (!values) throw new UserError("提交的数据格式不正确");
        if (id === "new") return json({ ok: true as const, ...(await createPlan(db, values)) });
        return json({ ok: true as const, ...(await updatePlan(db, id, values, body.version)) });
      case "delete":
        if (id === "new") throw new UserError("未知操作");
        return json({ ok: true as const, ...(await deletePlan(db, id, body.version)) });
      default:
        throw new UserError("未知操作");
    }
  });
}

const RICH_HELP = "可使用的格式标签：p、br、strong、em、u、ul/ol/li、h3、h4、a、table；其他标签和脚本在保存时被移除。";

export default function AdminPlanEdit() {
  const { plan, refs, planTypes, facts } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const [form] = AntForm.useForm();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const planType = AntForm.useWatch("planType", form) as string | undefined;
  const seriesId = AntForm.useWatch("titleSeriesId", form) as number | undefined;
  const type = planTypes.find((t) => t.planType === planType);
  const series = refs.series.find((s) => s.id === seriesId);

  const initial = plan
    ? {
      ...plan, opensAt: dayjs(plan.opensAt), closesAt: dayjs(plan.closesAt), feeYuan: plan.fee / 100,
      eligibilityRules: plan.eligibilityRules.map((r) => ({ label: r.label, logic: JSON.stringify(r.logic) })),
    }
    : { planType: planTypes[0]?.planType, year: new Date().getFullYear(), affiliationIds: [], specialtyIds: [], committeeIds: [], acceptanceDepartmentIds: [], attachmentRequirements: [], eligibilityRules: [], feeYuan: 0 };

  const post = async (body: object) => {
    const res = await fetch(`/admin/plans/${plan?.id ?? "new"}?_data=${encodeURIComponent("routes/admin.plans.$id")}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const out = await res.json().catch(() => ({ error: "操作失败，请稍后重试" }));
    if (!res.ok || out.ok === false) { setError(out.error ?? "操作失败"); setNotice(null); return null; }
    setError(null);
    return out as { id: number };
  };

  const save = async () => {
    const v = form.getFieldsValue(true);
    const rules: { label: string; logic: unknown }[] = [];
    for (const [i, r] of ((v.eligibilityRules ?? []) as { label?: string; logic?: string }[]).entries()) {
      try { rules.push({ label: r.label ?? "", logic: JSON.parse(r.logic || "null") }); } catch { setError(`第 ${i + 1} 条资格规则的 JSON Logic 不是有效的 JSON`); return; }
    }
    const values = {
      name: v.name, planType: v.planType, recognitionType: v.recognitionType ?? null, titleSeriesId: v.titleSeriesId, titleLevel: v.titleLevel,
      affiliationIds: v.affiliationIds ?? [], year: v.year, opensAt: v.opensAt ? dayjs(v.opensAt).toISOString() : null, closesAt: v.closesAt ? dayjs(v.closesAt).toISOString() : null,
      basicInfo: v.basicInfo ?? "", reviewNotes: v.reviewNotes ?? "", applicantNotice: v.applicantNotice ?? "",
      attachmentRequirements: (v.attachmentRequirements ?? []).map((a: any) => ({ ...a, required: !!a?.required })),
      eligibilityText: v.eligibilityText ?? "", eligibilityRules: rules,
      specialtyIds: v.specialtyIds ?? [], committeeIds: v.committeeIds ?? [], acceptanceDepartmentIds: v.acceptanceDepartmentIds ?? [],
      fee: Math.round(Number(v.feeYuan ?? 0) * 100),
    };
    const out = await post({ intent: "save", version: plan?.version, values });
    if (!out) return;
    setNotice("已保存");
    if (!plan) navigate(`/admin/plans/${out.id}`);
    else revalidator.revalidate();
  };

  const opts = (list: { id: number; label: string }[]) => list.map((o) => ({ value: o.id, label: o.label }));
  return (
    <Card>
      <Typography.Title level={3}>{plan ? `编辑申报计划：${plan.name}` : "新增申报计划"}</Typography.Title>
      <Space style={{ marginBottom: 16 }}><Link to="/admin/plans">← 申报计划</Link>{plan ? <Link to={`/plans/${plan.id}`}>申报人视图</Link> : null}</Space>
      {notice ? <Alert type="success" showIcon title={notice} closable onClose={() => setNotice(null)} style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon role="alert" title={<span style={{ whiteSpace: "pre-wrap" }}>{error}</span>} style={{ marginBottom: 16 }} /> : null}
      <AntForm form={form} layout="vertical" initialValues={initial} key={`${plan?.id ?? "new"}-${plan?.version ?? 0}`} style={{ maxWidth: 960 }}>
        <Typography.Title level={4}>基本信息</Typography.Title>
        <AntForm.Item name="name" label="计划名称" required><Input maxLength={128} /></AntForm.Item>
        <Space wrap align="start">
          <AntForm.Item name="planType" label="计划类型" required>
            <Select style={{ width: 260 }} options={planTypes.map((t) => ({ value: t.planType, label: `${t.planType}（${t.label}）` }))} />
          </AntForm.Item>
          {type?.recognitionTypes.length ? (
            <AntForm.Item name="recognitionType" label="认定类型" required>
              <Select style={{ width: 220 }} options={type.recognitionTypes.map((r) => ({ value: r, label: r }))} />
            </AntForm.Item>
          ) : null}
          <AntForm.Item name="titleSeriesId" label="职称系列" required>
            <Select style={{ width: 180 }} showSearch={{ optionFilterProp: "label" }} options={opts(refs.series)} />
          </AntForm.Item>
          <AntForm.Item name="titleLevel" label="申报级别" required>
            <Select style={{ width: 140 }} options={(series?.levels ?? []).map((l) => ({ value: l, label: l }))} />
          </AntForm.Item>
          <AntForm.Item name="year" label="年度" required><InputNumber min={2000} max={2100} /></AntForm.Item>
          <AntForm.Item name="feeYuan" label="评审费用（元）"><InputNumber min={0} step={1} precision={2} /></AntForm.Item>
        </Space>
        <Space wrap align="start">
          <AntForm.Item name="opensAt" label="开始时间" required><DatePicker showTime /></AntForm.Item>
          <AntForm.Item name="closesAt" label="截止时间" required><DatePicker showTime /></AntForm.Item>
        </Space>
        <AntForm.Item name="affiliationIds" label="单位隶属关系" required><Select mode="multiple" options={opts(refs.affiliations)} /></AntForm.Item>
        <AntForm.Item name="basicInfo" label="基本信息（格式文本）" extra={RICH_HELP}><Input.TextArea rows={5} /></AntForm.Item>
        <AntForm.Item name="reviewNotes" label="评审计划说明（格式文本）" extra={RICH_HELP}><Input.TextArea rows={5} /></AntForm.Item>
        <AntForm.Item name="applicantNotice" label="申报须知（格式文本）" extra={RICH_HELP}><Input.TextArea rows={5} /></AntForm.Item>

        <Typography.Title level={4}>附件要求</Typography.Title>
        <AntForm.List name="attachmentRequirements">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} wrap align="start">
                  <AntForm.Item name={[f.name, "name"]} label="附件名称"><Input style={{ width: 200 }} /></AntForm.Item>
                  <AntForm.Item name={[f.name, "required"]} label="必传" valuePropName="checked"><Checkbox /></AntForm.Item>
                  <AntForm.Item name={[f.name, "accept"]} label="允许类型"><Select mode="tags" style={{ width: 200 }} tokenSeparators={[",", " "]} options={["pdf", "jpg", "png", "doc", "docx"].map((x) => ({ value: x, label: x }))} /></AntForm.Item>
                  <AntForm.Item name={[f.name, "maxSizeMb"]} label="单个上限（MB）"><InputNumber min={1} max={100} /></AntForm.Item>
                  <AntForm.Item name={[f.name, "maxCount"]} label="数量上限"><InputNumber min={1} max={50} /></AntForm.Item>
                  <Button danger type="link" style={{ marginTop: 30 }} onClick={() => remove(f.name)}>删除</Button>
                </Space>
              ))}
              <Button onClick={() => add({ required: true, accept: ["pdf"], maxSizeMb: 10, maxCount: 1 })}>添加附件要求</Button>
            </>
          )}
        </AntForm.List>

        <Typography.Title level={4} style={{ marginTop: 24 }}>申报对象资格</Typography.Title>
        <AntForm.Item name="eligibilityText" label="资格说明（文字）"><Input.TextArea rows={4} /></AntForm.Item>
        <Typography.Paragraph type="secondary">
          资格规则用 JSON Logic 表达，例：{'{">=": [{"var": "yearsSinceCurrentTitle"}, 5]}'}。可引用的条件：
        </Typography.Paragraph>
        <ul className="rule-facts">
          {facts.map((f) => (
            <li key={f.name}>
              <code>{f.name}</code>
              {` ${f.label}${Object.prototype.hasOwnProperty.call(RANKS, f.name) ? `（${Object.entries(RANKS[f.name]).map(([label, rank]) => `${label} ${rank}`).join("、")}）` : ""}`}
            </li>
          ))}
        </ul>
        <AntForm.List name="eligibilityRules">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} wrap align="start" style={{ width: "100%" }}>
                  <AntForm.Item name={[f.name, "label"]} label="规则说明"><Input style={{ width: 260 }} /></AntForm.Item>
                  <AntForm.Item name={[f.name, "logic"]} label="JSON Logic"><Input.TextArea rows={2} style={{ width: 480, fontFamily: "monospace" }} /></AntForm.Item>
                  <Button danger type="link" style={{ marginTop: 30 }} onClick={() => remove(f.name)}>删除</Button>
                </Space>
              ))}
              <Button onClick={() => add({ label: "", logic: "" })}>添加资格规则</Button>
            </>
          )}
        </AntForm.List>

        <Typography.Title level={4} style={{ marginTop: 24 }}>可评审专业与受理</Typography.Title>
        <AntForm.Item name="specialtyIds" label="可评审专业">
          <Select mode="multiple" showSearch={{ optionFilterProp: "label" }} options={opts(refs.specialties.filter((s) => s.seriesId === seriesId))} />
        </AntForm.Item>
        {type?.acceptedBy !== "departments" ? (
          <AntForm.Item name="committeeIds" label="受理评审委员会"><Select mode="multiple" showSearch={{ optionFilterProp: "label" }} options={opts(refs.committees)} /></AntForm.Item>
        ) : (
          <AntForm.Item name="acceptanceDepartmentIds" label="受理部门"><Select mode="multiple" showSearch={{ optionFilterProp: "label" }} options={opts(refs.departments)} /></AntForm.Item>
        )}
        <Space>
          <Button type="primary" onClick={save}>保存</Button>
          {plan ? (
            <Popconfirm title="确定删除该申报计划吗？" okText="删除" cancelText="取消" onConfirm={async () => { if (await post({ intent: "delete", version: plan.version })) navigate("/admin/plans"); }}>
              <Button danger>删除</Button>
            </Popconfirm>
          ) : null}
        </Space>
      </AntForm>
    </Card>
  );
}
