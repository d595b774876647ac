// The test fixture step kind's body (see app/engine/workflow/steps/fixture-checklist/): the lines
// to tick; 【下一步】 once enough are ticked.
import { useActionData } from "@remix-run/react";
import { Checkbox, Space, Typography } from "antd";
import { useState } from "react";
import { Footer, ResultAlert, useNext, type ActionResult, type WizardCtx } from "../kit";

export default function FixtureChecklist({ ctx }: { ctx: WizardCtx<"fixture-checklist"> }) {
  const v = ctx.view;
  const [checked, setChecked] = useState<number[]>(v.items.filter((i) => i.checked).map((i) => i.index));
  const { next, busy } = useNext(ctx);
  const result = useActionData<ActionResult>();
  return (
    <>
      <ResultAlert result={result && !result.ok ? result : null} />
      <Typography.Paragraph>请至少勾选 {v.minChecked} 项：</Typography.Paragraph>
      <Checkbox.Group value={checked} onChange={(list) => setChecked(list.map(Number))}>
        <Space direction="vertical">{v.items.map((i) => <Checkbox key={i.index} value={i.index}>{i.label}</Checkbox>)}</Space>
      </Checkbox.Group>
      <Footer ctx={ctx} busy={busy} nextDisabled={checked.length < v.minChecked} onNext={() => next({ checked })} />
    </>
  );
}
