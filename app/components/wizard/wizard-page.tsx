// The wizard page: the step bar, the current step's body (one component per step kind) and
// 【上一步】/【下一步】. What a step shows comes from its loader view; every button posts to the
// step's action, which the engine validates.
import { Link, useActionData, useFetcher, useNavigate, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Alert, Button, Checkbox, Col, Descriptions, Empty, List, Modal, Radio, Row, Space, Steps, Table, Tag, Typography } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { SchemaForm } from "../schema-form";
import { RecordView } from "../record-view";
import { cellText } from "../cells";
import { SignaturePad } from "./signature-pad";
import { when } from "../plan-view";

type View = Record<string, any>;
interface StepInfo { id: string; kind: string; title: string; complete: boolean; open: boolean }
export interface WizardProps {
  app: { id: number; version: number };
  plan: { id: number; name: string };
  workflow: { id: string; name: string };
  steps: StepInfo[];
  step: { id: string; kind: string; title: string; hint: string | null };
  view: View;
  blocked: string | null;
  returned?: { reason: string | null; by: string } | null;
}
interface Ctx extends WizardProps { prev: StepInfo | null; next: StepInfo | null; base: string }
type ActionResult = { ok: true; message: string } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** Posts a step action (JSON) without leaving the page; the loader data refreshes afterwards. */
function useStepFetcher() {
  const fetcher = useFetcher<ActionResult>();
  const post = (body: Record<string, unknown>) => fetcher.submit(JSON.stringify(body), { method: "post", encType: "application/json" });
  return { fetcher, post, busy: fetcher.state !== "idle", result: fetcher.state === "idle" ? fetcher.data : undefined };
}

function ResultAlert({ result }: { result?: ActionResult | null }) {
  if (!result) return null;
  return result.ok
    ? <Alert type="success" showIcon role="status" title={result.message} style={{ marginBottom: 16 }} />
    : <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} />;
}

/** 【上一步】 / 【下一步】 (or the step's own main button). */
function Footer({ ctx, onNext, nextText = "下一步", nextDisabled, busy, onBack }: { ctx: Ctx; onNext?: () => void; nextText?: string; nextDisabled?: boolean; busy?: boolean; onBack?: () => void }) {
  const navigate = useNavigate();
  return (
    <Space style={{ marginTop: 24 }}>
      {ctx.prev ? <Button onClick={() => (onBack ? onBack() : navigate(`${ctx.base}/${ctx.prev!.id}`))} disabled={busy}>上一步</Button> : null}
      {onNext ? <Button type="primary" onClick={onNext} disabled={nextDisabled || busy} loading={busy}>{nextText}</Button> : null}
    </Space>
  );
}

/** 【下一步】 as a navigation: the action redirects to the next step, or answers with an error. */
function useNext(ctx: Ctx) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  return { busy, next: (extra: Record<string, unknown> = {}) => submit(JSON.stringify({ intent: "next", version: ctx.app.version, ...extra }), { method: "post", encType: "application/json" }) };
}

// ---- step kinds -------------------------------------------------------------------------------
function PlanNotice({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const [ack, setAck] = useState<boolean>(v.acknowledged);
  const { next, busy } = useNext(ctx);
  return (
    <>
      {v.sections.map((s: any) => (
        <section key={s.key} aria-label={s.title} style={{ marginBottom: 16 }}>
          {/* The step's own title already names a section called like the step. */}
          {s.title !== ctx.step.title ? <Typography.Title level={4}>{s.title}</Typography.Title> : null}
          {s.html ? <div className="rich-text" dangerouslySetInnerHTML={{ __html: s.html }} /> : null}
          {s.text !== null ? <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{s.text || "（无）"}</Typography.Paragraph> : null}
          {s.attachments ? <List size="small" bordered dataSource={s.attachments} renderItem={(a: any) => <List.Item>{a.name}{a.required ? "（必传）" : "（选传）"}</List.Item>} /> : null}
          {!s.html && s.text === null && !s.attachments ? <Typography.Text type="secondary">（无）</Typography.Text> : null}
        </section>
      ))}
      {v.acknowledge ? <div><Checkbox checked={ack} onChange={(e) => setAck(e.target.checked)}>{v.acknowledge}</Checkbox></div> : null}
      <Footer ctx={ctx} busy={busy} nextDisabled={!!v.acknowledge && !ack} onNext={() => next({ acknowledged: ack })} />
    </>
  );
}

function FileButton({ accept, label, onFile, disabled }: { accept: string; label: string; onFile: (f: File) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input ref={input} type="file" accept={accept} hidden aria-label={label} onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) onFile(f); }} />
      <Button onClick={() => input.current?.click()} disabled={disabled}>{label}</Button>
    </>
  );
}

