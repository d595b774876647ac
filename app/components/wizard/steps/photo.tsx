// 证件照: preview, requirements and the upload button.
import { Col, Row, Typography } from "antd";
import { FileButton, Footer, ResultAlert, useNext, useUpload, type WizardCtx } from "../kit";

export default function Photo({ ctx }: { ctx: WizardCtx<"photo"> }) {
  const v = ctx.view;
  const up = useUpload(ctx);
  const { next, busy } = useNext(ctx);
  return (
    <>
      <ResultAlert result={up.result} />
      <Row gutter={24}>
        <Col flex="180px">
          <div style={{ width: 148, height: 207, border: "1px solid #d9d9d9", display: "flex", alignItems: "center", justifyContent: "center", background: "#fafafa" }}>
            {v.photo ? <img src={v.photo.url} alt="证件照预览" width={148} height={207} style={{ objectFit: "cover" }} /> : <span style={{ color: "#595959" }}>尚未上传</span>}
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
