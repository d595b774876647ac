// 单位注册: a unit signed in at the 法人 login (a unit session, no account) names its 经办人 and
// uploads its signed and stamped 用人单位委托证明 (PDF) → 待审核; it sees its registrations with
// their status (待审核 / 已通过 / 未通过 and the reason) and may submit again after a refusal.
// The logic is app/engine/identity/unit-registration.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Input, Result, Space, Table, Tag, Typography } from "antd";
import { useRef, useState } from "react";
import { dateTimeText } from "~/components/cells";
import { Notice } from "~/components/notice";
import { formatBytes } from "~/engine/file-kinds";
import { MANDATE_SPEC, registrationsOfUnit, submitRegistration, unitCard } from "~/engine/identity/unit-registration.server";
import { unitIdentity, unitSignInOf } from "~/engine/identity/unit-sign-in.server";
import { getDb } from "~/utils/db.server";
import { handleUserErrors, HttpError, notFound } from "~/utils/http.server";
import { discardBody, receiveFile } from "~/utils/multipart.server";

export const meta: MetaFunction = () => [{ title: "单位注册 - 职称申报评审平台" }];

const NOTICES = { submitted: "注册申请已提交，请等待主管部门审核" };
const STATUS_COLORS: Record<string, string> = { pending: "processing", approved: "success", refused: "error" };

