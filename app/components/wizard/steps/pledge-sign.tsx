// 扫码签署保证书: the pledge, the QR code for the phone (polled until signed) and 在本机签署.
import { useNavigate, useRevalidator } from "@remix-run/react";
import { Alert, Button, Col, Modal, Row, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { when } from "../../plan-view";
import { SignaturePad } from "../signature-pad";
import { Footer, PledgeFrame, ResultAlert, useNext, useStepFetcher, type WizardCtx } from "../kit";

export default function PledgeSign({ ctx }: { ctx: WizardCtx<"pledge-sign"> }) {
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
              ) : <img src={v.qr ?? undefined} alt="签署保证书的二维码：用手机扫描后在手机上签名" width={220} height={220} data-sign-url={v.signUrl} />}
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
