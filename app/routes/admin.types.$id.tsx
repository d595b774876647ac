// One application type in the designer (/admin/types/new for a new one): 【检查】 runs every check
// of the publisher and shows the impact; 【发布新版本】 shows it first, then publishes (a stranded
// application's stage must be mapped to one of the new version before it can).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Modal, Select, Space, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { TypeDesigner, type PlanTypeInput } from "~/components/type-designer";
import { requireMay } from "~/engine/people/auth.server";
import { designerChoices, publishType, isTypeId, typeForDesigner, type PublishTypeResult } from "~/engine/workflow/type-admin.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { bodyText } from "~/utils/body-values";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.isNew ? "新建申报类型" : `申报类型：${data?.name ?? ""}`} - 职称申报评审平台` }];

/** What a new type starts from: the two steps every wizard needs and one review stage. */
const SKELETON = {
  id: "", name: "", planType: "", numberPrefix: "",
  steps: [
    { id: "notice", kind: "plan-notice", title: "申报须知" },
    { id: "submit", kind: "confirm-submit", title: "检查并提交" },
  ],
  reviewChain: { stages: [{ id: "unit_review", label: "单位审核", kind: "review", role: "unit_reviewer", scope: "unit", opinionLabel: "单位推荐意见" }] },
  fee: { source: "none" },
  templates: { reviewForm: "", pledge: "" },
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const db = getDb();
  const isNew = params.id === "new";
  const def = isNew || !isTypeId(params.id) ? null : await typeForDesigner(db, params.id);
  if (!isNew && !def) throw notFound("申报类型不存在");
  const { version: _v, ...content } = def ?? { ...SKELETON, version: 0 };
  return json({ isNew, id: isNew ? null : params.id!, name: def?.name ?? "", version: def?.version ?? 0, text: JSON.stringify(content, null, 2), choices: await designerChoices(db) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    const isNew = params.id === "new";
    if (!isNew && !isTypeId(params.id)) throw notFound("申报类型不存在");
    const id = isNew ? undefined : params.id;
    const body = await readBody(request);
    const intent = bodyText(body.intent);
    const r = await publishType(getDb(), { username: user.username, id: user.id, role: user.role }, { text: body.text, planTypeLabel: body.planTypeLabel, acceptedBy: body.acceptedBy, stageMap: body.stageMap, isNew, id }, { dryRun: intent !== "publish" });
    if (r.ok && r.published) {
      const parsed = JSON.parse(bodyText(body.text)) as { id: string };
      return redirect(`/admin/types/${parsed.id}?published=${r.impact.version}`);
    }
    return json(r, { status: r.ok ? 200 : 422 });
  });
}

type Answer = PublishTypeResult | { ok: false; error: string };

function Impact({ r }: { r: Extract<PublishTypeResult, { impact?: unknown }> }) {
  const i = r.impact;
  if (!i) return null;
  return (
    <Descriptions bordered size="small" column={1} style={{ marginTop: 12 }}>
      <Descriptions.Item label="将发布">第 {i.version} 版{i.isNew ? "（新申报类型）" : ""}{i.newPlanType ? "，并新建其计划类型" : ""}</Descriptions.Item>
      {i.isNew ? null : <Descriptions.Item label="草稿">{i.drafts} 份草稿保持原版本，提交后按原版本的流程评审</Descriptions.Item>}
      {i.isNew ? null : <Descriptions.Item label="评审中">{i.moving} 份评审中或退回修改的申报转入新版本的评审流程</Descriptions.Item>}
      <Descriptions.Item label="新申报">发布后新建的申报使用第 {i.version} 版</Descriptions.Item>
    </Descriptions>
  );
}

export default function AdminType() {
  const data = useLoaderData<typeof loader>();
  // A new version (the page reloaded with it) starts a fresh designer; an effect copying the text
  // in would also run after hydration and could undo what was typed in between.
  return <TypeEditor key={`${data.id}@${data.version}`} data={data} />;
}

