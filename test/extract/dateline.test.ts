import { describe, expect, it } from "vitest";
import { isDateline } from "../../src/extract/dateline.js";

describe("isDateline", () => {
  it.each([
    "Published Nov 18, 2019 at 4:07 PM | Updated at 5:36 PM CST on Nov 18, 2019",
    "Posted: Fri 6:45 PM, Feb 16, 2018 |",
    "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",
    "sexta-feira, 22 de outubro de 2010 às 20:13",
    "20.11.2019, 10:35 Uhr",
    "12 марта 2019, 14:05",
    "Mis à jour le 3 décembre 2019",
    "2019-11-20",
  ])("takes %j for a date stamp", (line) => {
    expect(isDateline(line)).toBe(true);
  });

  it.each([
    "May the force be with you in March.",
    "On March 3 the council met and voted on the budget.",
    "The 2019-20 season starts in August.",
    "Sales rose 4.5% on 11/20 after the announcement of the merger.",
  ])("leaves the sentence %j alone", (line) => {
    expect(isDateline(line)).toBe(false);
  });
});
