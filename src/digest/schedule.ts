/**
 * Calendar arithmetic for daily digests in the subscriber's time zone. A digest is due on a
 * local day once the local clock has reached its "HH:MM" — so a time skipped by a DST change
 * (02:30 on a spring-forward night) is served when the clock jumps past it, a time repeated in
 * autumn is served at its first occurrence, and a digest missed while Skim was down is sent as
 * soon as it starts again, the same local day. Only the local date and time of an instant are
 * needed, and Intl gives those for any IANA zone.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_+\-/0-9]{1,64}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a zone name ("europe/berlin" → "Europe/Berlin"), or null. */
export function canonicalTimeZone(name: string): string | null {
  if (!isTimeZone(name)) return null;
  return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
}

/** "9:00", "09:00", "21:30" → minutes after midnight; null when not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export const formatTimeOfDay = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export type LocalClock = { day: string; minutes: number };

/** The local calendar day (YYYY-MM-DD) and minutes after local midnight of an instant. */
export function localClock(at: number, timeZone: string): LocalClock {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return { day: `${get("year")}-${get("month")}-${get("day")}`, minutes: Number(get("hour")) * 60 + Number(get("minute")) };
}

/** The local day whose digest is due at `at`, or null when today's time has not come yet. */
export function dueDay(at: number, time: string, timeZone: string): string | null {
  const target = parseTimeOfDay(time);
  if (target === null) return null;
  const clock = localClock(at, timeZone);
  return clock.minutes >= target ? clock.day : null;
}
