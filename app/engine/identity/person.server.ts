// What an identity provider verified about a person, read from its answer (a ticket exchange's
// JSON or an ID token's claims) through the install's field mapping, and checked.
import type { PersonFields } from "~/utils/env.server";
import { isValidIdCard, isValidMobile } from "../cn-codes";

export interface VerifiedPerson { name: string; idNumber: string; mobile: string | null }

/** The person in a provider's answer, checked; or why not (Chinese). */
export function personFrom(fields: PersonFields, answer: Record<string, unknown>): VerifiedPerson | { error: string } {
  const text = (k: string) => (typeof answer[k] === "string" ? (answer[k] as string).trim() : typeof answer[k] === "number" ? String(answer[k]) : "");
  const name = text(fields.name);
  const idNumber = text(fields.idNumber).toUpperCase();
  const mobile = text(fields.mobile);
  if (!name || name.length > 64) return { error: "统一身份认证返回的姓名为空或过长" };
  if (!isValidIdCard(idNumber)) return { error: "统一身份认证返回的身份证号无效" };
  return { name, idNumber, mobile: mobile && isValidMobile(mobile) ? mobile : null };
}
