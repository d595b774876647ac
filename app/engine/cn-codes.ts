// Checksums of Chinese identifiers. Pure functions, shared by the validator (browser and
// server) and the seeders that generate demo data.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";
const PROVINCES = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
  "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
  "71", "81", "82",
]);

/** GB 11643 check character for the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** Birth date encoded in an 18-digit ID number, or null when it is not a real past date. */
export function idCardBirthDate(id: string): string | null {
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (date.getTime() > Date.now()) return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export function isValidIdCard(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  if (!PROVINCES.has(value.slice(0, 2))) return false;
  if (!idCardBirthDate(value)) return false;
  return idCardCheckChar(value.slice(0, 17)) === value[17];
}

// GB 32100: 31 characters (no I, O, Z, S, V).
const CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CC_CHARS.indexOf(first17[i]);
    if (v < 0) return "";
    sum += v * CC_WEIGHTS[i];
  }
  const c = (31 - (sum % 31)) % 31;
  return CC_CHARS[c];
}

export function isValidCreditCode(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return false;
  return creditCodeCheckChar(value.slice(0, 17)) === value[17];
}

// GB 11714 organisation code (positions 9–17 of a credit code): 8 characters + check.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8[i];
    const v = /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += v * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

export function isValidMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

export function isValidYearMonth(value: string): boolean {
  return /^(19|20)\d{2}-(0[1-9]|1[0-2])$/.test(value);
}
