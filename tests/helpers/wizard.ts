// Drives the application wizard over HTTP the way the browser does (loader data with ?_data,
// actions as JSON, uploads as multipart, the pledge signed on the phone page by another client
// without a session). One walker for every workflow: it reads each step's kind and view.
import sharp from "sharp";
import { expect } from "vitest";
import { Client } from "./http";
import { FILES } from "./files";
import { idNumber } from "./fixtures";

export const STEP_ROUTE = "routes/apply.$id.$step";
export const SIGN_ROUTE = "routes/sign.$token";

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
  expect(v.status, `view of ${step}: ${v.redirect}`).toBe(200);
  return v.data.app.version as number;
}

export async function uploadToStep(c: Client, appId: number, step: string, version: number, bytes: Uint8Array, name: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ intent: "upload", version: String(version), ...extra, _data: STEP_ROUTE });
  return c.upload(`/apply/${appId}/${step}?${q}`, bytes, name);
}

/** 【马上申报】: the id of the application it opens. */
export async function startApply(c: Client, planId: number, departmentId?: number) {
  const res = await c.post("/apply", departmentId ? { planId: String(planId), departmentId: String(departmentId) } : { planId: String(planId) });
  expect(res.status, await res.clone().text()).toBe(302);
  const m = /^\/apply\/(\d+)$/.exec(res.headers.get("location") ?? "");
  expect(m, res.headers.get("location") ?? "").not.toBeNull();
  return Number(m![1]);
}

/** A portrait photo with content (a gradient), as a phone camera would send a JPEG. */
export async function photoJpeg(width = 600, height = 800) {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) { raw[i] = (i / 3) % 256; raw[i + 1] = 120; raw[i + 2] = 200; }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg().withMetadata({ exif: { IFD0: { Make: "TestCam", Model: "X1" } } }).toBuffer();
}

/** A drawn signature: a transparent PNG with a stroke, as the pad's toDataURL gives. */
export async function signaturePng() {
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
  /** Called after each step, for assertions. */
  after?: (stepId: string, kind: string) => Promise<void> | void;
  /** The phone client's base URL (defaults to the desktop's). */
  base: string;
}

/** Walks every step of an application to submission; returns the record page it lands on. */
export async function walkToSubmit(c: Client, appId: number, o: WalkOptions) {
  let view;
  // /apply/:id resumes: follow it to the first incomplete step.
  const res = await c.get(`/apply/${appId}`);
  expect(res.status).toBe(302);
  let stepId = (res.headers.get("location") ?? "").split("/").pop()!;
  for (let guard = 0; guard < 30; guard++) {
    if (o.stopAt === stepId) return { stoppedAt: stepId, landed: null as string | null };
    view = await stepView(c, appId, stepId);
    expect(view.status, `${stepId}: ${view.redirect}`).toBe(200);
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
        expect(up.status, await up.clone().text()).toBe(200);
        r = await stepAction(c, appId, stepId, { intent: "next", version: version + 1 });
        break;
      }
      case "pledge-sign": {
        const token = (d.view.signUrl as string).split("/").pop()!;
        const phone = new Client(o.base);
        const page = await phone.get(`/sign/${token}?_data=${encodeURIComponent(SIGN_ROUTE)}`);
        expect(page.status).toBe(200);
        const signed = await phone.action(`/sign/${token}`, SIGN_ROUTE, { signature: await signaturePng() });
        expect(signed.status, await signed.clone().text()).toBe(200);
        version = await currentVersion(c, appId, stepId);
        const status = await c.get(`/apply/${appId}/pledge-status?step=${stepId}`);
        expect(await status.json()).toMatchObject({ signed: true });
        r = await stepAction(c, appId, stepId, { intent: "next", version });
        break;
      }
      case "form": {
        const specialty = d.view.form.schema.properties.specialty?.enum?.[0] ?? "土木工程";
        r = await stepAction(c, appId, stepId, { intent: "next", version, data: formData(d.view.form.id, specialty) });
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
          expect(ex.status, await ex.clone().text()).toBe(200);
          version++;
        }
        r = await stepAction(c, appId, stepId, { intent: "next", version });
        break;
      }
      case "attachments": {
        for (const s of d.view.slots.filter((x: any) => x.required)) {
          const up = await uploadToStep(c, appId, stepId, version, FILES.pdf, `${s.name}.pdf`, { slot: String(s.index) });
          expect(up.status, await up.clone().text()).toBe(200);
          version++;
        }
        r = await stepAction(c, appId, stepId, { intent: "next", version });
        break;
      }
      case "confirm-submit": {
        r = await stepAction(c, appId, stepId, { intent: "submit", version });
        const to = redirectOf(r);
        expect(to, `${r.status} ${await r.clone().text()}`).toBe(`/records/${appId}?notice=submitted`);
        await o.after?.(stepId, kind);
        return { stoppedAt: null, landed: to };
      }
      default:
        throw new Error(`unknown step kind ${kind}`);
    }
    const to = redirectOf(r);
    expect(to, `${stepId} (${kind}) → ${r.status} ${await r.clone().text()}`).toMatch(new RegExp(`^/apply/${appId}/`));
    await o.after?.(stepId, kind);
    stepId = to!.split("/").pop()!;
  }
  throw new Error("wizard did not finish");
}