function useUpload(ctx: Ctx) {
  const fetcher = useFetcher<ActionResult>();
  const upload = (file: File, params: Record<string, string> = {}) => {
    const fd = new FormData();
    fd.append("file", file);
    const q = new URLSearchParams({ intent: "upload", version: String(ctx.app.version), ...params });
    fetcher.submit(fd, { method: "post", encType: "multipart/form-data", action: `${ctx.base}/${ctx.step.id}?${q}` });
  };
  return { upload, busy: fetcher.state !== "idle", result: fetcher.state === "idle" ? fetcher.data : undefined };
}

function Photo({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const up = useUpload(ctx);
  const { next, busy } = useNext(ctx);
  return (
    <>
      <ResultAlert result={up.result} />
      <Row gutter={24}>
        <Col flex="180px">
          <div style={{ width: 148, height: 207, border: "1px solid #d9d9d9", display: "flex", alignItems: "center", justifyContent: "center", background: "#fafafa" }}>
            {v.photo ? <img src={v.photo.url} alt="证件照预览" width={148} height={207} style={{ objectFit: "cover" }} /> : <span style={{ color: "#8c8c8c" }}>尚未上传</span>}
          </div>
        </Col>
        <Col flex="auto">
          <Typography.Paragraph>要求：近期免冠正面证件照，JPG 或 PNG 格式，不超过 {v.limits.maxSize}，至少 {v.limits.minWidth}×{v.limits.minHeight} 像素。上传后系统会自动校正方向、裁剪为 {v.limits.width}×{v.limits.height} 像素并去除照片中的拍摄信息。</Typography.Paragraph>
          <FileButton accept="image/jpeg,image/png" label={v.photo ? "重新上传证件照" : "上传证件照"} onFile={(f) => up.upload(f)} disabled={up.busy} />
          {up.busy ? <Typography.Text type="secondary" style={{ marginLeft: 12 }}>正在上传…</Typography.Text> : null}
        </Col>
      </Row>
      <Footer ctx={ctx} busy={busy || up.busy} nextDisabled={!v.photo} onNext={() => next()} />
    </>
  );
}

function PledgeFrame({ html, title, height = 520 }: { html: string; title: string; height?: number }) {
  // sandbox with no permissions: the document cannot run script or navigate.
  return <iframe title={title} srcDoc={html} sandbox="" style={{ width: "100%", height, border: "1px solid #d9d9d9", background: "#fff" }} />;
}

function PledgeSign({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const { post, busy, result } = useStepFetcher();
  const { next, busy: moving } = useNext(ctx);
  const [open, setOpen] = useState(false);
  const [sig, setSig] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const nextUrl = ctx.next ? `${ctx.base}/${ctx.next.id}` : null;
  // The phone signs on its own page; poll until the step is complete, then move on.
  useEffect(() => {
    if (v.signed || !v.signUrl) return;
    const timer = setInterval(async () => {
      const r = await fetch(`${ctx.base}/pledge-status?step=${encodeURIComponent(ctx.step.id)}`, { headers: { Accept: "application/json" } }).catch(() => null);
      const s = r?.ok ? await r.json() : null;
      if (s?.signed) { clearInterval(timer); if (nextUrl) navigate(nextUrl); else revalidator.revalidate(); }
      if (v.expiresAt && Date.now() > Date.parse(v.expiresAt)) setExpired(true);
    }, 1500);
    return () => clearInterval(timer);
  }, [v.signed, v.signUrl, v.expiresAt, nextUrl]); // eslint-disable-line react-hooks/exhaustive-deps
  const until = v.expiresAt ? new Date(v.expiresAt).toLocaleTimeString("zh-CN", { hour12: false, hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai" }) : "";
  return (
    <>
      <ResultAlert result={open ? null : result} />
      {v.signed ? <Alert type="success" showIcon title={`保证书已签署（${v.signed.via === "phone" ? "手机扫码" : "本机"}签署，${when(v.signed.signedAt)}）`} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={24}>
        <Col xs={24} md={15}><PledgeFrame html={v.pledgeHtml} title="专业技术资格申报材料真实性保证书" /></Col>
        <Col xs={24} md={9}>
          {v.signed ? null : (
            <Space direction="vertical" align="center" style={{ width: "100%" }}>
              <Typography.Text strong>请用手机扫描二维码签署</Typography.Text>
              {expired ? (
                <Alert type="warning" showIcon title="二维码已过期" action={<Button size="small" onClick={() => { setExpired(false); revalidator.revalidate(); }}>刷新二维码</Button>} />
              ) : <img src={v.qr} alt="签署保证书的二维码：用手机扫描后在手机上签名" width={220} height={220} data-sign-url={v.signUrl} />}
              <Typography.Text type="secondary">二维码 {until} 前有效，仅可使用一次。手机签署后本页面将自动进入下一步。</Typography.Text>
              {v.allowDesktop ? <Button onClick={() => setOpen(true)}>在本机签署</Button> : null}
            </Space>
          )}
        </Col>
      </Row>
      <Modal title="在本机签署保证书" open={open} onCancel={() => setOpen(false)} okText="确认签署" cancelText="取消" okButtonProps={{ disabled: !sig, loading: busy }}
        onOk={() => post({ intent: "sign", signature: sig, version: ctx.app.version, goto: ctx.next?.id })} destroyOnHidden>
        {result && !result.ok ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 12 }} /> : null}
        <Typography.Paragraph>本人已阅读《专业技术资格申报材料真实性保证书》，同意其全部内容。请在下方手写签名：</Typography.Paragraph>
        <SignaturePad onChange={setSig} />
      </Modal>
      <Footer ctx={ctx} busy={moving} nextDisabled={!v.signed} onNext={() => next()} />
    </>
  );
}

function PledgePreview({ ctx }: { ctx: Ctx }) {
  const { next, busy } = useNext(ctx);
  return (
    <>
      <PledgeFrame html={ctx.view.html} title="保证书预览" height={640} />
      <Footer ctx={ctx} busy={busy} onNext={() => next()} />
    </>
  );
}

function FormStep({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const result = useActionData<ActionResult>();
  const [data, setData] = useState<Record<string, unknown>>(v.formData ?? {});
  const error = result && !result.ok ? result : null;
  const post = (body: Record<string, unknown>) => submit(JSON.stringify({ version: ctx.app.version, data, ...body }), { method: "post", encType: "application/json" });
  return (
    <>
      {v.prefilled ? <Alert type="info" showIcon title="已根据您的个人基本信息和申报计划预填，请核对并补充" style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ marginBottom: 16 }} /> : null}
      <SchemaForm schema={v.form.schema} uiSchema={v.form.uiSchema} formData={data} onChange={setData} serverErrors={error?.fieldErrors}
        formContext={{ formId: v.form.id }} submitText="下一步" submitting={busy}
        onSubmit={(d) => submit(JSON.stringify({ intent: "next", version: ctx.app.version, data: d }), { method: "post", encType: "application/json" })}>
        <Space style={{ marginTop: 8 }}>
          {/* 【上一步】 keeps what was typed (saved as a draft of this step): it may be incomplete, not invalid. */}
          {ctx.prev ? <Button disabled={busy} onClick={() => post({ intent: "save", goto: ctx.prev!.id })}>上一步</Button> : null}
          <Button type="primary" htmlType="submit" loading={busy}>下一步</Button>
        </Space>
      </SchemaForm>
    </>
  );
}

function DepartmentSelect({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const { next, busy } = useNext(ctx);
  const change = useStepFetcher();
  const result = useActionData<ActionResult>();
  const [picked, setPicked] = useState<number | null>(v.current);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<number | null>(v.current);
  useEffect(() => { setPicked(v.current); }, [v.current]);
  useEffect(() => { if (change.result?.ok) setOpen(false); }, [change.result]);
  const name = (id: number | null) => v.options.find((o: any) => o.id === id)?.label;
  const radios = (value: number | null, onChange: (id: number) => void) => (
    <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} aria-label={v.label}>
      <Space direction="vertical">{v.options.map((o: any) => <Radio key={o.id} value={o.id}>{o.label}</Radio>)}</Space>
    </Radio.Group>
  );
  return (
    <>
      <ResultAlert result={result && !result.ok ? result : change.result} />
      {v.options.length === 0 ? <Empty description={`本计划未设置${v.label}，请联系管理员`} /> : v.mode === "change" ? (
        <Descriptions bordered column={1} styles={{ label: { width: 160 } }}>
          <Descriptions.Item label={v.label}>
            <Space wrap>
              <span data-testid="current-department">{name(v.current) ?? "尚未选择"}</span>
              <Button onClick={() => { setDraft(v.current); setOpen(true); }}>变更受理部门</Button>
            </Space>
          </Descriptions.Item>
        </Descriptions>
      ) : (
        <section aria-label={v.label}>
          <Typography.Paragraph>请选择{v.label}：</Typography.Paragraph>
          {radios(picked, setPicked)}
        </section>
      )}
      <Modal title={`选择${v.label}`} open={open} onCancel={() => setOpen(false)} okText="确定" cancelText="取消" okButtonProps={{ disabled: !draft, loading: change.busy }}
        onOk={() => change.post({ intent: "change", id: draft, version: ctx.app.version })}>
        {change.result && !change.result.ok ? <Alert type="error" showIcon title={change.result.error} style={{ marginBottom: 12 }} /> : null}
        {radios(draft, setDraft)}
      </Modal>
      <Footer ctx={ctx} busy={busy} nextDisabled={!(v.mode === "change" ? v.current : picked)} onNext={() => next({ id: v.mode === "change" ? v.current : picked })} />
    </>
  );
}

const STATUS_COLOR: Record<string, string> = { approved: "success", pending: "processing", returned: "error" };
const STATUS_TEXT: Record<string, string> = { approved: "审核通过", pending: "待审核", returned: "退回" };

function CategoryBlock({ c, ctx, post, busy }: { c: any; ctx: Ctx; post: (b: Record<string, unknown>) => void; busy: boolean }) {
  const [selected, setSelected] = useState<number[]>([]);
  useEffect(() => { setSelected([]); }, [ctx.app.version]);
  const rows = [...c.entries, ...c.extracted.filter((s: any) => !c.entries.some((e: any) => e.id === s.entryId)).map((s: any) => ({ id: s.entryId, title: s.title, status: s.status, data: {}, extracted: true, stale: true }))];
  const n = c.extracted.length;
  const limits = [c.min ? `至少 ${c.min} 条` : null, c.max ? `最多 ${c.max} 条` : null].filter(Boolean).join("，");
  return (
    <section aria-label={c.title} style={{ marginBottom: 24 }}>
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <Space>
          <Typography.Title level={5} style={{ margin: 0 }}>{c.title}</Typography.Title>
          <Tag color={n ? "blue" : "default"}>已提取 {n} 条</Tag>
          {limits ? <Typography.Text type="secondary">（{limits}）</Typography.Text> : null}
        </Space>
        <Space>
          <Button type="primary" disabled={!selected.length || busy} onClick={() => post({ intent: "extract", ids: selected, version: ctx.app.version })}>提取</Button>
          <Button disabled={!selected.length || busy} onClick={() => post({ intent: "ignore", ids: selected, version: ctx.app.version })}>忽略</Button>
        </Space>
      </Space>
      <Table size="small" rowKey="id" pagination={rows.length > 10 ? { pageSize: 10, showTotal: (t) => `共 ${t} 条` } : false} dataSource={rows}
        locale={{ emptyText: <span>档案库中没有可提取的{c.title}。<Link to={`/archive/${c.slug}`}>去业绩档案库添加</Link></span> }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }}
        columns={[
          { title: "名称", dataIndex: "title", render: (t: string, r: any) => t || `（第 ${r.id} 条）` },
          ...c.columns.filter((col: any) => col.field !== undefined).slice(0, 3).map((col: any) => ({ title: col.title, key: col.field, render: (_: unknown, r: any) => cellText(r.data?.[col.field], col.schema, col.ui) })),
          { title: "审核状态", dataIndex: "status", width: 100, render: (s: string) => <Tag color={STATUS_COLOR[s]}>{STATUS_TEXT[s] ?? s}</Tag> },
          { title: "申报状态", key: "x", width: 110, render: (_: unknown, r: any) => r.extracted ? <Tag color="blue">{r.stale ? "已提取（档案已变更）" : "已提取"}</Tag> : <Typography.Text type="secondary">未提取</Typography.Text> },
        ]} />
    </section>
  );
}

function Achievements({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const { post, busy, result } = useStepFetcher();
  const { next, busy: moving } = useNext(ctx);
  const navResult = useActionData<ActionResult>();
  const total = v.categories.reduce((n: number, c: any) => n + c.extracted.length, 0);
  // Categories with nothing to extract are listed in one line instead of as empty tables.
  const shown = v.categories.filter((c: any) => c.entries.length || c.extracted.length || c.min > 0);
  const empty = v.categories.filter((c: any) => !shown.includes(c));
  return (
    <>
      <ResultAlert result={result ?? (navResult && !navResult.ok && !v.problems.length ? navResult : null)} />
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`可提取${v.statuses.join("、")}的业绩；勾选后点击【提取】加入申报，点击【忽略】从申报中去除。已提取 ${total} 条。`}
        description={<span>档案库中缺少的业绩可先到 <Link to="/archive">我的业绩档案库</Link> 添加，再回到本页提取（申报进度已自动保存）。</span>} />
      {v.problems.length ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="还需调整：" description={<ul style={{ margin: 0 }}>{v.problems.map((p: string) => <li key={p}>{p}</li>)}</ul>} /> : null}
      {shown.map((c: any) => <CategoryBlock key={c.slug} c={c} ctx={ctx} post={post} busy={busy} />)}
      {empty.length ? (
        <Typography.Paragraph type="secondary">
          以下类别在档案库中暂无可提取的业绩：{empty.map((c: any, i: number) => <span key={c.slug}>{i ? "、" : ""}<Link to={`/archive/${c.slug}`}>{c.title}</Link></span>)}
        </Typography.Paragraph>
      ) : null}
      <Footer ctx={ctx} busy={moving || busy} onNext={() => next()} />
    </>
  );
}

function Attachments({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const up = useUpload(ctx);
  const rm = useStepFetcher();
  const { next, busy } = useNext(ctx);
  const navResult = useActionData<ActionResult>();
  const missing = v.slots.filter((s: any) => s.required && !s.files.length).length;
  return (
    <>
      <ResultAlert result={up.result ?? rm.result ?? (navResult && !navResult.ok ? navResult : null)} />
      {v.slots.length === 0 ? <Empty description="本计划没有附件要求，可直接进入下一步" /> : (
        <List bordered dataSource={v.slots} renderItem={(s: any) => (
          <List.Item>
            <div style={{ width: "100%" }}>
              <Space wrap style={{ width: "100%", justifyContent: "space-between" }}>
                <Space wrap>
                  <Typography.Text strong>{s.name}</Typography.Text>
                  {s.required ? <Tag color="red">必传</Tag> : <Tag>选传</Tag>}
                  <Typography.Text type="secondary">{s.acceptText}，单个不超过 {s.maxSize}，最多 {s.maxCount} 个</Typography.Text>
                </Space>
                <FileButton accept={s.accept.join(",")} label={`上传${s.name}`} disabled={up.busy || s.files.length >= s.maxCount} onFile={(f) => up.upload(f, { slot: String(s.index) })} />
              </Space>
              {s.files.length ? (
                <ul style={{ margin: "8px 0 0", paddingLeft: 20 }}>
                  {s.files.map((f: any) => (
                    <li key={f.key}>
                      <a href={`/files/${f.key}`} target="_blank" rel="noreferrer">{f.name}</a>
                      <Button type="link" size="small" disabled={rm.busy} onClick={() => rm.post({ intent: "remove", slot: s.index, key: f.key, version: ctx.app.version })}>移除</Button>
                    </li>
                  ))}
                </ul>
              ) : <Typography.Text type="secondary">尚未上传</Typography.Text>}
            </div>
          </List.Item>
        )} />
      )}
      {missing ? <Typography.Paragraph type="warning" style={{ marginTop: 12 }}>还有 {missing} 项必传附件未上传</Typography.Paragraph> : null}
      <Footer ctx={ctx} busy={busy || up.busy} nextDisabled={missing > 0} onNext={() => next()} />
    </>
  );
}

export function SummaryParts({ parts }: { parts: any[] }) {
  return (
    <div className="summary-parts" style={{ display: "flex", flexDirection: "column", gap: 8 }}>
      {parts.map((p, i) => {
        if (p.type === "text") return <Descriptions key={i} bordered size="small" column={1} styles={{ label: { width: 180 } }} items={p.items.map((x: any, j: number) => ({ key: j, label: x.label, children: x.value }))} />;
        if (p.type === "record") return <RecordView key={i} schema={p.schema} uiSchema={p.uiSchema} data={p.data} files={p.files} labels={p.labels} />;
        if (p.type === "image") return <img key={i} src={p.url} alt={p.alt} width={118} height={165} style={{ objectFit: "cover", border: "1px solid #d9d9d9" }} />;
        if (p.type === "html") return <PledgeFrame key={i} html={p.html} title={p.title} height={420} />;
        if (p.type === "achievements") return p.groups.length ? (
          <Descriptions key={i} bordered size="small" column={1} styles={{ label: { width: 180 } }}
            items={p.groups.map((g: any) => ({ key: g.title, label: `${g.title}（${g.items.length}）`, children: (
              <ol style={{ margin: 0, paddingLeft: 18 }}>
                {g.items.map((it: any, j: number) => (
                  <li key={j}>
                    {/* The snapshot as extracted, in its own form version; native details keep it keyboard-operable. */}
                    <details>
                      <summary style={{ cursor: "pointer" }}>{it.title}<Typography.Text type="secondary">（{it.status}）</Typography.Text></summary>
                      {it.record ? <div style={{ margin: "8px 0" }}><RecordView schema={it.record.schema} uiSchema={it.record.uiSchema} data={it.record.data} files={it.record.files} labels={it.record.labels} /></div> : null}
                    </details>
                  </li>
                ))}
              </ol>
            ) }))} />
        ) : <Typography.Text key={i} type="secondary">未提取业绩</Typography.Text>;
        if (p.type === "files") return p.slots.length ? (
          <Descriptions key={i} bordered size="small" column={1} styles={{ label: { width: 180 } }}
            items={p.slots.map((s: any) => ({ key: s.name, label: s.name, children: s.files.length ? s.files.map((f: any) => <div key={f.key}><a href={`/files/${f.key}`} target="_blank" rel="noreferrer">{f.name}</a></div>) : "未上传" }))} />
        ) : <Typography.Text key={i} type="secondary">无附件要求</Typography.Text>;
        return null;
      })}
    </div>
  );
}

function ConfirmSubmit({ ctx }: { ctx: Ctx }) {
  const v = ctx.view;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const result = useActionData<ActionResult>();
  const [agree, setAgree] = useState(!v.declaration);
  const incomplete = v.sections.filter((s: any) => !s.complete);
  return (
    <>
      {result && !result.ok ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} /> : null}
      <Alert type="info" showIcon title="请检查申报信息是否有误。提交后将进入审核，除被退回修改外不能再更改。" style={{ marginBottom: 16 }} />
      {v.sections.map((s: any) => (
        <section key={s.id} aria-label={s.title} style={{ marginBottom: 20 }}>
          <Space style={{ marginBottom: 8 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>{s.title}</Typography.Title>
            {s.complete ? <Tag color="success">已完成</Tag> : <Tag color="error">未完成</Tag>}
            <Link to={`${ctx.base}/${s.id}`} aria-label={`修改${s.title}`}>修改</Link>
          </Space>
          <SummaryParts parts={s.parts} />
        </section>
      ))}
      {v.declaration ? <div><Checkbox checked={agree} onChange={(e) => setAgree(e.target.checked)}>{v.declaration}</Checkbox></div> : null}
      <Footer ctx={ctx} busy={busy} nextText="提交" nextDisabled={!agree || incomplete.length > 0}
        onNext={() => submit(JSON.stringify({ intent: "submit", version: ctx.app.version }), { method: "post", encType: "application/json" })} />
    </>
  );
}

const BODIES: Record<string, (p: { ctx: Ctx }) => JSX.Element> = {
  "plan-notice": PlanNotice, photo: Photo, "pledge-sign": PledgeSign, "pledge-preview": PledgePreview, form: FormStep,
  "department-select": DepartmentSelect, achievements: Achievements, attachments: Attachments, "confirm-submit": ConfirmSubmit,
};

export function WizardPage(props: WizardProps) {
  const navigate = useNavigate();
  const index = props.steps.findIndex((s) => s.id === props.step.id);
  const ctx: Ctx = useMemo(() => ({ ...props, prev: props.steps[index - 1] ?? null, next: props.steps[index + 1] ?? null, base: `/apply/${props.app.id}` }), [props, index]);
  const Body = BODIES[props.step.kind];
  return (
    <div className="wizard">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>{props.workflow.name}</Typography.Title>
          <Typography.Text type="secondary">{props.plan.name}</Typography.Text>
        </div>
        <Link to="/records">我的申报记录</Link>
      </Space>
      <nav aria-label="申报步骤" style={{ margin: "20px 0" }}>
        <Steps size="small" current={index} onChange={(i) => { const s = props.steps[i]; if (s.open) navigate(`/apply/${props.app.id}/${s.id}`); }}
          items={props.steps.map((s, i) => ({ title: s.title, disabled: !s.open, status: i === index ? "process" : s.complete ? "finish" : "wait" }))} />
      </nav>
      {props.returned ? <Alert type="warning" showIcon role="status" style={{ marginBottom: 16 }} title={`申报已被「${props.returned.by}」退回修改，请修改标亮可点击的步骤后在“${props.steps[props.steps.length - 1].title}”重新提交`} description={props.returned.reason ? `退回原因：${props.returned.reason}` : undefined} /> : null}
      {props.blocked ? <Alert type="warning" showIcon role="alert" title={`请先完成前面的步骤，才能进入「${props.blocked}」`} style={{ marginBottom: 16 }} /> : null}
      <Typography.Title level={4}>{props.step.title}</Typography.Title>
      {props.step.hint ? <Typography.Paragraph type="secondary">{props.step.hint}</Typography.Paragraph> : null}
      {/* The version keys the body: after any change the step re-reads its view from scratch. */}
      <Body key={`${props.step.id}:${props.app.version}`} ctx={ctx} />
    </div>
  );
}
