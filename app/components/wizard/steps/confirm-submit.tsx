// 检查并提交: every step's summary with 修改 links, the declaration and 【提交】.
import { Link, useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Checkbox, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { SummaryParts } from "../summary-parts";
import { Footer, type ActionResult, type WizardCtx } from "../kit";

export default function ConfirmSubmit({ ctx }: { ctx: WizardCtx<"confirm-submit"> }) {
  const v = ctx.view;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const result = useActionData<ActionResult>();
  const [agree, setAgree] = useState(!v.declaration);
  const incomplete = v.sections.filter((s) => !s.complete);
  return (
    <>
      {result && !result.ok ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} /> : null}
      <Alert type="info" showIcon title="请检查申报信息是否有误。提交后将进入审核，除被退回修改外不能再更改。" style={{ marginBottom: 16 }} />
      {v.sections.map((s) => (
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
