import { describe, expect, it } from "vitest";
import { charsetParam, decodeBody } from "../../src/fetch/decode.js";
import { encoded, WORDS } from "../support/charsets.js";

describe("decodeBody", () => {
  it("defaults to utf-8", () => {
    const r = decodeBody(Buffer.from("<p>naïve café ✓</p>"));
    expect(r).toEqual({ text: "<p>naïve café ✓</p>", charset: "utf-8" });
  });

  it("uses the Content-Type charset (windows-1251)", () => {
    const r = decodeBody(encoded("<p>", WORDS.russian1251, "</p>"), "text/html; charset=windows-1251");
    expect(r).toEqual({ text: "<p>Привет</p>", charset: "windows-1251" });
  });

  it("the hand-written legacy bytes are what TextDecoder expects", () => {
    expect(new TextDecoder("windows-1251").decode(WORDS.russian1251.bytes)).toBe(WORDS.russian1251.text);
    expect(new TextDecoder("koi8-r").decode(WORDS.koi8r.bytes)).toBe(WORDS.koi8r.text);
    expect(new TextDecoder("shift_jis").decode(WORDS.shiftJis.bytes)).toBe(WORDS.shiftJis.text);
    expect(new TextDecoder("gb18030").decode(WORDS.gb18030.bytes)).toBe(WORDS.gb18030.text);
    expect(new TextDecoder("windows-1252").decode(WORDS.latin1.bytes)).toBe(WORDS.latin1.text);
  });

  it("accepts quoted, upper-case and alias labels", () => {
    expect(decodeBody(WORDS.russian1251.bytes, 'text/html; Charset="CP1251"').text).toBe("Привет");
    expect(decodeBody(WORDS.shiftJis.bytes, "text/plain;charset=sjis").charset).toBe("shift_jis");
  });

  it("finds <meta charset> (Shift_JIS)", () => {
    const r = decodeBody(encoded('<html><head><meta charset="Shift_JIS"><title>', WORDS.shiftJis, "</title>"));
    expect(r.charset).toBe("shift_jis");
    expect(r.text).toContain("<title>日本</title>");
  });

  it("finds <meta http-equiv content=...charset=> (ISO-8859-1 is windows-1252 per WHATWG)", () => {
    const r = decodeBody(
      encoded('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>', WORDS.latin1, "</p>"),
    );
    expect(r.charset).toBe("windows-1252");
    expect(r.text).toContain("<p>café</p>");
  });

  it("ignores a meta charset inside a comment", () => {
    const r = decodeBody(encoded("<!-- <meta charset=koi8-r> --><meta charset=gb18030><p>", WORDS.gb18030, "</p>"));
    expect(r.charset).toBe("gb18030");
    expect(r.text).toContain("<p>中文</p>");
  });

  it("only looks at the first 4096 bytes for a meta", () => {
    const late = encoded(" ".repeat(5000), '<meta charset="windows-1251">', WORDS.russian1251);
    expect(decodeBody(late).charset).toBe("utf-8");
  });

  it("lets the header win over the meta", () => {
    const r = decodeBody(encoded('<meta charset="shift_jis">', WORDS.russian1251), "text/html; charset=windows-1251");
    expect(r.charset).toBe("windows-1251");
    expect(r.text).toContain("Привет");
  });

  it("does not believe a header the bytes contradict", () => {
    // A site-wide latin-1 header on a page written in UTF-8: read as latin-1 it would be mojibake.
    const utf8 = Buffer.from('<meta charset="utf-8"><p>Zürich, Привет, 日本</p>');
    expect(decodeBody(utf8, "text/html; charset=iso-8859-1")).toEqual({ text: '<meta charset="utf-8"><p>Zürich, Привет, 日本</p>', charset: "utf-8" });
    expect(decodeBody(Buffer.from("<p>Zürich</p>"), "text/html; charset=windows-1251").text).toBe("<p>Zürich</p>");
    // A UTF-8 header on a page in windows-1251 that says so itself.
    const legacy = decodeBody(encoded('<meta charset="windows-1251"><p>', WORDS.russian1251, "</p>"), "text/html; charset=utf-8");
    expect(legacy).toEqual({ text: '<meta charset="windows-1251"><p>Привет</p>', charset: "windows-1251" });
    // ...and one that does not: nothing better to go on than the header, bad bytes become U+FFFD.
    expect(decodeBody(encoded("<p>", WORDS.russian1251, "</p>"), "text/html; charset=utf-8").text).toBe(`<p>${"\uFFFD".repeat(6)}</p>`);
    // Bytes the header's charset explains are left to it, even when they would also be valid UTF-8 as ASCII.
    expect(decodeBody(Buffer.from("<p>plain</p>"), "text/html; charset=koi8-r").charset).toBe("koi8-r");
    expect(decodeBody(encoded("<p>", WORDS.latin1, "</p>"), "text/html; charset=iso-8859-1").text).toBe("<p>café</p>");
  });

  it("lets a BOM win over the header and drops it", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("Привет")]);
    expect(decodeBody(bytes, "text/html; charset=windows-1251")).toEqual({ text: "Привет", charset: "utf-8" });
  });

  it("decodes UTF-16LE and UTF-16BE with a BOM", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<p>Hé 日本</p>", "utf16le")]);
    expect(decodeBody(le)).toEqual({ text: "<p>Hé 日本</p>", charset: "utf-16le" });
    const be = Buffer.from("feff003c0070003e", "hex");
    expect(decodeBody(be)).toEqual({ text: "<p>", charset: "utf-16be" });
  });

  it("treats a meta claiming UTF-16 as utf-8 (the bytes are plainly ASCII-compatible)", () => {
    expect(decodeBody(Buffer.from('<meta charset="utf-16"><p>ok</p>')).charset).toBe("utf-8");
  });

  it("reads an XML declaration's encoding (feeds)", () => {
    const r = decodeBody(encoded('<?xml version="1.0" encoding="KOI8-R"?><rss><title>', WORDS.koi8r, "</title>"));
    expect(r.charset).toBe("koi8-r");
    expect(r.text).toContain("<title>Привет</title>");
  });

  it("falls back to utf-8 for unknown or replacement labels, never throwing", () => {
    expect(decodeBody(Buffer.from("ok"), "text/html; charset=no-such-charset")).toEqual({ text: "ok", charset: "utf-8" });
    expect(decodeBody(Buffer.from("ok"), "text/html; charset=iso-2022-kr")).toEqual({ text: "ok", charset: "utf-8" });
    expect(decodeBody(Buffer.from("<meta charset=bogus>ok")).charset).toBe("utf-8");
  });

  it("turns invalid bytes into U+FFFD", () => {
    expect(decodeBody(Buffer.from([0x61, 0xff, 0xfe, 0x62]), "text/plain").text).toBe("a\uFFFD\uFFFDb");
    expect(decodeBody(Buffer.from([0x61, 0xc3])).text).toBe("a\uFFFD");
  });

  it("handles empty input and views into larger buffers", () => {
    expect(decodeBody(new Uint8Array(0))).toEqual({ text: "", charset: "utf-8" });
    const big = Buffer.from("xx<meta charset=windows-1251>\xcf\xf0", "latin1");
    expect(decodeBody(big.subarray(2)).text).toBe("<meta charset=windows-1251>Пр");
  });
});

describe("charsetParam", () => {
  it("extracts the parameter", () => {
    expect(charsetParam("text/html; charset=UTF-8")).toBe("UTF-8");
    expect(charsetParam('text/html;foo=bar; charset="gbk"')).toBe("gbk");
    expect(charsetParam("text/html")).toBeUndefined();
    expect(charsetParam(undefined)).toBeUndefined();
  });
});
