// 单位注册审核: one registration — the unit, the 经办人, the 用人单位委托证明 (PDF) and its history;
// 【通过】 or 【不通过】 (reason required), version-checked. Outside the viewer's scope: 404.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Input, Space, Tag, Timeline, Typography } from "antd";
import { useState } from "react";
import { dateTimeText } from "~/components/cells";
import { formatBytes } from "~/engine/file-kinds";
import { decideRegistration, registrationForReviewer, registrationHistory, registrationView, unitCard } from "~/engine/identity/unit-registration.server";
import { requireMay } from "~/engine/people/auth.server";
import { labelOfRole } from "~/engine/people/roles";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, HttpError, notFound, readBody } from "~/utils/http.server";
import { intParam } from "~/utils/route-params.server";

export const meta: MetaFunction = () => [{ title: "审核单位注册 - 职称申报评审平台" }];

const ACTIONS: Record<string, string> = { create: "单位提交注册申请", approve: "审核通过", refuse: "审核不通过" };
const STATUS_COLORS: Record<string, string> = { pending: "processing", approved: "success", refused: "error" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMay(request, "unit-registrations");
  const db = getDb();
  const reg = await registrationForReviewer(db, user, intParam(params.id));
  if (!reg) throw notFound("单位注册不存在或不在您的审核范围内");
  const [unit, history] = await Promise.all([unitCard(db, reg.unitId), registrationHistory(db, reg.id)]);
  return json({ registration: registrationView(reg), unit, history });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "unit-registrations");
  const id = intParam(params.id);
  return handleUserErrors(async () => {
    const body = await readBody(request);
    if (body.decision !== "approve" && body.decision !== "refuse") throw new HttpError("未知操作");
    await decideRegistration(getDb(), user, id, body.decision, body.reason, body.version);
    return redirect(`/review/units?notice=${body.decision === "approve" ? "approved" : "refused"}`);
  });
}

export default function ReviewUnitRegistration() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [reason, setReason] = useState("");
  const error = result && "error" in result ? result : null;
  const r = d.registration;
  const send = (decision: "approve" | "refuse") => submit({ decision, reason, version: String(r.version) }, { method: "post" });
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>审核单位注册：{d.unit?.name}</Typography.Title>
        <Link to="/review/units"><Button>返回单位注册审核</Button></Link>
      </Space>
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }} style={{ margin: "16px 0" }}
        items={[
          { key: "unit", label: "单位名称", children: d.unit?.name ?? "—" },
          { key: "code", label: "统一社会信用代码", children: d.unit?.creditCode ?? "—" },
          { key: "dept", label: "主管部门", children: d.unit?.department ?? "—" },
          { key: "status", label: "状态", children: <Tag color={STATUS_COLORS[r.status]}>{r.statusLabel}</Tag> },
          { key: "agent", label: "经办人", children: r.agentName },
          { key: "agentId", label: "经办人身份证号", children: r.agentIdNumber },
          { key: "mobile", label: "经办人手机号码", children: r.agentMobile },
          { key: "by", label: "提交人（法人登录）", children: r.submittedByName },
          { key: "at", label: "提交时间", children: dateTimeText(r.createdAt) },
          { key: "file", label: "用人单位委托证明", children: <a href={`/review/units/${r.id}/file`} target="_blank" rel="noreferrer">{r.fileName}（{formatBytes(r.fileSize)}）</a> },
          ...(r.refuseReason ? [{ key: "reason", label: "未通过原因", children: r.refuseReason }] : []),
        ]} />
      <Button href={`/review/units/${r.id}/file`} target="_blank" rel="noreferrer">查看用人单位委托证明（PDF）</Button>
      {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ margin: "16px 0" }} /> : null}
      {r.status === "pending" ? (
        <Card size="small" title="审核意见" style={{ marginTop: 16 }}>
          <label htmlFor="reason">不通过原因（不通过时必填）</label>
          <Input.TextArea
            id="reason" rows={3} maxLength={500} showCount value={reason} onChange={(e) => setReason(e.target.value)}
            status={error?.fieldErrors?.reason ? "error" : undefined} style={{ margin: "4px 0 12px" }}
          />
          <Space>
            <Button type="primary" loading={busy} onClick={() => send("approve")}>通过</Button>
            <Button danger loading={busy} onClick={() => send("refuse")}>不通过</Button>
          </Space>
        </Card>
      ) : (
        <Alert type="info" showIcon style={{ marginTop: 16 }} title={`该单位注册${r.statusLabel}，无需审核。`} />
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>审核记录</Typography.Title>
      <Timeline items={d.history.map((h) => ({
        key: `${h.action}-${h.createdAt}`,
        color: h.action === "refuse" ? "red" : h.action === "approve" ? "green" : "blue",
        content: `${dateTimeText(h.createdAt)} ${labelOfRole(h.actorRole) ?? ""}${ACTIONS[h.action] ?? h.action}${h.comment ? `：${h.comment}` : ""}`,
      }))} />
    </Card>
  );
}