export async function loader({ request }: LoaderFunctionArgs) {
  if (!unitIdentity()) throw notFound("未启用法人登录");
  const signIn = await unitSignInOf(request);
  if (!signIn) return json({ signedIn: false as const });
  const db = getDb();
  const [unit, registrations] = await Promise.all([unitCard(db, signIn.unitId), registrationsOfUnit(db, signIn.unitId)]);
  if (!unit) throw notFound("本单位已不在工作单位字典中，请联系系统管理员");
  return json({
    signedIn: true as const, unit, operator: signIn.operator, registrations,
    pending: registrations.some((r) => r.status === "pending"),
    maxSize: formatBytes(MANDATE_SPEC.maxSize),
  }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  if (!unitIdentity()) {
    discardBody(request);
    throw notFound("未启用法人登录");
  }
  return handleUserErrors(async () => {
    try {
      const signIn = await unitSignInOf(request);
      if (!signIn) throw new HttpError("法人登录已过期，请重新通过法人登录后再提交", 403);
      const db = getDb();
      await receiveFile(request, { maxFileBytes: MANDATE_SPEC.maxSize, tooLarge: `用人单位委托证明不能超过 ${formatBytes(MANDATE_SPEC.maxSize)}` },
        (file) => submitRegistration(db, signIn, file.fields, file));
      return redirect("/unit/register?notice=submitted");
    } catch (e) {
      discardBody(request);
      throw e;
    }
  });
}

export default function UnitRegister() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [picked, setPicked] = useState("");
  const fileInput = useRef<HTMLInputElement>(null);
  if (!d.signedIn) {
    return (
      <Result status="info" title="单位注册" subTitle="请先通过法人登录（浙江政务服务网）以单位身份登录，登录后办理单位注册。"
        extra={<Link to="/auth/unit"><Button type="primary">法人登录</Button></Link>} />
    );
  }
  const error = result && "error" in result ? result : null;
  const fieldError = (k: string) => error?.fieldErrors?.[k]?.[0];
  const latest = d.registrations[0];
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>单位注册</Typography.Title>
        <Form method="post" action="/logout"><Button htmlType="submit">退出法人登录</Button></Form>
      </Space>
      <div style={{ marginTop: 16 }}><Notice texts={NOTICES} /></div>
      <Descriptions size="small" bordered column={{ xs: 1, sm: 1, md: 3 }} style={{ margin: "16px 0" }}
        items={[
          { key: "name", label: "单位名称", children: d.unit.name },
          { key: "code", label: "统一社会信用代码", children: d.unit.creditCode },
          { key: "dept", label: "主管部门", children: d.unit.department ?? "—" },
        ]} />
      {latest?.status === "approved" ? (
        <Alert type="success" showIcon style={{ marginBottom: 16 }} title={`本单位注册已通过，经办人：${latest.agentName}`}
          description="经办人通过法人登录即进入单位经办人工作台（业绩审核、申报审核）。如需变更经办人，可重新提交注册申请。" />
      ) : latest?.status === "refused" ? (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title="上次注册申请未通过" description={`原因：${latest.refuseReason ?? "—"}。请按要求修改后重新提交。`} />
      ) : null}
      {d.pending ? (
        <Alert type="info" showIcon role="status" style={{ marginBottom: 16 }} title="本单位的注册申请待审核" description="主管部门审核后，结果将显示在下方的注册记录中。审核期间不能再次提交。" />
      ) : (
        <Card size="small" title="提交注册申请" style={{ marginBottom: 16 }}>
          {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ marginBottom: 16 }} /> : null}
          <Form method="post" encType="multipart/form-data" aria-label="单位注册申请" className="unit-register-form">
            <label htmlFor="agentName">经办人姓名</label>
            <Input id="agentName" name="agentName" defaultValue={d.operator.name} maxLength={64} status={fieldError("agentName") ? "error" : undefined} />
            {fieldError("agentName") ? <Typography.Text type="danger">{fieldError("agentName")}</Typography.Text> : null}
            <label htmlFor="agentIdNumber">经办人身份证号</label>
            <Input id="agentIdNumber" name="agentIdNumber" defaultValue={d.operator.idNumber} maxLength={18} status={fieldError("agentIdNumber") ? "error" : undefined} />
            {fieldError("agentIdNumber") ? <Typography.Text type="danger">{fieldError("agentIdNumber")}</Typography.Text> : null}
            <label htmlFor="agentMobile">经办人手机号码</label>
            <Input id="agentMobile" name="agentMobile" defaultValue={d.operator.mobile ?? ""} maxLength={11} inputMode="numeric" status={fieldError("agentMobile") ? "error" : undefined} />
            {fieldError("agentMobile") ? <Typography.Text type="danger">{fieldError("agentMobile")}</Typography.Text> : null}
            <span id="mandate-label" className="field-label">用人单位委托证明（加盖单位公章并签字，PDF，不超过 {d.maxSize}）</span>
            {/* The browser's own file button speaks the browser's language: a Chinese one stands in for it. */}
            <div className="mandate-pick">
              <input id="mandate" ref={fileInput} type="file" name="file" accept="application/pdf,.pdf" aria-labelledby="mandate-label" tabIndex={-1}
                className="visually-hidden-file" onChange={(e) => setPicked(e.currentTarget.files?.[0]?.name ?? "")} />
              <Button onClick={() => fileInput.current?.click()} aria-describedby="mandate-label">选择 PDF 文件</Button>
              <Typography.Text type={picked ? undefined : "secondary"}>{picked || "未选择文件"}</Typography.Text>
            </div>
            <div style={{ marginTop: 12 }}><Button type="primary" htmlType="submit" loading={busy}>提交注册申请</Button></div>
          </Form>
        </Card>
      )}
      <Typography.Title level={5}>注册记录</Typography.Title>
      <Table
        rowKey="id" size="small" pagination={false} scroll={{ x: "max-content" }} dataSource={d.registrations}
        locale={{ emptyText: "暂无注册记录" }}
        columns={[
          { title: "提交时间", dataIndex: "createdAt", render: (v: string) => dateTimeText(v) },
          { title: "经办人", dataIndex: "agentName" },
          { title: "状态", dataIndex: "statusLabel", render: (v: string, r: (typeof d.registrations)[number]) => <Tag color={STATUS_COLORS[r.status]}>{v}</Tag> },
          { title: "审核时间", dataIndex: "reviewedAt", render: (v: string | null) => (v ? dateTimeText(v) : "—") },
          { title: "未通过原因", dataIndex: "refuseReason", render: (v: string | null) => v ?? "—" },
          { title: "委托证明", key: "file", render: (_: unknown, r: (typeof d.registrations)[number]) => <a href={`/unit/files/${r.id}`} target="_blank" rel="noreferrer">{r.fileName}</a> },
        ]}
      />
    </Card>
  );
}
