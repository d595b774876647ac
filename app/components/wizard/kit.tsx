// What a step kind's body (app/components/wizard/steps/<kind>.tsx, listed by the generated
// registry) receives and the pieces the bodies share: 【上一步】/【下一步】, posting a step action or
// an upload, the result alert, the pledge frame. The view type is the one the kind's server
// handler returns (app/engine/workflow/steps/views.ts), as JSON.
import type { SerializeFrom } from "@remix-run/node";
import { useFetcher, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Space } from "antd";
import { useRef } from "react";
import type { StepKind } from "~/engine/definitions/types.generated";
import type { StepViews } from "~/engine/workflow/steps/views";

export interface StepInfo { id: string; kind: string; title: string; complete: boolean; open: boolean }

/** The view of a kind's page, as the browser receives it. */
export type ClientView<K extends StepKind> = SerializeFrom<StepViews[K]>;
/** A step page: its kind with the view of that kind. */
export type ClientPage<K extends StepKind = StepKind> = { [P in K]: { kind: P; view: ClientView<P> } }[K];

/** Everything of the wizard a body needs besides its view. */
export interface WizardFrame {
  app: { id: number; version: number };
  step: { id: string; kind: string; title: string; hint: string | null };
  steps: StepInfo[];
  prev: StepInfo | null;
  next: StepInfo | null;
  /** /apply/:id */
  base: string;
}
export interface WizardCtx<K extends StepKind> extends WizardFrame { view: ClientView<K> }
export type StepBody<K extends StepKind> = (props: { ctx: WizardCtx<K> }) => JSX.Element;
export type StepBodies = { [K in StepKind]: StepBody<K> };

export type ActionResult = { ok: true; message: string } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** Posts a step action (JSON) without leaving the page; the loader data refreshes afterwards. */
export function useStepFetcher() {
  const fetcher = useFetcher<ActionResult>();
  const post = (body: Record<string, unknown>) => fetcher.submit(JSON.stringify(body), { method: "post", encType: "application/json" });
  return { fetcher, post, busy: fetcher.state !== "idle", result: fetcher.state === "idle" ? fetcher.data : undefined };
}

export function ResultAlert({ result }: { result?: ActionResult | null }) {
  if (!result) return null;
  return result.ok
    ? <Alert type="success" showIcon role="status" title={result.message} style={{ marginBottom: 16 }} />
    : <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 16 }} />;
}

/** 【上一步】 / 【下一步】 (or the step's own main button). */
export function Footer({ ctx, onNext, nextText = "下一步", nextDisabled, busy, onBack }: { ctx: WizardFrame; onNext?: () => void; nextText?: string; nextDisabled?: boolean; busy?: boolean; onBack?: () => void }) {
  const navigate = useNavigate();
  return (
    <Space style={{ marginTop: 24 }}>
      {ctx.prev ? <Button onClick={() => (onBack ? onBack() : navigate(`${ctx.base}/${ctx.prev!.id}`))} disabled={busy}>上一步</Button> : null}
      {onNext ? <Button type="primary" onClick={onNext} disabled={nextDisabled || busy} loading={busy}>{nextText}</Button> : null}
    </Space>
  );
}

/** 【下一步】 as a navigation: the action redirects to the next step, or answers with an error. */
export function useNext(ctx: WizardFrame) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  return { busy, next: (extra: Record<string, unknown> = {}) => submit(JSON.stringify({ intent: "next", version: ctx.app.version, ...extra }), { method: "post", encType: "application/json" }) };
}

export function FileButton({ accept, label, onFile, disabled }: { accept: string; label: string; onFile: (f: File) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input ref={input} type="file" accept={accept} hidden aria-label={label} onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) onFile(f); }} />
      <Button onClick={() => input.current?.click()} disabled={disabled}>{label}</Button>
    </>
  );
}

export function useUpload(ctx: WizardFrame) {
  const fetcher = useFetcher<ActionResult>();
  const upload = (file: File, params: Record<string, string> = {}) => {
    const fd = new FormData();
    fd.append("file", file);
    const q = new URLSearchParams({ intent: "upload", version: String(ctx.app.version), ...params });
    fetcher.submit(fd, { method: "post", encType: "multipart/form-data", action: `${ctx.base}/${ctx.step.id}?${q}` });
  };
  return { upload, busy: fetcher.state !== "idle", result: fetcher.state === "idle" ? fetcher.data : undefined };
}

export function PledgeFrame({ html, title, height = 520 }: { html: string; title: string; height?: number }) {
  // sandbox with no permissions: the document cannot run script or navigate.
  return <iframe title={title} srcDoc={html} sandbox="" style={{ width: "100%", height, border: "1px solid #d9d9d9", background: "#fff" }} />;
}
