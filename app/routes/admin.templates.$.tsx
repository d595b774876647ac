// One template in the editor (/admin/templates/new for a new one): the Handlebars text, the data
// fields and partials beside it (a click inserts one at the cursor), 检查, 预览 (a PDF of sample
// data) and 发布新版本 (first naming the application types that will print with it).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Input, Modal, Space, Tag, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { requireMay } from "~/engine/people/auth.server";
import { checkTemplate, isTemplateId, publishTemplate, templateEditor } from "~/engine/template-admin.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { bodyText } from "~/utils/body-values";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.id ? `评审表模板：${data.id}` : "新建模板"} - 职称申报评审平台` }];

const NEW = "new";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMay(request, "configuration");
  const splat = params["*"];
  const isNew = splat === NEW;
  if (!isNew && !isTemplateId(splat)) throw notFound("模板不存在");
  const data = await templateEditor(getDb(), isNew ? null : splat!);
  if (!data) throw notFound("模板不存在");
  return json(data);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "configuration");
  return handleUserErrors(async () => {
    const splat = params["*"];
    const isNew = splat === NEW;
    if (!isNew && !isTemplateId(splat)) throw notFound("模板不存在");
    const body = await readBody(request);
    const id = isNew ? bodyText(body.id).trim() : splat!;
    const db = getDb();
    if (bodyText(body.intent) === "publish") {
      const r = await publishTemplate(db, { username: user.username }, id, body.source, { isNew });
      if (r.ok) return redirect(`/admin/templates/${id}?${r.unchanged ? "unchanged" : "published"}=${r.version}`);
      return json(r, { status: 422 });
    }
    const problems = await checkTemplate(db, id, body.source);
    return json(problems.length ? { ok: false as const, problems } : { ok: true as const }, { status: problems.length ? 422 : 200 });
  });
}

type Answer = { ok: true } | { ok: false; problems?: string[]; error?: string };

export default function AdminTemplate() {
  const data = useLoaderData<typeof loader>();
  // A new version (the page reloaded with it) starts a fresh editor; an effect copying the text in
  // would also run after hydration and could undo what was typed in between.
  return <TemplateEditor key={`${data.id}@${data.version}`} data={data} />;
}

