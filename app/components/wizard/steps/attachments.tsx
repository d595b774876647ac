// 上传附件: one row per attachment requirement of the plan, with upload and 移除.
import { useActionData } from "@remix-run/react";
import { Button, Empty, List, Space, Tag, Typography } from "antd";
import { FileButton, Footer, ResultAlert, useNext, useStepFetcher, useUpload, type ActionResult, type WizardCtx } from "../kit";

export default function Attachments({ ctx }: { ctx: WizardCtx<"attachments"> }) {
  const v = ctx.view;
  const up = useUpload(ctx);
  const rm = useStepFetcher();
  const { next, busy } = useNext(ctx);
  const navResult = useActionData<ActionResult>();
  const missing = v.slots.filter((s) => s.required && !s.files.length).length;
  return (
    <>
      <ResultAlert result={up.result ?? rm.result ?? (navResult && !navResult.ok ? navResult : null)} />
      {v.slots.length === 0 ? <Empty description="本计划没有附件要求，可直接进入下一步" /> : (
        <List bordered dataSource={v.slots} renderItem={(s) => (
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
                  {s.files.map((f) => (
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
