import { describe, expect, it } from "vitest";
import { textFragmentUrl } from "../../src/render/fragment.js";

/** The directive's parts, split on the spec's delimiter and decoded. */
function parts(url: string): string[] {
  const [, directive] = url.split("#:~:text=");
  if (directive === undefined) throw new Error(`no text directive in ${url}`);
  return directive.split(",").map(decodeURIComponent);
}

describe("textFragmentUrl", () => {
  it("matches a short sentence whole, without its closing punctuation", () => {
    expect(textFragmentUrl("https://example.com/a", "Cats sleep a lot.")).toBe(
      "https://example.com/a#:~:text=Cats%20sleep%20a%20lot",
    );
  });

  it("replaces an existing fragment, including an earlier text directive", () => {
    expect(textFragmentUrl("https://example.com/a?x=1#comments", "Cats sleep")).toBe(
      "https://example.com/a?x=1#:~:text=Cats%20sleep",
    );
    expect(textFragmentUrl("https://example.com/a#:~:text=old", "Cats sleep")).toBe(
      "https://example.com/a#:~:text=Cats%20sleep",
    );
  });

  it("uses the first and last four words of a long sentence as start and end", () => {
    const sentence = "The quick brown fox jumps over the lazy dog while the farmer sleeps soundly.";
    const url = textFragmentUrl("https://example.com/", sentence);
    expect(parts(url)).toEqual(["The quick brown fox", "the farmer sleeps soundly"]);
  });

  it("matches a sentence of exactly eight words whole and one of nine by its edges", () => {
    const eight = "one two three four five six seven eight";
    expect(parts(textFragmentUrl("https://example.com/", eight))).toEqual([eight]);
    expect(parts(textFragmentUrl("https://example.com/", `${eight} nine`))).toEqual([
      "one two three four",
      "six seven eight nine",
    ]);
  });

  it("percent-encodes the directive's own syntax: - , &", () => {
    const url = textFragmentUrl("https://example.com/", "Well-known, state-of-the-art tools & tricks");
    const directive = url.split("#:~:text=")[1] ?? "";
    expect(directive).not.toMatch(/[-,&]/);
    expect(directive).toContain("%2D");
    expect(directive).toContain("%2C");
    expect(directive).toContain("%26");
    expect(parts(url)).toEqual(["Well-known, state-of-the-art tools & tricks"]);
  });

  it("encodes the separators inside both parts of a long sentence, which still split on the real comma", () => {
    const url = textFragmentUrl("https://example.com/", "A, b-c & d e f g h i, j-k & l m.");
    expect(url.split("#:~:text=")[1]?.split(",")).toHaveLength(2);
    const [start, end] = parts(url);
    expect(start).toBe("A, b-c & d");
    expect(end).toBe("j-k & l m");
  });

  it("round-trips to the sentence's words, trimmed of quotes and whitespace", () => {
    const sentence = "  “Zażółć gęślą jaźń,” she said — 100% sure?  ";
    const [start, end] = parts(textFragmentUrl("https://example.com/", sentence));
    expect(start).toBe("Zażółć gęślą jaźń,” she said — 100% sure");
    expect(end).toBeUndefined();
  });

  it("collapses whitespace inside the quoted text", () => {
    expect(parts(textFragmentUrl("https://example.com/", "a\n  b\tc"))).toEqual(["a b c"]);
  });

  it("finds words in scripts written without spaces", () => {
    const url = textFragmentUrl("https://example.jp/", "東京は日本の首都であり、世界最大級の都市圏を形成している。");
    const [start, end] = parts(url);
    expect(start?.startsWith("東京")).toBe(true);
    expect(end?.endsWith("いる")).toBe(true);
    expect(url.length).toBeLessThan(300);
  });

  it.each(["mailto:a@example.com", "javascript:alert(1)", "ftp://example.com/x", "not a url", "", "/relative/path"])(
    "returns %j unchanged: not an http(s) address",
    (url) => expect(textFragmentUrl(url, "Cats sleep a lot.")).toBe(url),
  );

  it("returns the URL unchanged when the sentence has no words", () => {
    expect(textFragmentUrl("https://example.com/#x", " … !!! ")).toBe("https://example.com/#x");
  });
});
