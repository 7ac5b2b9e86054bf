/**
 * The bullet lines of a model's answer. Models format lists their own way — `- `, `• `, `* `,
 * `1.`, `2)` — wrap them in Markdown, precede them with "Here is a summary:", or think aloud in
 * `<think>` tags first (reasoning models behind Ollama do): only the points themselves are kept.
 */
const MARKER = /^\s*(?:[-•*‣▪◦–—]|\d{1,2}[.)]|\(\d{1,2}\))\s+(.+)$/u;
/** A line that introduces the list rather than being a point of it. */
const PREAMBLE = /:\s*$/;
const MAX_BULLETS = 10;

export function parseBullets(answer: string): string[] {
  const text = answer.replace(/<think>[\s\S]*?<\/think>/giu, "").replace(/<think>[\s\S]*$/iu, "");
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !/^```/.test(l));
  const marked = lines.map((l) => MARKER.exec(l)?.[1] ?? null);
  const chosen = marked.some((m) => m !== null) ? marked.filter((m): m is string => m !== null) : lines.filter((l) => !PREAMBLE.test(l));
  return chosen.map(clean).filter((b) => b !== "").slice(0, MAX_BULLETS);
}

/** Markdown emphasis and wrapping quotes off; one line. */
function clean(line: string): string {
  return line
    .replace(/\*\*(.+?)\*\*/gu, "$1")
    .replace(/__(.+?)__/gu, "$1")
    .replace(/`([^`]*)`/gu, "$1")
    .replace(/^["“”]+|["“”]+$/gu, "")
    .replace(/\s+/gu, " ")
    .trim();
}
