import { useSearchParams } from "@remix-run/react";
import { Alert } from "antd";

/** The one-line result of the last action, from a ?notice= code the server set. */
export function Notice({ texts }: { texts: Record<string, string> }) {
  const [params] = useSearchParams();
  const code = params.get("notice");
  const text = code ? texts[code] : null;
  const count = params.get("count");
  if (!text) return null;
  return <Alert type="success" showIcon role="status" closable title={count ? `${text}（${count} 条）` : text} style={{ marginBottom: 16 }} />;
}
