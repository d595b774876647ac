// The read-only summary of a step (检查申报信息, the record page, the staff view), by part type.
import type { SerializeFrom } from "@remix-run/node";
import { Descriptions, Typography } from "antd";
import type { SummaryPart } from "~/engine/workflow/steps/kit.server";
import { RecordView } from "../record-view";
import { PledgeFrame } from "./kit";

export function SummaryParts({ parts }: { parts: SerializeFrom<SummaryPart>[] }) {
  return (
    <div className="summary-parts" style={{ display: "flex", flexDirection: "column", gap: 8 }}>
      {parts.map((p, i) => {
        if (p.type === "text") return <Descriptions key={i} bordered size="small" column={1} styles={{ label: { width: 180 } }} items={p.items.map((x, j) => ({ key: j, label: x.label, children: x.value }))} />;
        if (p.type === "record") return <RecordView key={i} schema={p.schema} uiSchema={p.uiSchema} data={p.data} files={p.files} labels={p.labels} />;
        if (p.type === "image") return <img key={i} src={p.url} alt={p.alt} width={118} height={165} style={{ objectFit: "cover", border: "1px solid #d9d9d9" }} />;
        if (p.type === "html") return <PledgeFrame key={i} html={p.html} title={p.title} height={420} />;
        if (p.type === "achievements") return p.groups.length ? (
          <Descriptions key={i} bordered size="small" column={1} styles={{ label: { width: 180 } }}
            items={p.groups.map((g) => ({ key: g.title, label: `${g.title}（${g.items.length}）`, children: (
              <ol style={{ margin: 0, paddingLeft: 18 }}>
                {g.items.map((it, j) => (
                  <li key={j}>
                    {/* The snapshot as extracted, in its own form version; native details keep it keyboard-operable. */}
                    <details>
                      <summary style={{ cursor: "pointer" }}>{it.title}<Typography.Text type="secondary">（{it.status}）</Typography.Text></summary>
                      {it.record ? <div style={{ margin: "8px 0" }}><RecordView schema={it.record.schema} uiSchema={it.record.uiSchema} data={it.record.data} files={it.record.files} labels={it.record.labels} /></div> : null}
                    </details>
                  </li>
                ))}
              </ol>
            ) }))} />
        ) : <Typography.Text key={i} type="secondary">未提取业绩</Typography.Text>;
        if (p.type === "files") return p.slots.length ? (
          <Descriptions key={i} bordered size="small" column={1} styles={{ label: { width: 180 } }}
            items={p.slots.map((s) => ({ key: s.name, label: s.name, children: s.files.length ? s.files.map((f) => <div key={f.key}><a href={`/files/${f.key}`} target="_blank" rel="noreferrer">{f.name}</a></div>) : "未上传" }))} />
        ) : <Typography.Text key={i} type="secondary">无附件要求</Typography.Text>;
        return null;
      })}
    </div>
  );
}
