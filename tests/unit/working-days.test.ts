// Working days (app/engine/working-days.ts) on the PRC calendar: Mon–Fri minus 法定节假日 plus
// 调休上班日, the earliest end of a 公示期, and "today" in Asia/Shanghai. Pure: no DB.
import { describe, expect, it } from "vitest";
import { addDays, calendarOf, earliestEnd, EMPTY_CALENDAR, isCalendarDay, isWorkingDay, shanghaiDay, workingDaysAfter, type HolidayCalendar } from "~/engine/working-days";
import { HOLIDAY_ROWS } from "../../scripts/seeders/holidays";

const cal: HolidayCalendar = calendarOf(HOLIDAY_ROWS);

describe("working days", () => {
  it("an ordinary week: Mon–Fri count, the weekend does not", () => {
    // 2026-03-02 is a Monday.
    expect(workingDaysAfter("2026-03-02", "2026-03-06", cal)).toBe(4);
    expect(earliestEnd("2026-03-02", 5, cal)).toBe("2026-03-09");
    expect(isWorkingDay("2026-03-07", cal)).toBe(false);
  });

  it("a holiday week: 国庆 2026-10-01…07 are not working days, the 调休 Saturday 10-10 is", () => {
    expect(isWorkingDay("2026-10-05", cal)).toBe(false);
    expect(isWorkingDay("2026-10-10", cal)).toBe(true);
    // Started on Wednesday 09-30: Thursday 10-01 … Wednesday 10-07 are off; 10-08, 09, 10 (Sat, 调休), 12, 13.
    expect(earliestEnd("2026-09-30", 5, cal)).toBe("2026-10-13");
    expect(workingDaysAfter("2026-09-30", "2026-10-12", cal)).toBe(4);
    // Without the calendar the same period would end a week earlier.
    expect(earliestEnd("2026-09-30", 5, EMPTY_CALENDAR)).toBe("2026-10-07");
  });

  it("a 调休 Sunday before 国庆 (2026-09-20) counts", () => {
    expect(isWorkingDay("2026-09-20", cal)).toBe(true);
    expect(workingDaysAfter("2026-09-18", "2026-09-21", cal)).toBe(2);
  });

  it("across the year boundary: 元旦 2027-01-01 is off", () => {
    // Monday 2026-12-28: 29, 30, 31 count; 01-01 (元旦) and the weekend do not; 01-04 is the fourth, 01-05 the fifth.
    expect(earliestEnd("2026-12-28", 4, cal)).toBe("2027-01-04");
    expect(earliestEnd("2026-12-28", 5, cal)).toBe("2027-01-05");
    expect(workingDaysAfter("2026-12-31", "2027-01-04", cal)).toBe(1);
  });

  it("the 春节 2026 week with the 调休 Saturdays 02-14 and 02-28", () => {
    expect(isWorkingDay("2026-02-14", cal)).toBe(true);
    expect(isWorkingDay("2026-02-16", cal)).toBe(false);
    expect(isWorkingDay("2026-02-28", cal)).toBe(true);
    expect(earliestEnd("2026-02-13", 1, cal)).toBe("2026-02-14");
    expect(earliestEnd("2026-02-14", 1, cal)).toBe("2026-02-24");
  });

  it("a calendar row with a malformed date is ignored; a kind saying 上班 is a 调休上班日", () => {
    const c = calendarOf([{ date: "2026-13-01", kind: "法定节假日" }, { date: "2026-03-07", kind: "调休上班日" }, { date: "2026-03-09", kind: "法定节假日" }]);
    expect(c.holidays).toEqual(new Set(["2026-03-09"]));
    expect(c.workdays).toEqual(new Set(["2026-03-07"]));
  });

  it("an end not after the start has no working days", () => {
    expect(workingDaysAfter("2026-03-06", "2026-03-06", cal)).toBe(0);
    expect(workingDaysAfter("2026-03-06", "2026-03-01", cal)).toBe(0);
  });

  it("calendar days and Asia/Shanghai's today", () => {
    expect(isCalendarDay("2026-02-29")).toBe(false);
    expect(isCalendarDay("2028-02-29")).toBe(true);
    expect(isCalendarDay("2026-1-5")).toBe(false);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    // 16:30 UTC on 12-31 is already 00:30 on 01-01 in Shanghai.
    expect(shanghaiDay(new Date("2026-12-31T16:30:00Z"))).toBe("2027-01-01");
    expect(shanghaiDay(new Date("2026-12-31T15:59:00Z"))).toBe("2026-12-31");
  });

  it("the seeded calendar: every row a real day, 调休上班日 only on weekends, 法定节假日 never on a 调休 day", () => {
    for (const r of HOLIDAY_ROWS) expect(isCalendarDay(r.date), r.date).toBe(true);
    for (const d of cal.workdays) expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    for (const d of cal.holidays) expect(cal.workdays.has(d)).toBe(false);
  });
});
