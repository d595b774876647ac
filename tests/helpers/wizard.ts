// Drives the application wizard over HTTP the way the browser does (loader data with ?_data,
// actions as JSON, uploads as multipart, the pledge signed on the phone page by another client
// without a session). One walker for every workflow: it reads each step's kind and view.
// No vitest here (bench/wizard.ts runs it under tsx): a failed check throws a WizardCheckError.
import sharp from "sharp";
import { Client } from "./http";
import { FILES } from "./files";
import { idNumber } from "./fixtures";

export const STEP_ROUTE = "routes/apply.$id.$step";
export const SIGN_ROUTE = "routes/sign.$token";

/** A response the walker did not foresee (status, redirect or body), with what it got. */
export class WizardCheckError extends Error {
  name = "WizardCheckError";
}

function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new WizardCheckError(message);
}

/**
 * The response's body, read whole (so fetch releases the connection at once, also under load),
 * cut short for a failure message.
 */
async function bodyOf(res: Response) {
  return (await res.text()).slice(0, 500);
}

/** Where a Remix data request was redirected to (204 + X-Remix-Redirect), or null. */
export function redirectOf(res: Response) {
  return res.headers.get("x-remix-redirect");
}

export async function stepView(c: Client, appId: number, step: string) {
  const res = await c.get(`/apply/${appId}/${step}?_data=${encodeURIComponent(STEP_ROUTE)}`);
  if (res.status !== 200) return { status: res.status, redirect: redirectOf(res), data: null as any };
  return { status: 200, redirect: null, data: (await res.json()) as any };
}

export async function stepAction(c: Client, appId: number, step: string, body: Record<string, unknown>) {
  return c.action(`/apply/${appId}/${step}`, STEP_ROUTE, body);
}

export async function currentVersion(c: Client, appId: number, step: string) {
  const v = await stepView(c, appId, step);
  check(v.status === 200, `view of ${step}: ${v.status} ${v.redirect}`);
  return v.data.app.version as number;
}

export async function uploadToStep(c: Client, appId: number, step: string, version: number, bytes: Uint8Array, name: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ intent: "upload", version: String(version), ...extra, _data: STEP_ROUTE });
  return c.upload(`/apply/${appId}/${step}?${q}`, bytes, name);
}

/** 【马上申报】: the id of the application it opens. */
export async function startApply(c: Client, planId: number, departmentId?: number) {
  const res = await c.post("/apply", departmentId ? { planId: String(planId), departmentId: String(departmentId) } : { planId: String(planId) });
  const body = await bodyOf(res);
  check(res.status === 302, `【马上申报】: ${res.status} ${body}`);
  const m = /^\/apply\/(\d+)$/.exec(res.headers.get("location") ?? "");
  check(m, `【马上申报】 redirected to ${res.headers.get("location")}`);
  return Number(m[1]);
}

const photos = new Map<string, Promise<Buffer>>();
let signature: Promise<string> | undefined;

/** A portrait photo with content (a gradient), as a phone camera would send a JPEG (made once per size). */
export function photoJpeg(width = 600, height = 800) {
  const k = `${width}x${height}`;
  let p = photos.get(k);
  if (!p) photos.set(k, (p = makePhoto(width, height)));
  return p;
}

async function makePhoto(width: number, height: number) {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) { raw[i] = (i / 3) % 256; raw[i + 1] = 120; raw[i + 2] = 200; }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg().withMetadata({ exif: { IFD0: { Make: "TestCam", Model: "X1" } } }).toBuffer();
}

/** A drawn signature: a transparent PNG with a stroke, as the pad's toDataURL gives (made once). */
export function signaturePng() {
  return (signature ??= makeSignature());
}

async function makeSignature() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150"><path d="M20 100 C 80 10, 140 140, 200 60 S 320 20, 380 90" stroke="#111" stroke-width="4" fill="none"/></svg>`;
  return `data:image/png;base64,${(await sharp(Buffer.from(svg)).png().toBuffer()).toString("base64")}`;
}

/** Valid data for the application info forms, by form id (specialty comes from the plan). */
export function formData(formId: string, specialty: string, profileName = "王小明"): Record<string, unknown> {
  const base = { name: profileName, idNumber: idNumber() };
  if (formId === "application/title-review") return {
    ...base, titleSeries: "工程", specialty, titleLevel: "副高级", applyMethod: "正常申报", currentTitle: "工程师", currentTitleLevel: "中级",
    currentTitleDate: "2018-12", currentPosition: "项目负责人", appointDate: "2019-01", workYears: 13, highestEducation: "大学本科",
    continuingEducationHours: 360, workSummary: "任现职以来主持完成杭州市三项市政道路工程设计，负责结构计算与施工图审查，获市级优秀设计二等奖。",
  };
  if (formId === "application/graduate-initial") return {
    ...base, graduateSchool: "浙江工业大学", graduateMajor: "土木工程", education: "大学本科", graduationDate: "2022-06", workStartDate: "2022-07",
    workYears: 3, titleSeries: "工程", specialty, initialTitle: "初级助理级", currentPosition: "技术员",
  };
  if (formId === "application/transfer-recognition") return {
    ...base, originalTitle: "工程师", originalLevel: "中级", originalAuthority: "江苏省工程技术中级评审委员会", originalDate: "2019-12",
    certificateNumber: "JS-2019-001234", originalProvince: "江苏省", transferDate: "2024-03", titleSeries: "工程", specialty, recognizedTitle: "中级",
  };
  throw new Error(`no sample data for ${formId}`);
}

