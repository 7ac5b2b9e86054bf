/**
 * Feed dates to ISO 8601: RFC 822 (`pubDate`), W3C/ISO 8601 (Atom, `dc:date`, JSON Feed), and the
 * usual sloppiness (named zones, missing zones, one-digit days).
 */

/** Zone abbreviations RFC 822 allows, and a few common ones Date.parse does not know. */
const ZONES: Readonly<Record<string, string>> = {
  UT: "+0000", UTC: "+0000", GMT: "+0000", Z: "+0000",
  EST: "-0500", EDT: "-0400", CST: "-0600", CDT: "-0500", MST: "-0700", MDT: "-0600", PST: "-0800", PDT: "-0700",
  CET: "+0100", CEST: "+0200", BST: "+0100", IST: "+0530", JST: "+0900", KST: "+0900", AEST: "+1000", AEDT: "+1100",
  MSK: "+0300", EET: "+0200", EEST: "+0300", WET: "+0000", WEST: "+0100",
};

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RFC822 =
  /^(?:[A-Za-z]{2,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([A-Za-z]{1,5}|[+-]\d{4})?$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Earliest and latest years believed: anything else is a broken generator, not news. */
const MIN_YEAR = 1990;
const MAX_YEAR = 2200;

function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || /^z$/i.test(zone)) return 0;
  const named = ZONES[zone.toUpperCase()];
  const numeric = named ?? zone;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(numeric);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}

function build(parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number; offset: number }): string | null {
  const { year, month, day, hour, minute, second, ms, offset } = parts;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 24 || minute > 59 || second > 60) return null;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

/** The date as an ISO string in UTC, or null when it cannot be read with confidence. */
export function parseDate(raw: string | null): string | null {
  if (raw === null) return null;
  const text = raw.trim().replace(/\s+/g, " ");
  if (text === "" || text.length > 64) return null;

  const iso = ISO.exec(text);
  if (iso) {
    // A time without a zone is taken as UTC: guessing the server's zone would be no better.
    const offset = offsetMinutes(iso[8]);
    if (offset === null) return null;
    return build({
      year: Number(iso[1]),
      month: Number(iso[2]),
      day: Number(iso[3]),
      hour: Number(iso[4] ?? 0),
      minute: Number(iso[5] ?? 0),
      second: Number(iso[6] ?? 0),
      ms: Number((iso[7] ?? "0").slice(0, 3).padEnd(3, "0")),
      offset,
    });
  }

  const rfc = RFC822.exec(text);
  if (rfc) {
    const month = MONTHS.indexOf((rfc[2] ?? "").slice(0, 3).toLowerCase()) + 1;
    let year = Number(rfc[3]);
    if ((rfc[3] ?? "").length === 2) year += year < 50 ? 2000 : 1900;
    // An unknown zone name is read as UTC rather than dropping the date: hours off at worst.
    const offset = offsetMinutes(rfc[7]) ?? 0;
    return build({
      year,
      month,
      day: Number(rfc[1]),
      hour: Number(rfc[4] ?? 0),
      minute: Number(rfc[5] ?? 0),
      second: Number(rfc[6] ?? 0),
      ms: 0,
      offset,
    });
  }
  return null;
}
