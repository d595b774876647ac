// Mounts the engine's SchemaForm on a page of the running app, for browser tests of widgets
// that need no route of their own. Configured by window.__harness; exposes the form data.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import { SchemaForm } from "../../../app/components/schema-form";

interface HarnessConfig {
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  formData?: Record<string, unknown>;
  formContext?: Record<string, unknown>;
  readonly?: boolean;
}
type W = Window & { __harness: HarnessConfig; __formData?: Record<string, unknown>; __submitted?: Record<string, unknown> };
const w = window as unknown as W;
const cfg = w.__harness;

function Harness() {
  const [data, setData] = useState<Record<string, unknown>>(cfg.formData ?? {});
  w.__formData = data;
  return (
    <SchemaForm
      schema={cfg.schema}
      uiSchema={cfg.uiSchema}
      formData={data}
      formContext={cfg.formContext}
      readonly={cfg.readonly}
      submitText="保存"
      onChange={(d) => {
        w.__formData = d;
        setData(d);
      }}
      onSubmit={(d) => {
        w.__submitted = d;
      }}
    />
  );
}

const el = document.createElement("div");
el.id = "harness";
el.style.padding = "16px";
document.body.prepend(el);
createRoot(el).render(
  <ConfigProvider locale={zhCN}>
    <Harness />
  </ConfigProvider>,
);
