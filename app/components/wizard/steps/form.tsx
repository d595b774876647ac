// 申报信息: the bound form (RJSF); 【上一步】 saves what was typed as a draft of the step.
import { useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Space } from "antd";
import { useState } from "react";
import { SchemaForm } from "../../schema-form";
import type { ActionResult, WizardCtx } from "../kit";

export default function FormStep({ ctx }: { ctx: WizardCtx<"form"> }) {
  const v = ctx.view;
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const result = useActionData<ActionResult>();
  const [data, setData] = useState<Record<string, unknown>>(v.formData ?? {});
  const error = result && !result.ok ? result : null;
  const post = (body: Record<string, unknown>) => submit(JSON.stringify({ version: ctx.app.version, data, ...body }), { method: "post", encType: "application/json" });
  return (
    <>
      {v.prefilled ? <Alert type="info" showIcon title="已根据您的个人基本信息和申报计划预填，请核对并补充" style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon role="alert" title={error.error} style={{ marginBottom: 16 }} /> : null}
      <SchemaForm schema={v.form.schema} uiSchema={v.form.uiSchema} formData={data} onChange={setData} serverErrors={error?.fieldErrors}
        formContext={{ formId: v.form.id }} submitText="下一步" submitting={busy}
        onSubmit={(d) => submit(JSON.stringify({ intent: "next", version: ctx.app.version, data: d }), { method: "post", encType: "application/json" })}>
        <Space style={{ marginTop: 8 }}>
          {/* 【上一步】 keeps what was typed (saved as a draft of this step): it may be incomplete, not invalid. */}
          {ctx.prev ? <Button disabled={busy} onClick={() => post({ intent: "save", goto: ctx.prev!.id })}>上一步</Button> : null}
          <Button type="primary" htmlType="submit" loading={busy}>下一步</Button>
        </Space>
      </SchemaForm>
    </>
  );
}
