// 办理记录: an application's transitions, oldest first (who, role, when, from → to, opinion).
import { Timeline, Typography } from "antd";
import { when } from "../plan-view";

export interface TimelineEvent { id: number; at: string; actionLabel: string; actor: string; actorRole: string; from: string; to: string; comment: string | null }

export function ApplicationTimeline({ events }: { events: TimelineEvent[] }) {
  return (
    <section aria-label="办理记录" style={{ marginTop: 24 }}>
      <Typography.Title level={4}>办理记录</Typography.Title>
      <Timeline items={events.map((t) => ({
        key: t.id,
        children: (
          <div>
            <div><strong>{t.actionLabel}</strong>{t.from || t.to ? <Typography.Text type="secondary">（{t.from}{t.to ? ` → ${t.to}` : ""}）</Typography.Text> : null}</div>
            <div><Typography.Text type="secondary">{when(t.at)} · {t.actor}{t.actorRole ? `（${t.actorRole}）` : ""}</Typography.Text></div>
            {t.comment ? <div style={{ whiteSpace: "pre-wrap" }}>意见：{t.comment}</div> : null}
          </div>
        ),
      }))} />
    </section>
  );
}
