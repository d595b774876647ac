// 导入 for a category with meta.citationImport: upload a citation export file (BibTeX, RIS,
// EndNote) → preview (duplicates unticked, missing fields to fill in) → 【导入】 creates the ticked
// rows as 待审核 entries. The bound scholar id (meta.citationImport.profileLink*) is shown with
// the button that opens the scholar service's page to export from.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Space, Typography, Upload } from "antd";
import { useEffect, useState } from "react";
import { CitationPreview, type ConfirmedRow, type PreviewDraft } from "~/components/citation-preview";
import { createEntries, listEntries, type Category, requireCategory } from "~/engine/archive.server";
import {
  CITATION_FILE_TOO_LARGE, citationImportOf, FORMAT_LABELS, MAX_CITATION_FILE_BYTES,
  prepareImport, previewFields, previewImport,
} from "~/engine/citation-import.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb, type Db } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { discardBody, receiveFile } from "~/utils/multipart.server";
import { IDEMPOTENCY_FIELD, idempotencyKeyOf, newIdempotencyKey, priorResult } from "~/utils/idempotency.server";
import { loadProfile } from "~/engine/people/profile.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.importLabel ?? "导入"} - 我的业绩档案库` }];

async function importableCategory(db: Db, slug: string | undefined) {
  const category = await requireCategory(db, slug);
  const config = citationImportOf(category.form);
  if (!config) throw notFound("该类别不支持导入");
  return { category, config };
}

