import { describe, expect, it } from "vitest";
import { canonicalTimeZone, dueDay, formatTimeOfDay, localClock, parseTimeOfDay } from "../../src/digest/schedule.js";

const at = (iso: string) => Date.parse(iso);

describe("digest schedule", () => {
  it("reads times of day and time-zone names", () => {
    expect(parseTimeOfDay("09:00")).toBe(540);
    expect(parseTimeOfDay("9:05")).toBe(545);
    expect(parseTimeOfDay("24:00")).toBeNull();
    expect(parseTimeOfDay("noon")).toBeNull();
    expect(formatTimeOfDay(545)).toBe("09:05");
    expect(canonicalTimeZone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("Mars/Olympus")).toBeNull();
  });

  it("is due once the local clock reaches the hour, on the local day", () => {
    // 08:59 and 09:00 in Berlin (UTC+1 in winter).
    expect(dueDay(at("2026-01-15T07:59:00Z"), "09:00", "Europe/Berlin")).toBeNull();
    expect(dueDay(at("2026-01-15T08:00:00Z"), "09:00", "Europe/Berlin")).toBe("2026-01-15");
    // Missed while down: still due later the same local day.
    expect(dueDay(at("2026-01-15T22:30:00Z"), "09:00", "Europe/Berlin")).toBe("2026-01-15");
    // After local midnight it is a new day, not due until its hour.
    expect(dueDay(at("2026-01-15T23:30:00Z"), "09:00", "Europe/Berlin")).toBeNull();
  });

  it("crosses midnight in a zone ahead of UTC", () => {
    expect(localClock(at("2026-01-15T20:00:00Z"), "Asia/Tokyo")).toEqual({ day: "2026-01-16", minutes: 5 * 60 });
    expect(dueDay(at("2026-01-15T20:00:00Z"), "05:00", "Asia/Tokyo")).toBe("2026-01-16");
  });

  it("serves a time skipped by the spring DST change when the clock jumps past it, and a repeated one once", () => {
    // Europe/Berlin, 2026-03-29: 02:00 → 03:00. 02:30 never happens; at 03:00 local it is due.
    expect(dueDay(at("2026-03-29T00:59:00Z"), "02:30", "Europe/Berlin")).toBeNull(); // 01:59 local
    expect(dueDay(at("2026-03-29T01:00:00Z"), "02:30", "Europe/Berlin")).toBe("2026-03-29"); // 03:00 local
    // 2026-10-25: 03:00 → 02:00. 02:30 happens twice; due from the first, the same day both times.
    expect(dueDay(at("2026-10-25T00:30:00Z"), "02:30", "Europe/Berlin")).toBe("2026-10-25"); // first 02:30 (UTC+2)
    expect(dueDay(at("2026-10-25T01:30:00Z"), "02:30", "Europe/Berlin")).toBe("2026-10-25"); // second 02:30 (UTC+1)
    expect(dueDay(at("2026-10-25T00:29:00Z"), "02:30", "Europe/Berlin")).toBeNull();
  });
});