function TemplateEditor({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const [search] = useSearchParams();
  const [id, setId] = useState("");
  const [source, setSource] = useState(data.source);
  const [checked, setChecked] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [preview, setPreview] = useState<{ url?: string; error?: string; busy?: boolean }>({});
  const box = useRef<HTMLTextAreaElement | null>(null);
  const check = useFetcher<Answer>();
  const publish = useFetcher<Answer>();
  useEffect(() => () => { if (preview.url) URL.revokeObjectURL(preview.url); }, [preview.url]);
  const templateId = data.id ?? id;
  const body = (intent: string) => JSON.stringify({ intent, id: templateId, source });
  const insert = (text: string) => {
    const el = box.current;
    const at = el ? el.selectionStart : source.length;
    const end = el ? el.selectionEnd : source.length;
    // Rendered at once, so the caret goes after the insertion in this same click (a frame later
    // the page would scroll under the pointer).
    flushSync(() => setSource(source.slice(0, at) + text + source.slice(end)));
    el?.focus();
    el?.setSelectionRange(at + text.length, at + text.length);
  };
  const runPreview = async () => {
    setPreview({ busy: true });
    const res = await fetch("/admin/template-preview", { method: "POST", headers: { "Content-Type": "application/json" }, body: body("preview") });
    if (res.ok && res.headers.get("content-type") === "application/pdf") setPreview({ url: URL.createObjectURL(await res.blob()) });
    else setPreview({ error: (await res.json().catch(() => null))?.error ?? "预览失败，请稍后重试" });
  };
  const answer = (publish.data ?? check.data) as Answer | undefined;
  const shown = answer && checked === source;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={3}>{data.id ? `评审表模板：${data.id}` : "新建模板"}</Typography.Title>
        <Space wrap>
          <Link to="/admin/templates">返回模板列表</Link>
          {data.id ? <Typography.Text type="secondary">当前为第 {data.version} 版 · {data.createdBy}</Typography.Text> : null}
          {data.usedBy.length ? <Typography.Text type="secondary">使用它的申报类型：{data.usedBy.join("、")}</Typography.Text> : null}
        </Space>
        {search.get("published") ? <Alert style={{ marginTop: 12 }} type="success" showIcon title={`已发布第 ${search.get("published")} 版`} /> : null}
        {search.get("unchanged") ? <Alert style={{ marginTop: 12 }} type="info" showIcon title={`内容与第 ${search.get("unchanged")} 版相同，未发布新版本`} /> : null}
      </Card>
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(220px, 1fr)", gap: 16 }} className="template-editor">
        <Card>
          {data.id ? null : (
            <label style={{ display: "block", marginBottom: 12 }}>
              <Typography.Text type="secondary">模板编号（小写字母、数字、连字符，可用 / 分级）</Typography.Text>
              <Input aria-label="模板编号" value={id} placeholder="review-form/assessment" onChange={(e) => setId(e.target.value.trim())} />
            </label>
          )}
          <Input.TextArea ref={(r) => { box.current = r?.resizableTextArea?.textArea ?? null; }} aria-label="模板内容" value={source} onChange={(e) => setSource(e.target.value)}
            autoSize={{ minRows: 20, maxRows: 40 }} spellCheck={false} style={{ fontFamily: "monospace", fontSize: 13 }} />
          <Space wrap style={{ marginTop: 12 }}>
            <Button loading={check.state !== "idle"} onClick={() => { setChecked(source); check.submit(body("check"), { method: "post", encType: "application/json" }); }}>检查</Button>
            <Button loading={preview.busy} onClick={runPreview}>预览</Button>
            <Button type="primary" loading={publish.state !== "idle"} onClick={() => setConfirming(true)}>发布新版本</Button>
          </Space>
          {shown && !answer.ok ? (
            <Alert className="template-problems" style={{ marginTop: 12 }} type="error" showIcon role="alert" title={answer.error ?? `有 ${answer.problems?.length ?? 0} 处问题，未发布：`}
              description={answer.problems?.length ? <ul style={{ margin: 0, paddingLeft: 20 }}>{answer.problems.map((p) => <li key={p}>{p}</li>)}</ul> : undefined} />
          ) : null}
          {shown && answer.ok ? <Alert className="template-checked" style={{ marginTop: 12 }} type="success" showIcon title="检查通过" /> : null}
          {preview.error ? <Alert style={{ marginTop: 12 }} type="error" showIcon role="alert" title={preview.error} /> : null}
          {preview.url ? <iframe title="模板预览（示例数据）" src={preview.url} style={{ width: "100%", height: 720, border: "1px solid #d9d9d9", marginTop: 12 }} /> : null}
        </Card>
        <Card size="small" title="可用的数据与片段">
          <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>点击插入到光标处。</Typography.Paragraph>
          <Typography.Text strong>数据字段</Typography.Text>
          <div className="template-fields" style={{ maxHeight: 360, overflow: "auto", margin: "4px 0 12px" }}>
            {data.fields.map((f) => (
              <Tag key={f.path} title={f.description} style={{ cursor: "pointer", marginBottom: 4 }} onClick={() => insert(`{{${f.path}}}`)}
                role="button" tabIndex={0} onKeyDown={(e) => { if (e.key === "Enter") insert(`{{${f.path}}}`); }}>{f.path}</Tag>
            ))}
          </div>
          <Typography.Text strong>片段</Typography.Text>
          <div style={{ margin: "4px 0 12px" }}>
            {data.partials.map((p) => <Tag key={p} color="blue" style={{ cursor: "pointer", marginBottom: 4 }} role="button" tabIndex={0} onClick={() => insert(`{{> ${p}}}`)} onKeyDown={(e) => { if (e.key === "Enter") insert(`{{> ${p}}}`); }}>{p}</Tag>)}
          </div>
          <Typography.Text strong>辅助函数</Typography.Text>
          <div style={{ marginTop: 4 }}>{data.helpers.map((h) => <Tag key={h}>{h}</Tag>)}</div>
        </Card>
      </div>
      <Modal open={confirming} title="确认发布新版本" okText="确认发布" cancelText="取消" onCancel={() => setConfirming(false)}
        onOk={() => { setConfirming(false); setChecked(source); publish.submit(body("publish"), { method: "post", encType: "application/json" }); }}>
        <p>发布第 {data.version + 1} 版后，{data.usedBy.length ? `「${data.usedBy.join("、")}」` : "使用它的申报类型"}新提交的申报按新版本打印；已提交的申报仍按提交时的版本打印。</p>
      </Modal>
    </Space>
  );
}