async function existingData(db: Db, userId: number, category: Category) {
  const { rows } = await listEntries(db, userId, category, { offset: 0, pageSize: 5000 });
  return rows.map((r) => r.data);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const { category, config } = await importableCategory(db, params.slug);
  let profileLink: { label: string; value: string; url: string | null } | null = null;
  if (config.profileLinkField) {
    const profile = await loadProfile(db, user.id);
    const value = profile?.row.data[config.profileLinkField];
    const v = typeof value === "string" ? value : "";
    profileLink = {
      label: config.profileLinkLabel ?? config.profileLinkField,
      value: v,
      url: v && config.profileLinkUrl ? config.profileLinkUrl.replace("{value}", encodeURIComponent(v)) : null,
    };
  }
  const form = category.form;
  return json({
    slug: category.slug,
    title: category.title,
    importLabel: config.importLabel ?? `导入${category.title}`,
    exportLabel: config.exportLabel ?? null,
    formats: (config.formats?.length ? config.formats : ["bibtex", "ris", "endnote"] as const).map((f) => FORMAT_LABELS[f]),
    profileLink,
    form: { schema: form.schema, rules: form.meta.rules ?? [] },
    fields: previewFields(form),
    // Sent with 【导入】: a retried import (lost answer) returns what it imported instead of importing twice.
    idempotencyKey: newIdempotencyKey(),
  }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const { category } = await importableCategory(db, params.slug);
  return handleUserErrors(async () => {
    if (/^multipart\/form-data/i.test(request.headers.get("Content-Type") ?? "")) {
      try {
        const file = await receiveFile(request, { maxFileBytes: MAX_CITATION_FILE_BYTES, tooLarge: CITATION_FILE_TOO_LARGE }, async (f) => {
          const chunks: Uint8Array[] = [];
          let size = 0;
          for await (const c of f.data) {
            size += c.byteLength;
            if (size > MAX_CITATION_FILE_BYTES) throw new UserError(CITATION_FILE_TOO_LARGE, 413);
            chunks.push(c);
          }
          return { filename: f.filename ?? "", bytes: Buffer.concat(chunks) };
        });
        const drafts = await previewImport(file.bytes, file.filename, category.form, await existingData(db, user.id, category), { selfName: user.displayName });
        return json({ ok: true as const, stage: "preview" as const, filename: file.filename, drafts });
      } catch (e) {
        discardBody(request);
        throw e;
      }
    }
    const body = await readBody(request);
    if (body.intent !== "import") throw new UserError("未知操作");
    const key = idempotencyKeyOf(body[IDEMPOTENCY_FIELD]);
    const scope = `archive-import:${category.id}`;
    // A retry of an import that went through (its answer was lost) answers as the first did.
    const done = key ? await priorResult(db, user.id, key, scope) : null;
    if (done) return redirect(`/archive/${category.slug}?notice=imported&count=${done.length}`);
    const { datas, skipped } = prepareImport(category.form, body.rows, await existingData(db, user.id, category));
    if (!datas.length) throw new UserError(`所选的 ${skipped.length} 条记录已在档案库中，没有重复导入`, 409);
    // With the key, of two concurrent identical imports one creates and the other replays it.
    const rows = await createEntries(db, user.id, category, datas, { idempotencyKey: key, scope });
    return redirect(`/archive/${category.slug}?notice=imported&count=${rows.length}`);
  });
}

type Preview = { filename: string; drafts: PreviewDraft[]; at: number };

export default function ImportCitations() {
  const d = useLoaderData<typeof loader>();
  // This page's key, kept across the reloads of its loader data (after the preview, a failed import).
  const [idempotencyKey] = useState(d.idempotencyKey);
  const result = useActionData<typeof action>() as
    | { ok: true; stage: "preview"; filename: string; drafts: PreviewDraft[] }
    | { ok: false; error: string; fieldErrors: Record<string, string[]> }
    | undefined;
  const submit = useSubmit();
  const nav = useNavigation();
  const busy = nav.state !== "idle";
  const uploading = busy && nav.formEncType === "multipart/form-data";
  const [preview, setPreview] = useState<Preview | null>(null);
  const [clientError, setClientError] = useState<string | null>(null);
  useEffect(() => {
    if (result && result.ok && result.stage === "preview") setPreview({ filename: result.filename, drafts: result.drafts, at: Date.now() });
  }, [result]);
  const error = clientError ?? (result && !result.ok ? result.error : null);
  const serverErrors = result && !result.ok ? result.fieldErrors : undefined;

  const upload = (file: File) => {
    setClientError(null);
    if (file.size > MAX_CITATION_FILE_BYTES_CLIENT) {
      setClientError(`文件过大：不能超过 2 MB`);
      return;
    }
    setPreview(null);
    const fd = new FormData();
    fd.append("file", file, file.name);
    submit(fd, { method: "post", encType: "multipart/form-data" });
  };
  const importRows = (rows: ConfirmedRow[]) => {
    setClientError(null);
    submit(JSON.stringify({ intent: "import", rows, idempotencyKey }), { method: "post", encType: "application/json" });
  };

  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{d.importLabel}</Typography.Title>
        <Link to={`/archive/${d.slug}`}><Button>返回{d.title}列表</Button></Link>
      </Space>
      <div style={{ height: 16 }} />
      {d.profileLink ? (
        <Alert
          type="info" showIcon style={{ marginBottom: 16 }}
          title={d.profileLink.value
            ? <>已绑定{d.profileLink.label}：{d.profileLink.url ? <a href={d.profileLink.url} target="_blank" rel="noreferrer noopener">{d.profileLink.value}</a> : d.profileLink.value}</>
            : <>尚未绑定{d.profileLink.label}，可在 <Link to="/profile">个人基本信息</Link> 中填写后绑定</>}
          description={d.profileLink.url && d.exportLabel ? `点击【${d.exportLabel}】，在打开的页面中导出（${d.formats.join("、")} 格式），再在下方上传导出的文件。` : undefined}
          action={d.profileLink.url && d.exportLabel ? <a href={d.profileLink.url} target="_blank" rel="noreferrer noopener"><Button size="small">{d.exportLabel}</Button></a> : undefined}
        />
      ) : null}
      {error ? <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} /> : null}
      <Upload.Dragger
        accept={CITATION_FILE_ACCEPT_CLIENT}
        multiple={false}
        showUploadList={false}
        disabled={uploading}
        beforeUpload={(file) => {
          upload(file);
          return Upload.LIST_IGNORE;
        }}
        style={{ marginBottom: 16 }}
      >
        <p style={{ fontSize: 16, margin: "8px 0" }}>{uploading ? "正在读取文件…" : "点击或将导出文件拖到此处上传"}</p>
        <p style={{ color: "rgba(0,0,0,0.65)", margin: 0 }}>支持 {d.formats.join("、")} 格式（.bib、.ris、.enw、.txt），UTF-8 或 GBK 编码，不超过 2 MB</p>
      </Upload.Dragger>
      {preview ? (
        <>
          <Typography.Paragraph type="secondary">文件：{preview.filename}</Typography.Paragraph>
          <CitationPreview
            key={preview.at}
            fields={d.fields}
            schema={d.form.schema}
            rules={d.form.rules}
            drafts={preview.drafts}
            importLabel={d.importLabel}
            busy={busy && !uploading}
            serverErrors={serverErrors}
            onImport={importRows}
          />
        </>
      ) : null}
    </Card>
  );
}

// Client copies of the server limits (the engine module is server-only).
const MAX_CITATION_FILE_BYTES_CLIENT = 2 * 1024 * 1024;
const CITATION_FILE_ACCEPT_CLIENT = ".bib,.ris,.enw,.txt";
