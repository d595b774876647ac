// A saved record shown read-only as label/value pairs, in the form's field order. Used where
// people read rather than edit (approved entries, reviewers), so text is not greyed out.
import { Descriptions } from "antd";
import { cellText } from "./cells";

interface FileInfo { name: string; size: number; mimeType: string }

function orderedFields(schema: Record<string, any>, uiSchema: Record<string, any>): string[] {
  const props = Object.keys(schema.properties ?? {});
  const order: string[] = uiSchema["ui:order"] ?? [];
  const listed = order.filter((k) => k !== "*" && props.includes(k));
  return [...listed, ...props.filter((k) => !listed.includes(k))];
}

/** A value chosen from `oneOf`/`anyOf` options ({const, title}) reads as the option's title. */
function optionTitle(prop: Record<string, any>, v: unknown): unknown {
  const options = (prop.oneOf ?? prop.anyOf) as { const?: unknown; title?: string }[] | undefined;
  const titled = (x: unknown) => options?.find((o) => o && "const" in o && o.const === x)?.title ?? x;
  if (!Array.isArray(options)) return v;
  return Array.isArray(v) ? v.map(titled) : titled(v);
}

export function RecordView({ schema, uiSchema, data, files = {} }: {
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  data: Record<string, unknown>;
  files?: Record<string, FileInfo>;
}) {
  const fields = orderedFields(schema, uiSchema).filter((k) => uiSchema[k]?.["ui:widget"] !== "hidden");
  return (
    <Descriptions bordered size="small" column={1} styles={{ label: { width: 180 } }}>
      {fields.map((k) => {
        const prop = schema.properties[k] ?? {};
        const v = data[k];
        let content: React.ReactNode = cellText(optionTitle(prop, v));
        if (prop["x-file"]) {
          const keys = Array.isArray(v) ? (v as string[]) : [];
          content = keys.length ? (
            <span style={{ display: "flex", flexDirection: "column", gap: 4 }}>
              {keys.map((key) => (
                <a key={key} href={`/files/${key}`} target="_blank" rel="noreferrer">{files[key]?.name ?? key}</a>
              ))}
            </span>
          ) : "未上传";
        }
        return (
          <Descriptions.Item key={k} label={prop.title ?? k}>
            <span style={{ whiteSpace: "pre-wrap" }}>{content}</span>
          </Descriptions.Item>
        );
      })}
    </Descriptions>
  );
}
