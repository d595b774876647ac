// 申报须知: the plan's sections and the box to tick.
import { Checkbox, List, Typography } from "antd";
import { useState } from "react";
import { Footer, useNext, type WizardCtx } from "../kit";

export default function PlanNotice({ ctx }: { ctx: WizardCtx<"plan-notice"> }) {
  const v = ctx.view;
  const [ack, setAck] = useState<boolean>(v.acknowledged);
  const { next, busy } = useNext(ctx);
  return (
    <>
      {v.sections.map((s) => (
        <section key={s.key} aria-label={s.title} style={{ marginBottom: 16 }}>
          {/* The step's own title already names a section called like the step. */}
          {s.title !== ctx.step.title ? <Typography.Title level={4}>{s.title}</Typography.Title> : null}
          {s.html ? <div className="rich-text" dangerouslySetInnerHTML={{ __html: s.html }} /> : null}
          {s.text !== null ? <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{s.text || "（无）"}</Typography.Paragraph> : null}
          {s.attachments ? <List size="small" bordered dataSource={s.attachments} renderItem={(a) => <List.Item>{a.name}{a.required ? "（必传）" : "（选传）"}</List.Item>} /> : null}
          {!s.html && s.text === null && !s.attachments ? <Typography.Text type="secondary">（无）</Typography.Text> : null}
        </section>
      ))}
      {v.acknowledge ? <div><Checkbox checked={ack} onChange={(e) => setAck(e.target.checked)}>{v.acknowledge}</Checkbox></div> : null}
      <Footer ctx={ctx} busy={busy} nextDisabled={!!v.acknowledge && !ack} onNext={() => next({ acknowledged: ack })} />
    </>
  );
}