export interface WalkOptions {
  /** Steps to stop before (the walker returns when it reaches this step id). */
  stopAt?: string;
  /** Called before each step's first request (its view), e.g. to time the step. */
  before?: (stepId: string) => void;
  /** Called after each step (after its 【下一步】/【提交】 answered), for assertions or timing. */
  after?: (stepId: string, kind: string) => Promise<void> | void;
  /** The phone client's base URL (defaults to the desktop's). */
  base: string;
  /** Data for an info form the walker has no sample of (a form built in a test). */
  formData?: (formId: string) => Record<string, unknown> | undefined;
}

/** Walks every step of an application to submission; returns the record page it lands on. */
export async function walkToSubmit(c: Client, appId: number, o: WalkOptions) {
  let view;
  // /apply/:id resumes: follow it to the first incomplete step.
  const res = await c.get(`/apply/${appId}`);
  const body = await bodyOf(res);
  check(res.status === 302, `resume /apply/${appId}: ${res.status} ${body}`);
  let stepId = (res.headers.get("location") ?? "").split("/").pop()!;
  for (let guard = 0; guard < 30; guard++) {
    if (o.stopAt === stepId) return { stoppedAt: stepId, landed: null as string | null };
    o.before?.(stepId);
    view = await stepView(c, appId, stepId);
    check(view.status === 200, `view of ${stepId}: ${view.status} ${view.redirect}`);
    const d = view.data;
    const kind = d.step.kind as string;
    let version = d.app.version as number;
    let r: Response;
    switch (kind) {
      case "plan-notice":
      case "pledge-preview":
        r = await stepAction(c, appId, stepId, { intent: "next", version, acknowledged: true });
        break;
      case "photo": {
        const up = await uploadToStep(c, appId, stepId, version, await photoJpeg(), "我的证件照.jpg");
        const upBody = await bodyOf(up);
        check(up.status === 200, `${stepId}: photo upload ${up.status} ${upBody}`);
        r = await stepAction(c, appId, stepId, { intent: "next", version: version + 1 });
        break;
      }
      case "pledge-sign": {
        const token = (d.view.signUrl as string).split("/").pop()!;
        const phone = new Client(o.base);
        const page = await phone.get(`/sign/${token}?_data=${encodeURIComponent(SIGN_ROUTE)}`);
        const pageBody = await bodyOf(page);
        check(page.status === 200, `${stepId}: phone page ${page.status} ${pageBody}`);
        const signed = await phone.action(`/sign/${token}`, SIGN_ROUTE, { signature: await signaturePng() });
        const signedBody = await bodyOf(signed);
        check(signed.status === 200, `${stepId}: phone signing ${signed.status} ${signedBody}`);
        version = await currentVersion(c, appId, stepId);
        const status = await c.get(`/apply/${appId}/pledge-status?step=${stepId}`);
        const polled = status.status === 200 ? await status.json() : null;
        check(polled?.signed === true, `${stepId}: pledge-status ${status.status} ${JSON.stringify(polled)}`);
        r = await stepAction(c, appId, stepId, { intent: "next", version });
        break;
      }
      case "form": {
        const specialty = d.view.form.schema.properties.specialty?.enum?.[0] ?? "土木工程";
        r = await stepAction(c, appId, stepId, { intent: "next", version, data: o.formData?.(d.view.form.id) ?? formData(d.view.form.id, specialty) });
        break;
      }
      case "department-select": {
        const id = d.view.current ?? d.view.options[0].id;
        r = await stepAction(c, appId, stepId, { intent: "next", version, id });
        break;
      }
      case "achievements": {
        const ids: number[] = [];
        for (const cat of d.view.categories) {
          const want = Math.max(cat.min, ids.length === 0 ? 1 : 0);
          ids.push(...cat.entries.slice(0, Math.max(want, Math.min(1, cat.entries.length))).map((e: any) => e.id));
        }
        if (ids.length) {
          const ex = await stepAction(c, appId, stepId, { intent: "extract", ids, version });
          const exBody = await bodyOf(ex);
          check(ex.status === 200, `${stepId}: 【提取】 ${ex.status} ${exBody}`);
          version++;
        }
        r = await stepAction(c, appId, stepId, { intent: "next", version });
        break;
      }
      case "attachments": {
        for (const s of d.view.slots.filter((x: any) => x.required)) {
          const up = await uploadToStep(c, appId, stepId, version, FILES.pdf, `${s.name}.pdf`, { slot: String(s.index) });
          const upBody = await bodyOf(up);
          check(up.status === 200, `${stepId}: upload to ${s.name} ${up.status} ${upBody}`);
          version++;
        }
        r = await stepAction(c, appId, stepId, { intent: "next", version });
        break;
      }
      case "confirm-submit": {
        r = await stepAction(c, appId, stepId, { intent: "submit", version });
        const to = redirectOf(r);
        const rBody = await bodyOf(r);
        check(to === `/records/${appId}?notice=submitted`, `${stepId}: 【提交】 ${r.status} ${to ?? rBody}`);
        await o.after?.(stepId, kind);
        return { stoppedAt: null, landed: to };
      }
      default:
        throw new Error(`unknown step kind ${kind}`);
    }
    const to = redirectOf(r);
    const rBody = await bodyOf(r);
    check(to?.startsWith(`/apply/${appId}/`), `${stepId} (${kind}) 【下一步】 → ${r.status} ${to ?? rBody}`);
    await o.after?.(stepId, kind);
    stepId = to!.split("/").pop()!;
  }
  throw new Error("wizard did not finish");
}
