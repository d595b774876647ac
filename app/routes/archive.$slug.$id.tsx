// One entry: edit (待审核/退回 — saving resubmits it) or read-only (审核通过), with the
// reviewer's reason and the entry's history.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Space, Timeline, Typography } from "antd";
import { useState } from "react";
import { RecordView } from "~/components/record-view";
import { dictionaryLabelsFor } from "~/engine/dictionaries.server";
import { SchemaForm } from "~/components/schema-form";
import { StatusTag } from "~/components/status-tag";
import { entryForEdit, entryHistory, getOwnEntry, updateEntry, requireCategory } from "~/engine/archive.server";
import { canDo } from "~/engine/entry-status";
import { describeFiles, fileKeysIn } from "~/engine/file-storage.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { intParam } from "~/utils/route-params.server";
import { historyItems } from "~/components/history";
import type { EntryStatus } from "../../db/models";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "业绩"} - 我的业绩档案库` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const category = await requireCategory(db, params.slug);
  const entry = await getOwnEntry(db, user.id, intParam(params.id));
  if (!entry || entry.categoryId !== category.id) throw notFound("业绩不存在");
  const view = await entryForEdit(db, category, entry);
  const [history, files, labels] = await Promise.all([entryHistory(db, entry.id), describeFiles(db, fileKeysIn(view.form.schema, view.data)), dictionaryLabelsFor(db, [{ schema: view.form.schema, data: view.data }])]);
  return json({
    slug: category.slug,
    title: category.title,
    entry: { id: entry.id, version: entry.version, status: entry.status, returnReason: entry.returnReason, formVersion: entry.formVersion, submittedAt: entry.submittedAt },
    editable: canDo("save", entry.status, "owner"),
    form: { id: view.form.id, version: view.form.version, schema: view.form.schema, uiSchema: view.form.uiSchema, rules: view.form.meta.rules ?? [] },
    data: view.data,
    upgraded: view.upgraded,
    dropped: view.dropped,
    flagged: view.flagged,
    history: historyItems(history),
    files,
    labels,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const category = await requireCategory(db, params.slug);
  const id = intParam(params.id);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    await updateEntry(db, user.id, category, id, body.data, body.version);
    return redirect(`/archive/${category.slug}?notice=saved`);
  });
}

export default function EntryPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [data, setData] = useState<Record<string, unknown>>(d.data);
  const error = result && "error" in result ? result : null;
  const serverErrors = error?.fieldErrors ?? (Object.keys(d.flagged).length ? d.flagged : undefined);
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{d.editable ? "编辑" : "查看"}{d.title}</Typography.Title>
        <Link to={`/archive/${d.slug}`}><Button>返回列表</Button></Link>
      </Space>
      <Descriptions size="small" column={{ xs: 1, sm: 3 }} style={{ margin: "16px 0" }}>
        <Descriptions.Item label="状态"><StatusTag status={d.entry.status as EntryStatus} /></Descriptions.Item>
        <Descriptions.Item label="表单版本">第 {d.form.version} 版</Descriptions.Item>
      </Descriptions>
      {d.entry.status === "returned" && d.entry.returnReason ? (
        <Alert type="error" showIcon title="单位审核退回" description={`退回原因：${d.entry.returnReason}。请修改后点击【保存】重新提交审核。`} style={{ marginBottom: 16 }} />
      ) : null}
      {d.entry.status === "approved" ? <Alert type="success" showIcon title="已审核通过，业绩已锁定，不能修改或删除。" style={{ marginBottom: 16 }} /> : null}
      {d.upgraded ? (
        <Alert
          type="warning" showIcon style={{ marginBottom: 16 }}
          title={`该类别的表单已更新到第 ${d.form.version} 版，原有内容已带入，请检查后保存。`}
          description={[
            Object.keys(d.flagged).length ? "标出的字段需要按新版要求修改。" : "",
            d.dropped.length ? `新版已取消以下字段：${d.dropped.join("、")}。` : "",
          ].join("")}
        />
      ) : null}
      {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ marginBottom: 16 }} /> : null}
      {d.editable ? (
      <SchemaForm
        schema={d.form.schema}
        uiSchema={d.form.uiSchema}
        rules={d.form.rules}
        formData={data}
        onChange={setData}
        serverErrors={serverErrors}
        formContext={{ formId: d.form.id, files: d.files }}
        submitText="保存"
        submitting={busy}
        onSubmit={(v) => submit(JSON.stringify({ data: v, version: d.entry.version }), { method: "post", encType: "application/json" })}
      />
      ) : (
        <RecordView schema={d.form.schema} uiSchema={d.form.uiSchema} data={d.data} files={d.files} labels={d.labels} />
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>审核记录</Typography.Title>
      <Timeline items={d.history} />
    </Card>
  );
}
