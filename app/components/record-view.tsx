// A saved record shown read-only as label/value pairs, in the form's field order. Used where
// people read rather than edit (approved entries, reviewers), so text is not greyed out.
import { Descriptions } from "antd";
import { lookupIn, recordFields, type DictionaryLabels } from "~/engine/format-value";
import { SCREEN_EMPTY } from "./cells";

interface FileInfo { name: string; size: number; mimeType: string }

export function RecordView({ schema, uiSchema, data, files = {}, labels }: {
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  data: Record<string, unknown>;
  files?: Record<string, FileInfo>;
  /** Labels of the record's dictionary values (字典选择 fields); without them the stored id shows. */
  labels?: DictionaryLabels;
}) {
  const fields = recordFields(schema, uiSchema, data, { empty: SCREEN_EMPTY, files, lookup: lookupIn(labels) });
  return (
    <Descriptions bordered size="small" column={1} styles={{ label: { width: 180 } }}>
      {fields.map((f) => {
        let content: React.ReactNode = f.value;
        // Evidence files open from here: each by its name, as a link.
        if (f.schema["x-file"]) {
          const v = data[f.name];
          const keys = Array.isArray(v) ? v.filter((k): k is string => typeof k === "string") : [];
          content = keys.length ? (
            <span style={{ display: "flex", flexDirection: "column", gap: 4 }}>
              {keys.map((key) => (
                <a key={key} href={`/files/${key}`} target="_blank" rel="noreferrer">{files[key]?.name ?? key}</a>
              ))}
            </span>
          ) : "未上传";
        }
        return (
          <Descriptions.Item key={f.name} label={f.title}>
            <span style={{ whiteSpace: "pre-wrap" }}>{content}</span>
          </Descriptions.Item>
        );
      })}
    </Descriptions>
  );
}
