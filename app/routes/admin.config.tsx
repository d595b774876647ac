// 配置导入导出: download the whole configuration as one JSON bundle; upload one, see what it would
// publish / create / update (a dry run that rolls back), then confirm (one transaction).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Space, Typography } from "antd";
import { useState } from "react";
import { importBundle, type ImportSummary } from "~/engine/config-bundle.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";

export const meta: MetaFunction = () => [{ title: "配置导入导出 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    let bundle: unknown = body.bundle;
    if (typeof bundle === "string") {
      try { bundle = JSON.parse(bundle); } catch { throw new UserError("文件不是有效的 JSON"); }
    }
    const dryRun = body.intent !== "apply";
    const summary = await importBundle(getDb(), { username: user.username }, bundle, { dryRun });
    return json({ ok: true as const, applied: !dryRun, summary });
  });
}

/** What the action answers: the import summary, or handleUserErrors' refusal. */
type ImportResult = { ok: true; applied: boolean; summary: ImportSummary } | { ok: false; error: string };

function Summary({ s }: { s: ImportSummary }) {
  const list = (xs: string[]) => (xs.length ? xs.join("、") : "无");
  return (
    <Descriptions bordered column={1} size="small">
      <Descriptions.Item label="字典定义（发布新版本）">{list(s.dictionaryDefinitions.published)}；未变化 {s.dictionaryDefinitions.unchanged} 个</Descriptions.Item>
      <Descriptions.Item label="表单（发布新版本）">{list(s.forms.published)}；未变化 {s.forms.unchanged} 个</Descriptions.Item>
      <Descriptions.Item label="评审表模板（发布新版本）">{list(s.templates.published)}；未变化 {s.templates.unchanged} 个</Descriptions.Item>
      <Descriptions.Item label="申报计划类型（发布新版本）">{list(s.planTypes.published)}；未变化 {s.planTypes.unchanged} 个</Descriptions.Item>
      <Descriptions.Item label="申报类型（发布新版本）">{list(s.workflows.published)}；未变化 {s.workflows.unchanged} 个</Descriptions.Item>
      {Object.entries(s.dictionaries).map(([k, d]) => (
        <Descriptions.Item key={k} label={`字典 ${k}`}>新增 {d.created.length}（{list(d.created.slice(0, 20))}）；更新 {d.updated.length}（{list(d.updated.slice(0, 20))}）；未变化 {d.unchanged}</Descriptions.Item>
      ))}
      <Descriptions.Item label="申报计划">新增 {list(s.plans.created)}；更新 {list(s.plans.updated)}；未变化 {s.plans.unchanged}</Descriptions.Item>
    </Descriptions>
  );
}

export default function AdminConfig() {
  const fetcher = useFetcher<ImportResult>();
  const [text, setText] = useState<string | null>(null);
  const data = fetcher.data;
  const submit = (intent: string) => fetcher.submit({ intent, bundle: text }, { method: "post", encType: "application/json" });
  return (
    <Card>
      <Typography.Title level={3}>配置导入导出</Typography.Title>
      <Typography.Paragraph>表单、评审表模板、申报计划类型与申报类型（各自的最新发布版本）、字典、申报计划导出为一个 JSON 文件，便于在 git 中审阅和版本管理，或迁移到另一套系统。导入时先校验全部内容，全部通过才在一个事务中应用；导入不会删除已有数据。</Typography.Paragraph>
      <Space direction="vertical" style={{ width: "100%" }}>
        <a href="/admin/config/export" download><Button type="primary">导出配置</Button></a>
        <Typography.Title level={4}>导入配置</Typography.Title>
        <input type="file" accept=".json,application/json" aria-label="选择配置文件" onChange={async (e) => { const f = e.target.files?.[0]; setText(f ? await f.text() : null); }} />
        <Space>
          <Button disabled={!text} loading={fetcher.state !== "idle"} onClick={() => submit("preview")}>预览</Button>
          <Button type="primary" danger disabled={!text || !data?.ok || data?.applied} onClick={() => submit("apply")}>确认导入</Button>
        </Space>
        {data && !data.ok ? <Alert type="error" showIcon message="导入失败" description={<pre style={{ whiteSpace: "pre-wrap" }}>{data.error}</pre>} /> : null}
        {data?.ok ? <Alert type={data.applied ? "success" : "info"} showIcon message={data.applied ? "已导入" : "预览（尚未导入，确认后生效）"} /> : null}
        {data?.ok ? <Summary s={data.summary} /> : null}
      </Space>
    </Card>
  );
}
