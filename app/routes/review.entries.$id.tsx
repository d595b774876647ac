// 单位经办人: one entry read-only (in the form version it was saved with), 通过 or 退回.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Input, Space, Timeline, Typography } from "antd";
import { useState } from "react";
import { historyItems } from "~/components/history";
import { RecordView } from "~/components/record-view";
import { dictionaryLabelsFor } from "~/engine/dictionaries.server";
import { StatusTag } from "~/components/status-tag";
import { decide, entryHistory, getEntryForReviewer } from "~/engine/archive.server";
import { canDo } from "~/engine/entry-status";
import { describeFiles, fileKeysIn } from "~/engine/file-storage.server";
import { getForm } from "~/engine/form-registry.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, notFound, readBody } from "~/utils/http.server";
import { UserError } from "~/engine/errors";
import { intParam } from "~/utils/route-params.server";
import { loadReviewerScope } from "~/engine/people/scope.server";
import type { EntryStatus } from "../../db/models";

export const meta: MetaFunction = () => [{ title: "审核业绩 - 职称申报评审平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMay(request, "entries");
  const db = getDb();
  const scope = await loadReviewerScope(db, user);
  const found = await getEntryForReviewer(db, scope, intParam(params.id));
  if (!found) throw notFound("业绩不存在或不在您的审核范围内");
  const { entry } = found;
  const form = await getForm(db, entry.categoryId, entry.formVersion);
  if (!form) throw notFound();
  const [history, files, labels] = await Promise.all([entryHistory(db, entry.id), describeFiles(db, fileKeysIn(form.schema, entry.data)), dictionaryLabelsFor(db, [{ schema: form.schema, data: entry.data }])]);
  return json({
    entry: { id: entry.id, version: entry.version, status: entry.status, returnReason: entry.returnReason, data: entry.data, submittedAt: entry.submittedAt, formVersion: entry.formVersion },
    applicant: found.applicant,
    unit: found.unit,
    category: form.title,
    form: { id: form.id, schema: form.schema, uiSchema: form.uiSchema },
    decidable: canDo("approve", entry.status, "reviewer"),
    history: historyItems(history),
    files,
    labels,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "entries");
  const db = getDb();
  const id = intParam(params.id);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    const decision = body.decision;
    if (decision !== "approve" && decision !== "return") throw new UserError("未知操作");
    const scope = await loadReviewerScope(db, user);
    await decide(db, user, scope, id, decision, typeof body.reason === "string" ? body.reason : null, body.version);
    return redirect(`/review/entries?notice=${decision === "approve" ? "approved" : "returned"}`);
  });
}

export default function ReviewEntry() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [reason, setReason] = useState("");
  const error = result && "error" in result ? result : null;
  const send = (decision: "approve" | "return") => submit({ decision, reason, version: String(d.entry.version) }, { method: "post" });
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>审核业绩：{d.category}</Typography.Title>
        <Link to="/review/entries"><Button>返回待审核列表</Button></Link>
      </Space>
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }} style={{ margin: "16px 0" }}>
        <Descriptions.Item label="申请人">{d.applicant}</Descriptions.Item>
        <Descriptions.Item label="工作单位">{d.unit}</Descriptions.Item>
        <Descriptions.Item label="状态"><StatusTag status={d.entry.status as EntryStatus} /></Descriptions.Item>
        <Descriptions.Item label="表单版本">第 {d.entry.formVersion} 版</Descriptions.Item>
      </Descriptions>
      <RecordView schema={d.form.schema} uiSchema={d.form.uiSchema} data={d.entry.data} files={d.files} labels={d.labels} />
      {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ margin: "16px 0" }} /> : null}
      {d.decidable ? (
        <Card size="small" title="审核意见" style={{ marginTop: 16 }}>
          <label htmlFor="reason">退回原因（退回时必填）</label>
          <Input.TextArea
            id="reason" rows={3} maxLength={500} showCount value={reason} onChange={(e) => setReason(e.target.value)}
            status={error?.fieldErrors?.reason ? "error" : undefined} style={{ margin: "4px 0 12px" }}
          />
          <Space>
            <Button type="primary" loading={busy} onClick={() => send("approve")}>通过</Button>
            <Button danger loading={busy} onClick={() => send("return")}>退回</Button>
          </Space>
        </Card>
      ) : (
        <Alert type="info" showIcon style={{ marginTop: 16 }} title="该业绩当前不是待审核状态，无需审核。" />
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>审核记录</Typography.Title>
      <Timeline items={d.history} />
    </Card>
  );
}
