// One form in the designer: its versions, the JSON view with live preview, 【保存草稿】 and
// 【发布新版本】 (which first shows how many open records the new version would refuse).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { Alert, Button, Card, Modal, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { FormDesigner } from "~/components/form-designer";
import { FormConfigError, getForm } from "~/engine/form-registry.server";
import { formVersions, getDraft, impactOf, KIND_LABELS, publishFormVersion, saveDraft, type Impact } from "~/engine/form-publish.server";
import { checkAdminSchema, parseDefinitionText, toDraft07 } from "~/engine/schema-safety.server";
import { requireMay } from "~/engine/people/auth.server";
import { dictionaryChoices } from "~/engine/dictionaries.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { bodyText } from "~/utils/body-values";
import { UserError } from "~/engine/errors";
import { dbVersion } from "~/utils/ints.server";
import { dateTimeText } from "~/components/cells";

export const meta: MetaFunction = () => [{ title: "编辑表单 - 职称申报评审平台" }];

function formIdOf(params: Record<string, string | undefined>) {
  const id = params["*"] ?? "";
  if (!/^[a-z][a-z0-9-]*(\/[a-z0-9-]+)*$/.test(id) || id.length > 128) throw notFound("表单不存在");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const db = getDb();
  const formId = formIdOf(params);
  const [latest, draft, info] = await Promise.all([getForm(db, formId), getDraft(db, formId), formVersions(db, formId)]);
  if (!latest && !draft) throw notFound("表单不存在");
  const src = draft ?? latest!;
  const text = JSON.stringify({ title: src.title, schema: src.schema, uiSchema: src.uiSchema, meta: src.meta }, null, 2);
  return json({
    formId, kind: (latest?.kind ?? draft!.kind) as string, kinds: KIND_LABELS, text, dictionaries: await dictionaryChoices(db),
    draft: draft ? { version: draft.version, updatedBy: draft.updatedBy, updatedAt: draft.updatedAt } : null,
    versions: info?.versions ?? [],
  });
}

type Result =
  | { ok: true; intent: "draft"; draftVersion: number }
  | { ok: true; intent: "impact"; impact: Impact }
  | { ok: true; intent: "publish"; version: number }
  | { ok: false; problems: string[]; error?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMay(request, "configuration");
  const db = getDb();
  const formId = formIdOf(params);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const intent = bodyText(body.intent);
    const parsed = parseDefinitionText(bodyText(body.text));
    if (!parsed.ok) return json<Result>({ ok: false, problems: parsed.problems }, { status: 422 });
    const v = parsed.value as Record<string, any>;
    if (!v || typeof v !== "object" || Array.isArray(v)) return json<Result>({ ok: false, problems: ["应为一个对象：{ title, schema, uiSchema, meta }"] }, { status: 422 });
    const latest = await getForm(db, formId);
    const draft = await getDraft(db, formId);
    const kind = latest?.kind ?? draft?.kind;
    if (!kind) throw notFound("表单不存在");
    const def = { id: formId, kind, title: v.title, schema: toDraft07(v.schema), uiSchema: v.uiSchema ?? {}, meta: v.meta ?? {} };
    try {
      if (intent === "draft") {
        const expected = body.draftVersion === null || body.draftVersion === undefined ? null : dbVersion(body.draftVersion);
        const saved = await saveDraft(db, actor, def, expected);
        return json<Result>({ ok: true, intent: "draft", draftVersion: saved.version });
      }
      if (intent === "impact") {
        const problems = checkAdminSchema({ ...def, version: (latest?.version ?? 0) + 1 });
        if (problems.length) return json<Result>({ ok: false, problems }, { status: 422 });
        return json<Result>({ ok: true, intent: "impact", impact: await impactOf(db, formId, def) });
      }
      if (intent === "publish") {
        const published = await publishFormVersion(db, actor, def);
        return json<Result>({ ok: true, intent: "publish", version: published.version });
      }
    } catch (e) {
      if (e instanceof FormConfigError) return json<Result>({ ok: false, problems: e.problems }, { status: 422 });
      throw e;
    }
    throw new UserError("未知的操作");
  });
}


function impactText(impact: Impact) {
  const n = (k: number) => (impact.capped ? `至少 ${k}` : `${k}`);
  if (!impact.failing) return `已检查 ${impact.checked} 条待审核/已退回的记录，新版本下均能通过校验。`;
  return `${n(impact.failing)} 条待审核/已退回的记录在新版本下无法通过校验（共检查 ${impact.checked} 条）：`
    + impact.fields.map((f) => `${f.path} ${n(f.count)} 条`).join("；");
}

export default function AdminFormEdit() {
  const d = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const [text, setText] = useState(d.text);
  const [draftVersion, setDraftVersion] = useState<number | null>(d.draft?.version ?? null);
  const [pendingImpact, setPendingImpact] = useState<Impact | null>(null);
  const busy = fetcher.state !== "idle";
  const result = fetcher.data as (Result & { error?: string }) | undefined;

  useEffect(() => {
    if (!result || fetcher.state !== "idle") return;
    if (result.ok && result.intent === "draft") setDraftVersion(result.draftVersion);
    if (result.ok && result.intent === "impact") setPendingImpact(result.impact);
    if (result.ok && result.intent === "publish") setDraftVersion(null);
  }, [result, fetcher.state]);

  const send = (intent: string) => fetcher.submit(JSON.stringify({ intent, text, draftVersion }), { method: "post", encType: "application/json" });

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={3}>{d.formId}</Typography.Title>
        <Typography.Paragraph>
          类型：{d.kinds[d.kind] ?? d.kind} · <Link to="/admin/forms">返回表单列表</Link>
          {d.draft ? <Tag style={{ marginLeft: 8 }}>草稿由 {d.draft.updatedBy} 于 {dateTimeText(d.draft.updatedAt)} 保存</Tag> : null}
        </Typography.Paragraph>
        <Table
          rowKey="version" size="small" pagination={false} dataSource={d.versions}
          locale={{ emptyText: "尚未发布" }}
          columns={[
            { title: "版本", dataIndex: "version", render: (v) => `第 ${v} 版` },
            { title: "名称", dataIndex: "title" },
            { title: "发布人", dataIndex: "createdBy" },
            { title: "发布时间", dataIndex: "createdAt", render: (v) => dateTimeText(v) },
            { title: "使用记录数", dataIndex: "records" },
          ]}
        />
      </Card>
      {result && !result.ok ? (
        <Alert type="error" showIcon title={result.error ?? "表单定义有误，未保存："} description={result.problems?.length ? <ul>{result.problems.map((p) => <li key={p}>{p}</li>)}</ul> : undefined} />
      ) : null}
      {result?.ok && result.intent === "draft" ? <Alert type="success" showIcon title="草稿已保存" /> : null}
      {result?.ok && result.intent === "publish" ? <Alert type="success" showIcon title={`已发布第 ${result.version} 版`} /> : null}
      <Space>
        <Button onClick={() => send("draft")} loading={busy}>保存草稿</Button>
        <Button type="primary" onClick={() => send("impact")} loading={busy}>发布新版本</Button>
      </Space>
      <FormDesigner text={text} onChange={setText} dictionaries={d.dictionaries} />
      <Modal
        open={!!pendingImpact} title="确认发布新版本" okText="确认发布" cancelText="取消"
        onCancel={() => setPendingImpact(null)}
        onOk={() => { setPendingImpact(null); send("publish"); }}
      >
        {pendingImpact ? <p>{impactText(pendingImpact)}</p> : null}
        <p>已发布的版本不会改变；已有记录保留其保存时的版本。</p>
      </Modal>
    </Space>
  );
}
