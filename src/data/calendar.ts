// Dates of the profile's school year, computed with UTC arithmetic only (never the wall clock).

import { pad } from './hash.ts';

const DAY_MS = 86_400_000;

export function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function toUtcMs(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
}

function fromUtcMs(ms: number): string {
  const d = new Date(ms);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(iso: string, days: number): string {
  return fromUtcMs(toUtcMs(iso) + days * DAY_MS);
}

/** 0 = Sunday .. 6 = Saturday */
export function dayOfWeek(iso: string): number {
  return new Date(toUtcMs(iso)).getUTCDay();
}

/** First calendar year of the school year: schoolYear 2026 -> 2025. */
export function startYear(schoolYear: number): number {
  return schoolYear - 1;
}

/** '2025-2026' */
export function schoolYearDescription(schoolYear: number): string {
  return `${schoolYear - 1}-${schoolYear}`;
}

/** The fall semester starts on the first Monday on or after August 15. */
export function fallSemesterBegin(schoolYear: number): string {
  const aug15 = isoDate(startYear(schoolYear), 8, 15);
  return addDays(aug15, (8 - dayOfWeek(aug15)) % 7);
}

/** ... and ends on the last Friday on or before December 19. */
export function fallSemesterEnd(schoolYear: number): string {
  const dec19 = isoDate(startYear(schoolYear), 12, 19);
  return addDays(dec19, -((dayOfWeek(dec19) + 2) % 7));
}

/** Holidays inside the fall semester: Labor Day and the three Thanksgiving-week days off. */
const FALL_HOLIDAYS = 4;

/** Weekdays from begin to end inclusive, less the fall holidays. */
export function fallSemesterInstructionalDays(schoolYear: number): number {
  const begin = toUtcMs(fallSemesterBegin(schoolYear));
  const end = toUtcMs(fallSemesterEnd(schoolYear));
  const days = Math.round((end - begin) / DAY_MS) + 1;
  const firstDow = new Date(begin).getUTCDay();
  let weekdays = Math.floor(days / 7) * 5;
  for (let k = 0; k < days % 7; k++) {
    const dow = (firstDow + k) % 7;
    if (dow !== 0 && dow !== 6) weekdays++;
  }
  return weekdays - FALL_HOLIDAYS;
}
