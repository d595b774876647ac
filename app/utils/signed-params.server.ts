// Signed request parameters, as payment gateways and identity services sign theirs:
// HMAC-SHA256 over the parameters sorted by name, `k=v` joined with `&` (sign, sign_type and
// empty values excluded), hex, in `sign` with `sign_type=HMAC-SHA256`.
import crypto from "node:crypto";

const SIGN_TYPE = "HMAC-SHA256";

export function canonical(params: Record<string, string>) {
  return Object.keys(params).filter((k) => k !== "sign" && k !== "sign_type" && params[k] !== "").sort()
    .map((k) => `${k}=${params[k]}`).join("&");
}

export function signParams(secret: string, params: Record<string, string>): Record<string, string> {
  const sign = crypto.createHmac("sha256", secret).update(canonical(params), "utf8").digest("hex");
  return { ...params, sign_type: SIGN_TYPE, sign };
}

export function signatureValid(secret: string, params: Record<string, string>) {
  const given = params.sign ?? "";
  if (params.sign_type !== SIGN_TYPE || !/^[0-9a-f]{64}$/.test(given)) return false;
  const want = crypto.createHmac("sha256", secret).update(canonical(params), "utf8").digest();
  return crypto.timingSafeEqual(want, Buffer.from(given, "hex"));
}

