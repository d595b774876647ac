// Submits an application through the engine in the test process (no HTTP): the same step
// handlers, validation and submission as the wizard, driven by each step's kind, for tests that
// need many submitted applications quickly (the batch export makes 50).
import type { Db } from "../../app/utils/db.server";
import { loadOwn, postStep, startApplication, stepView, submitApplication, uploadToStep } from "../../app/engine/workflow/applications.server";
import { FILES } from "./files";
import { formData, photoJpeg, signaturePng } from "./wizard";

const extra = { request: new Request("http://127.0.0.1/"), ip: "127.0.0.1" };

function multipart(bytes: Uint8Array, name: string, type: string) {
  const body = new FormData();
  body.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  return new Request("http://127.0.0.1/upload", { method: "POST", body });
}

/** Walks every step of a new application for `userId` on `planId` and submits it; returns its id and number.
 * `formOverrides` replaces fields of the application info form (e.g. a hostile string). */
export async function submitInProcess(db: Db, userId: number, planId: number, opts: { formOverrides?: Record<string, unknown>; extractAll?: boolean } = {}) {
  const { id } = await startApplication(db, userId, planId);
  for (let guard = 0; guard < 30; guard++) {
    const l = await loadOwn(db, userId, id);
    const step = l.workflow.steps.find((s) => !l.app.steps[s.id]?.completedAt)!;
    const v = String(l.app.version);
    switch (step.kind) {
      case "plan-notice":
      case "pledge-preview":
        await postStep(db, l, step.id, "next", { version: v, acknowledged: true }, extra);
        break;
      case "photo": {
        await uploadToStep(db, l, step.id, new URLSearchParams({ version: v }), multipart(await photoJpeg(), "证件照.jpg", "image/jpeg"));
        await postStep(db, await loadOwn(db, userId, id), step.id, "next", { version: String(l.app.version + 1) }, extra);
        break;
      }
      case "pledge-sign":
        await postStep(db, l, step.id, "sign", { version: v, signature: await signaturePng() }, extra);
        break;
      case "form": {
        const { view } = (await stepView(db, l, step.id)) as any;
        const specialty = view.form.schema.properties.specialty?.enum?.[0] ?? "土木工程";
        await postStep(db, l, step.id, "next", { version: v, data: { ...formData(view.form.id, specialty), ...(opts.formOverrides ?? {}) } }, extra);
        break;
      }
      case "department-select": {
        const { view } = (await stepView(db, l, step.id)) as any;
        await postStep(db, l, step.id, "next", { version: v, id: view.current ?? view.options[0].id }, extra);
        break;
      }
      case "achievements": {
        const { view } = (await stepView(db, l, step.id)) as any;
        const ids: number[] = [];
        for (const cat of view.categories) {
          const all = cat.entries.filter((e: any) => !e.extracted).map((e: any) => e.id);
          ids.push(...(opts.extractAll ? all : all.slice(0, Math.max(cat.min, 1))));
        }
        let version = l.app.version;
        if (ids.length) {
          await postStep(db, l, step.id, "extract", { version: String(version), ids }, extra);
          version++;
        }
        await postStep(db, await loadOwn(db, userId, id), step.id, "next", { version: String(version) }, extra);
        break;
      }
      case "attachments": {
        let cur = l;
        for (const [i, r] of l.plan.attachmentRequirements.entries()) {
          if (!r.required) continue;
          await uploadToStep(db, cur, step.id, new URLSearchParams({ version: String(cur.app.version), slot: String(i) }), multipart(FILES.pdf, `${r.name}.pdf`, "application/pdf"));
          cur = await loadOwn(db, userId, id);
        }
        await postStep(db, cur, step.id, "next", { version: String(cur.app.version) }, extra);
        break;
      }
      case "confirm-submit": {
        const r = await submitApplication(db, userId, id, l.app.version);
        return { id, number: r.number };
      }
    }
  }
  throw new Error("application did not reach submission");
}
