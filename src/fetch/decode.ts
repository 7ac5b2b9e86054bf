/**
 * Turning page bytes into text the way browsers pick a charset: byte-order mark, then the
 * Content-Type charset, then a `<meta>` in the first bytes, then an XML declaration (feeds),
 * then UTF-8. Pure (no I/O) because the CLI also uses it for local files. Never throws:
 * unknown labels are skipped and undecodable bytes become U+FFFD.
 */

import { isUtf8 } from "node:buffer";

/** How far into the document a charset declaration is looked for, as browsers do. */
const PRESCAN_BYTES = 4096;

/** The WHATWG encoding name for a label, or undefined when TextDecoder does not know it. */
function encodingFor(label: string | undefined): string | undefined {
  if (label === undefined || label.trim() === "") return undefined;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    // Unknown labels, and ones mapping to the "replacement" encoding, which Node refuses.
    return undefined;
  }
}

function fromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** The `charset` parameter of a Content-Type header, unquoted. */
export function charsetParam(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  for (const param of contentType.split(";").slice(1)) {
    const eq = param.indexOf("=");
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    return param
      .slice(eq + 1)
      .trim()
      .replace(/^["']|["']$/g, "");
  }
  return undefined;
}

/**
 * A charset declared by `<meta charset>` or `<meta http-equiv content="...; charset=...">`.
 * The head is read as latin1 so every byte maps to one character whatever the real encoding.
 */
function fromMeta(head: string): string | undefined {
  const withoutComments = head.replace(/<!--[\s\S]*?(?:-->|$)/g, "");
  for (const tag of withoutComments.matchAll(/<meta\b[^>]*>/gi)) {
    const match = /charset\s*=\s*["']?\s*([^\s"';/>]+)/i.exec(tag[0]);
    const encoding = encodingFor(match?.[1]);
    if (encoding === undefined) continue;
    // A meta tag is read as ASCII, so the document cannot really be UTF-16 (HTML spec's rule);
    // x-user-defined likewise means windows-1252 here.
    if (encoding === "utf-16le" || encoding === "utf-16be") return "utf-8";
    if (encoding === "x-user-defined") return "windows-1252";
    return encoding;
  }
  return undefined;
}

function fromXmlDeclaration(head: string): string | undefined {
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  return encodingFor(match?.[1]);
}

/** No byte above 0x7f: the same text in every ASCII-compatible charset, so nothing to contradict. */
function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

function decodeWith(encoding: string, bytes: Uint8Array): string | undefined {
  if (encoding === "utf-8") {
    // Buffer's UTF-8 decoder is several times faster than TextDecoder's on Node 20 and also
    // swaps bad bytes for U+FFFD; only the BOM is left for us to drop.
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  try {
    // Non-fatal decoding swaps bad bytes for U+FFFD; a BOM matching the encoding is dropped.
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The charset a page's bytes are in, by the browser's order of evidence — except that a header the
 * bytes contradict loses (servers are often configured once for a whole site, pages are not):
 * - a legacy charset in the header, for bytes that are valid UTF-8 and not plain ASCII: UTF-8
 *   (legacy text is virtually never valid UTF-8 by accident, and the reverse reads as mojibake);
 * - UTF-8 in the header, for bytes that are not valid UTF-8: the page's own declaration, if any.
 */
export function sniffCharset(bytes: Uint8Array, contentTypeHeader?: string): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES)).toString(
    "latin1",
  );
  const bom = fromBom(bytes);
  if (bom !== undefined) return bom;
  const declared = () => fromMeta(head) ?? fromXmlDeclaration(head);
  const header = encodingFor(charsetParam(contentTypeHeader));
  if (header === undefined) return declared() ?? "utf-8";
  if (header.startsWith("utf-16")) return header;
  if (header === "utf-8") return isUtf8(bytes) ? header : (declared() ?? header);
  return !isAscii(bytes) && isUtf8(bytes) ? "utf-8" : header;
}

/** Bytes in a known charset to text; undecodable input falls back to UTF-8 with U+FFFD. */
export function decodeAs(bytes: Uint8Array, charset: string): string {
  return decodeWith(charset, bytes) ?? decodeWith("utf-8", bytes) ?? "";
}

export function decodeBody(bytes: Uint8Array, contentTypeHeader?: string): { text: string; charset: string } {
  const charset = sniffCharset(bytes, contentTypeHeader);
  const text = decodeWith(charset, bytes);
  if (text !== undefined) return { text, charset };
  return { text: decodeWith("utf-8", bytes) ?? "", charset: "utf-8" };
}
