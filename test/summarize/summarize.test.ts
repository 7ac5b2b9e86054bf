import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractArticle } from "../../src/extract/index.js";
import { capBullet, MAX_BULLET_CHARS, MAX_TEXT_CHARS, summarize } from "../../src/summarize/index.js";

const seed = readFileSync(join(import.meta.dirname, "../fixtures/text/atacms-article.txt"), "utf8");
const squash = (s: string) => s.replace(/\s+/g, " ");

describe("summarize", () => {
  it("digests the seed article: ATACMS and the undecided US position, none of the page's chrome", () => {
    const digest = summarize(extractArticle({ body: seed, contentType: "text/plain" }));
    expect(digest.title).toBe("US Deliberations on ATACMS for Ukraine: Security, Strategy, and Slower Decisions");
    expect(digest.bullets).toHaveLength(3);
    const text = digest.bullets.join(" ");
    expect(text).toContain("ATACMS");
    expect(text).toMatch(/not yet decided|no formal decision|still weighing/);
    for (const chrome of ["No time to read", "Get a summary", "Previous Article", "Next Article", "Border measures", "On-Set Moments"]) {
      expect(text).not.toContain(chrome);
    }
    expect(digest.keywords).toContain("atacms");
    expect(digest.readingMinutes).toBeGreaterThanOrEqual(1);
  });

  it("quotes whole sentences of the article, in article order", () => {
    const digest = summarize({ text: seed }, { sentences: 5 });
    expect(digest.bullets).toHaveLength(5);
    const source = squash(seed);
    let at = -1;
    for (const bullet of digest.bullets) {
      const found = source.indexOf(bullet);
      expect(found, bullet).toBeGreaterThan(at);
      at = found;
      expect(bullet).toMatch(/[.!?…]$/);
    }
  });

  it("gives as many bullets as asked, and fewer only when the text has fewer sentences", () => {
    expect(summarize({ text: seed }, { length: "short" }).bullets).toHaveLength(2);
    expect(summarize({ text: seed }, { length: "long" }).bullets).toHaveLength(5);
    expect(summarize({ text: seed }, { sentences: 1 }).bullets).toHaveLength(1);
    expect(summarize({ text: "One short text. It has two sentences." }).bullets).toEqual(["One short text.", "It has two sentences."]);
    expect(summarize({ text: "" }).bullets).toEqual([]);
  });

  it("never chooses reader prompts, navigation, credits or newsletter boxes", () => {
    const text = [
      "No time to read? Get a summary",
      "Scroll down for video",
      "Read more: the council's budget explained in full detail for every resident of the city",
      "Sign up for our newsletter and get the best stories in your inbox every morning for free.",
      "Photo: Jane Doe / Getty Images shows the council chamber during the long evening vote.",
      "The city council approved a new budget on Tuesday after a long debate about school funding.",
      "The budget raises spending on schools by five percent and cuts road repairs by a fifth.",
      "Council members said the vote was close because several districts opposed the road cuts.",
      "Previous Article",
    ].join("\n\n");
    const digest = summarize({ text, lang: "en" });
    expect(digest.bullets).toEqual([
      "The city council approved a new budget on Tuesday after a long debate about school funding.",
      "The budget raises spending on schools by five percent and cuts road repairs by a fifth.",
      "Council members said the vote was close because several districts opposed the road cuts.",
    ]);
  });

  it("keeps each bullet within 400 characters, cut at a word boundary with an ellipsis", () => {
    const runOn = "word ".repeat(200) + "end of the run-on caption that never stops";
    const digest = summarize({ text: `${runOn}\n\nA short second sentence here. And a third one too.` });
    for (const b of digest.bullets) expect(b.length).toBeLessThanOrEqual(MAX_BULLET_CHARS);
    const capped = capBullet("alpha beta gamma delta", 15);
    expect(capped).toBe("alpha beta…");
    expect(capBullet("a".repeat(500)).length).toBe(MAX_BULLET_CHARS);
    expect(capBullet("short", 400)).toBe("short");
    // An emoji is never cut in half (half a surrogate pair cannot be sent).
    for (const max of [10, 11]) expect(capBullet("😀".repeat(300), max)).toMatch(/^(?:😀)+…$/u);
  });

  it("reads at most a million characters of a text, in bounded time, and still counts all of it for reading time", () => {
    const sentence = "The council approved the budget for schools and roads after a long debate on Tuesday. ";
    const head = sentence.repeat(Math.ceil(MAX_TEXT_CHARS / sentence.length) + 10);
    const tail = "Zeppelins zeppelin zeppelins over the zeppelin field, zeppelin makers said. ".repeat(20_000);
    const started = performance.now();
    const digest = summarize({ text: head + tail });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(digest.bullets.length).toBe(3);
    expect(digest.bullets.join(" ") + digest.keywords.join(" ")).not.toMatch(/zeppelin/i);
    expect(digest.readingMinutes).toBeGreaterThan((head.length + tail.length) / 6 / 230 / 2);
  });

  it("summarizes other languages with their own stemmers and stop words", () => {
    const ru = [
      "Правительство утвердило новый бюджет на следующий год после долгих обсуждений в парламенте.",
      "Расходы на образование вырастут на пять процентов, а расходы на дороги сократятся.",
      "Депутаты отметили, что бюджет учитывает интересы регионов и малого бизнеса.",
      "Эксперты считают, что бюджет поможет экономике, но предупреждают о рисках инфляции.",
    ].join(" ");
    const digest = summarize({ text: ru }, { sentences: 2 });
    expect(digest.bullets).toHaveLength(2);
    expect(digest.lang).toBe("ru");
    expect(digest.keywords).toContain("бюджет");
    const ja = "政府は来年度の予算案を閣議決定した。教育費は五パーセント増える。道路の予算は削減される。専門家は景気への影響を注視している。";
    const jd = summarize({ text: ja }, { sentences: 2 });
    expect(jd.lang).toBe("ja");
    expect(jd.bullets).toHaveLength(2);
    for (const b of jd.bullets) expect(ja).toContain(b);
  });

  it("does not load natural's main entry (half a second and a .env of its own)", () => {
    summarize({ text: seed, lang: "de" });
    summarize({ text: seed, lang: "en" });
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((p) => /natural[\\/]lib[\\/]natural[\\/]stemmers[\\/]porter_stemmer\.js$/.test(p))).toBe(true);
    expect(loaded.some((p) => /natural[\\/]lib[\\/]natural[\\/]index\.js$/.test(p))).toBe(false);
    expect(loaded.some((p) => /[\\/]natural[\\/]index\.js$/.test(p))).toBe(false);
  });
});
