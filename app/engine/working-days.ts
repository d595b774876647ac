// Working days (工作日) on the PRC calendar, as data: Monday to Friday, minus the 法定节假日 of a
// holiday calendar, plus its 调休上班日 (weekend days worked instead). Dates are calendar days
// written YYYY-MM-DD (no time zone: the caller decides which day "today" is — Asia/Shanghai, see
// shanghaiDay). Pure and client-safe: the engine refuses a too-short 公示期 with it and the page
// can say the earliest end date before anything is sent.

export interface HolidayCalendar {
  /** 法定节假日 (days off, including those falling on a weekday by 调休). */
  holidays: ReadonlySet<string>;
  /** 调休上班日: Saturdays / Sundays that are working days. */
  workdays: ReadonlySet<string>;
}

export const EMPTY_CALENDAR: HolidayCalendar = { holidays: new Set(), workdays: new Set() };

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(s: unknown): s is string {
  if (typeof s !== "string") return false;
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const toUtc = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  return fromUtc(toUtc(day) + n * DAY_MS);
}

/** Calendar days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS);
}

export function isWorkingDay(day: string, cal: HolidayCalendar): boolean {
  if (cal.workdays.has(day)) return true;
  if (cal.holidays.has(day)) return false;
  const weekday = new Date(toUtc(day)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Working days after `start` up to and including `end` (0 when end is not after start). */
export function workingDaysAfter(start: string, end: string, cal: HolidayCalendar): number {
  let n = 0;
  for (let d = addDays(start, 1), i = 0; d <= end && i < 3660; d = addDays(d, 1), i++) if (isWorkingDay(d, cal)) n++;
  return n;
}

/** The earliest end of a period starting on `start` that lasts `n` working days: the n-th working day after it. */
export function earliestEnd(start: string, n: number, cal: HolidayCalendar): string {
  let d = start;
  for (let found = 0, i = 0; found < n && i < 3660; i++) {
    d = addDays(d, 1);
    if (isWorkingDay(d, cal)) found++;
  }
  return d;
}

const SHANGHAI = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

/** The calendar day (YYYY-MM-DD) it is in Asia/Shanghai at `now` — what "after the end date" is judged by. */
export function shanghaiDay(now: Date = new Date()): string {
  return SHANGHAI.format(now);
}

/** A holiday-calendar row's kind (the 类型 column's options in dictionaries/holidays.json). */
export const HOLIDAY_KIND = "法定节假日";
export const WORKDAY_KIND = "调休上班日";

/** Rows of a holiday-calendar dictionary → the calendar: kind 调休上班日 is a working day, 法定节假日
 * a day off; rows whose date is not a real YYYY-MM-DD day are left out. A kind typed before the
 * column had fixed options (version 1) is still read: one saying 上班 is a working day, any other a day off. */
export function calendarOf(rows: ReadonlyArray<{ date?: unknown; kind?: unknown }>): HolidayCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const r of rows) {
    if (!isCalendarDay(r.date)) continue;
    const working = r.kind === WORKDAY_KIND || (r.kind !== HOLIDAY_KIND && typeof r.kind === "string" && r.kind.includes("上班"));
    (working ? workdays : holidays).add(r.date);
  }
  return { holidays, workdays };
}
