/**
 * Known words in legacy encodings, as raw bytes: TextEncoder only produces UTF-8, and no
 * iconv is installed, so the bytes are written out by hand (and checked in decode tests).
 */

export type Word = { text: string; bytes: Buffer };

const word = (text: string, hex: string): Word => ({ text, bytes: Buffer.from(hex.replace(/\s/g, ""), "hex") });

export const WORDS = {
  russian1251: word("Привет", "cf f0 e8 e2 e5 f2"),
  koi8r: word("Привет", "f0 d2 c9 d7 c5 d4"),
  shiftJis: word("日本", "93 fa 96 7b"),
  gb18030: word("中文", "d6 d0 ce c4"),
  latin1: word("café", "63 61 66 e9"),
} as const;

/** Concatenate ASCII markup and encoded words into one body. */
export function encoded(...parts: (string | Word)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p.bytes)));
}
