// 受理评审委员会 / 受理部门: a list to pick from, or the current one with 【变更受理部门】.
import { useActionData } from "@remix-run/react";
import { Alert, Button, Descriptions, Empty, Modal, Radio, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { Footer, ResultAlert, useNext, useStepFetcher, type ActionResult, type WizardCtx } from "../kit";

export default function DepartmentSelect({ ctx }: { ctx: WizardCtx<"department-select"> }) {
  const v = ctx.view;
  const { next, busy } = useNext(ctx);
  const change = useStepFetcher();
  const result = useActionData<ActionResult>();
  const [picked, setPicked] = useState<number | null>(v.current);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<number | null>(v.current);
  useEffect(() => { setPicked(v.current); }, [v.current]);
  useEffect(() => { if (change.result?.ok) setOpen(false); }, [change.result]);
  const name = (id: number | null) => v.options.find((o) => o.id === id)?.label;
  const radios = (value: number | null, onChange: (id: number) => void) => (
    <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} aria-label={v.label}>
      <Space direction="vertical">{v.options.map((o) => <Radio key={o.id} value={o.id}>{o.label}</Radio>)}</Space>
    </Radio.Group>
  );
  return (
    <>
      <ResultAlert result={result && !result.ok ? result : change.result} />
      {v.hint && v.options.length ? <Alert type={v.hint.type} showIcon title={v.hint.text} data-testid="department-hint" style={{ marginBottom: 16 }} /> : null}
      {v.options.length === 0 ? <Empty description={`本计划未设置${v.label}，请联系管理员`} /> : v.mode === "change" ? (
        <Descriptions bordered column={1} styles={{ label: { width: 160 } }}>
          <Descriptions.Item label={v.label}>
            <Space wrap>
              <span data-testid="current-department">{name(v.current) ?? "尚未选择"}</span>
              <Button onClick={() => { setDraft(v.current); setOpen(true); }}>变更受理部门</Button>
            </Space>
          </Descriptions.Item>
        </Descriptions>
      ) : (
        <section aria-label={v.label}>
          <Typography.Paragraph>请选择{v.label}：</Typography.Paragraph>
          {radios(picked, setPicked)}
        </section>
      )}
      <Modal title={`选择${v.label}`} open={open} onCancel={() => setOpen(false)} okText="确定" cancelText="取消" okButtonProps={{ disabled: !draft, loading: change.busy }}
        onOk={() => change.post({ intent: "change", id: draft, version: ctx.app.version })}>
        {change.result && !change.result.ok ? <Alert type="error" showIcon title={change.result.error} style={{ marginBottom: 12 }} /> : null}
        {radios(draft, setDraft)}
      </Modal>
      <Footer ctx={ctx} busy={busy} nextDisabled={!(v.mode === "change" ? v.current : picked)} onNext={() => next({ id: v.mode === "change" ? v.current : picked })} />
    </>
  );
}