function TypeEditor({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const [search] = useSearchParams();
  const [text, setText] = useState(data.text);
  const [planType, setPlanType] = useState<PlanTypeInput>({ label: "", acceptedBy: "committees" });
  const [stageMap, setStageMap] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const check = useFetcher<Answer>();
  const publish = useFetcher<Answer>();
  const answer = (publish.state === "idle" && publish.data ? publish.data : check.data) as Answer | undefined;
  // Results are shown only for the text they were computed from.
  const [lastChecked, setLastChecked] = useState<string | null>(null);
  const current = lastChecked === text;
  const send = (fetcher: typeof check, intent: string) =>
    fetcher.submit(JSON.stringify({ intent, text, planTypeLabel: planType.label, acceptedBy: planType.acceptedBy, stageMap }), { method: "post", encType: "application/json" });
  // 发布新版本 checks first; the impact is confirmed in a dialog before anything is published.
  useEffect(() => {
    if (check.state === "idle" && check.data && !check.data.ok && confirming) setConfirming(false);
  }, [check.state, check.data, confirming]);
  const stranded = answer && "impact" in answer && answer.impact ? answer.impact.stranded : [];
  const newStages: { id: string; label: string }[] = (() => {
    try { return (JSON.parse(text).reviewChain?.stages ?? []).map((s: any) => ({ id: String(s.id), label: String(s.label) })); } catch { return []; }
  })();
  const published = search.get("published");
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={3}>{data.isNew ? "新建申报类型" : `申报类型：${data.name}`}</Typography.Title>
        <Space wrap>
          <Link to="/admin/types">返回申报类型列表</Link>
          {data.isNew ? null : <Typography.Text type="secondary">当前为第 {data.version} 版</Typography.Text>}
        </Space>
        {published ? <Alert style={{ marginTop: 12 }} type="success" showIcon title={`已发布第 ${published} 版`} /> : null}
      </Card>
      <Card>
        <TypeDesigner text={text} onChange={setText} choices={data.choices} isNew={data.isNew} planType={planType} setPlanType={setPlanType} />
      </Card>
      <Card>
        <Space wrap>
          <Button loading={check.state !== "idle" && !confirming} onClick={() => { setLastChecked(text); send(check, "check"); }}>检查</Button>
          <Button type="primary" loading={publish.state !== "idle" || (confirming && check.state !== "idle")} onClick={() => { setLastChecked(text); setConfirming(true); send(check, "check"); }}>发布新版本</Button>
        </Space>
        {answer && !answer.ok && "error" in answer ? <Alert style={{ marginTop: 12 }} type="error" showIcon role="alert" title={answer.error} /> : null}
        {answer && current && !answer.ok && "problems" in answer ? (
          <Alert className="type-problems" style={{ marginTop: 12 }} type="error" showIcon role="alert" title={`有 ${answer.problems.length} 处问题，未发布：`}
            description={<ul style={{ margin: 0, paddingLeft: 20 }}>{answer.problems.map((p) => <li key={p}>{p}</li>)}</ul>} />
        ) : null}
        {answer && current && answer.ok && !confirming ? <Alert className="type-checked" style={{ marginTop: 12 }} type="success" showIcon title="检查通过，可以发布" /> : null}
        {answer && current && "impact" in answer && answer.impact ? <Impact r={answer} /> : null}
        {current && stranded.length ? (
          <div style={{ marginTop: 12 }}>
            <Typography.Title level={5}>停在已删除环节的申报：请选择它们转入的新环节，然后重新检查</Typography.Title>
            {[...new Map(stranded.map((s) => [s.stage, s.stageLabel])).entries()].map(([stage, label]) => (
              <Space key={stage} style={{ marginBottom: 8 }} wrap>
                <span>原环节「{label}」转入：</span>
                <Select aria-label={`原环节「${label}」转入的环节`} style={{ width: 200 }} placeholder="请选择" value={stageMap[stage]}
                  options={newStages.map((s) => ({ value: s.id, label: s.label }))} onChange={(v) => setStageMap({ ...stageMap, [stage]: v })} />
              </Space>
            ))}
            <Table size="small" rowKey="id" pagination={{ pageSize: 10 }} dataSource={stranded}
              columns={[{ title: "申报编号", dataIndex: "number" }, { title: "姓名", dataIndex: "applicantName" }, { title: "原环节", dataIndex: "stageLabel" }]} />
          </div>
        ) : null}
      </Card>
      <Modal open={confirming && check.state === "idle" && !!check.data?.ok} title="确认发布新版本" okText="确认发布" cancelText="取消"
        onCancel={() => setConfirming(false)}
        onOk={() => { setConfirming(false); send(publish, "publish"); }}>
        {check.data?.ok ? <Impact r={check.data} /> : null}
      </Modal>
    </Space>
  );
}
