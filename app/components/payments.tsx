// 马上支付 on the applicant's record page, and 线下缴费确认 for the staff application page.
// Client-safe: the data comes from paymentPanel / paymentsForStaff (payments.server.ts).
import { useFetcher, useRevalidator, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Input, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { when } from "~/components/plan-view";

export interface PaymentPanelData {
  feeFen: number;
  stageLabel: string;
  due: boolean;
  online: boolean;
  providerLabel: string | null;
  paid: { orderNo: string; amountFen: number; paidAt: string | null; offline: boolean; note: string | null } | null;
  pending: { orderNo: string; amountFen: number; createdAt: string } | null;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
type Result = { ok: false; error: string } | undefined;

/** The fee, 【马上支付】 while the application waits at its payment stage, or the payment made. */
export function PaymentSection({ appId, payment }: { appId: number; payment: PaymentPanelData }) {
  const fetcher = useFetcher<Result>();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  const returned = params.get("notice") === "payment-returned";
  const cancelled = params.get("notice") === "payment-cancelled";
  // Back from the provider before its notification arrived: look again a few times, until the
  // application has left the payment stage. (Not merely until the order reads paid: the loader's
  // reads are not one snapshot, so a notification committed between them gives a paid order next
  // to the application still at 待缴费, and stopping then left the page showing 待缴费.)
  const [tries, setTries] = useState(0);
  useEffect(() => {
    if (!returned || !payment.due || tries >= 10 || revalidator.state !== "idle") return;
    const t = setTimeout(() => { setTries((n) => n + 1); revalidator.revalidate(); }, 1500);
    return () => clearTimeout(t);
  }, [returned, payment.due, tries, revalidator]);
  if (!payment.due && !payment.paid) return null;
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <Card size="small" title={payment.stageLabel} style={{ marginBottom: 24 }} aria-label="缴费">
      {payment.paid ? (
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: "s", label: "缴费状态", children: <Tag color="success">{payment.paid.offline ? "已缴费（线下）" : "已缴费"}</Tag> },
          { key: "a", label: "金额", children: yuan(payment.paid.amountFen) },
          { key: "o", label: "订单号", children: payment.paid.orderNo },
          { key: "t", label: "缴费时间", children: payment.paid.paidAt ? when(payment.paid.paidAt) : "—" },
          ...(payment.paid.note ? [{ key: "n", label: "说明", children: payment.paid.note }] : []),
        ]} />
      ) : (
        <>
          {returned && payment.pending ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title="支付结果确认中：以支付平台的通知为准，确认后本页自动更新" /> : null}
          {cancelled ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="已取消支付，可以再次点击【马上支付】" /> : null}
          {error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={error} /> : null}
          <Space wrap align="center">
            <Typography.Text>应缴费用：<Typography.Text strong>{yuan(payment.feeFen)}</Typography.Text></Typography.Text>
            {payment.online ? (
              <fetcher.Form method="post" action={`/records/${appId}/pay`}>
                <Button type="primary" htmlType="submit" loading={fetcher.state !== "idle"}>马上支付</Button>
              </fetcher.Form>
            ) : <Typography.Text type="secondary">在线支付暂未开通，请联系受理部门办理线下缴费</Typography.Text>}
          </Space>
        </>
      )}
    </Card>
  );
}

/** 线下缴费确认 with a note, for an acceptance office on the staff application page. */
export function OfflinePaymentForm({ appId, feeFen }: { appId: number; feeFen: number }) {
  const fetcher = useFetcher<{ ok: true; orderNo: string } | { ok: false; error: string }>();
  const [note, setNote] = useState("");
  const data = fetcher.data;
  return (
    <fetcher.Form method="post" action={`/staff/applications/${appId}/offline-payment`} aria-label="线下缴费确认">
      <Space orientation="vertical" style={{ width: "100%" }}>
        <Typography.Text>应缴费用：{yuan(feeFen)}。申请人已线下缴费的，填写说明后确认：</Typography.Text>
        <Input.TextArea name="note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="如：票据号、缴费方式、缴费日期" />
        {data && !data.ok ? <Alert type="error" showIcon title={data.error} /> : null}
        {data?.ok ? <Alert type="success" showIcon title={`已确认线下缴费（${data.orderNo}）`} /> : null}
        <Button type="primary" htmlType="submit" disabled={!note.trim()} loading={fetcher.state !== "idle"}>确认线下缴费</Button>
      </Space>
    </fetcher.Form>
  );
}
