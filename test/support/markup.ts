import { MESSAGE_LIMIT, type Target } from "../../src/render/reply.js";

/**
 * Strict checkers for what the renderers send: Telegram HTML and Discord Markdown. Each throws an
 * Error naming the first problem, so it works both in `expect(() => …)` and inside fast-check properties.
 */

/** Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style). */
const ALLOWED_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span", "tg-emoji"]);
const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };
/** A tag, an entity, a run of plain text, or (anything else) one stray character. */
const TOKEN = /<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>|&(?:([a-z]+)|#(\d+)|#x([0-9a-f]+));|([^<>&]+)|([\s\S])/giy;

export type ParsedTelegram = { text: string; links: string[] };

/**
 * Parses Telegram HTML as strictly as Telegram does, or stricter: only allowed tags, every tag closed
 * in order, no stray `<`, `>` or `&`, only the four named entities, and links only to http(s).
 * Returns the text a reader sees and the links' targets.
 */
export function parseTelegramHtml(html: string): ParsedTelegram {
  const stack: string[] = [];
  const links: string[] = [];
  let text = "";
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(html); m !== null; m = TOKEN.exec(html)) {
    const [, closing, tag, attrs, named, decimal, hex, plain, stray] = m;
    if (stray !== undefined) throw new Error(`stray ${JSON.stringify(stray)} at ${m.index}`);
    if (plain !== undefined) text += plain;
    else if (named !== undefined) {
      const c = NAMED_ENTITIES[named];
      if (c === undefined) throw new Error(`unknown entity &${named};`);
      text += c;
    } else if (decimal !== undefined || hex !== undefined) {
      text += String.fromCodePoint(decimal !== undefined ? Number(decimal) : parseInt(hex ?? "", 16));
    } else if (tag !== undefined) {
      const name = tag.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) throw new Error(`tag <${name}> is not allowed`);
      if (closing === "/") {
        if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
      } else {
        stack.push(name);
        if (name === "a") links.push(hrefOf(attrs ?? ""));
        else if (attrs !== undefined && attrs.trim() !== "") throw new Error(`<${name}> takes no attributes here`);
      }
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("><")}>`);
  return { text, links };
}

function hrefOf(attrs: string): string {
  const m = /^\s+href="([^"]*)"$/.exec(attrs);
  if (m?.[1] === undefined) throw new Error(`<a${attrs}> needs exactly one href`);
  const href = m[1].replace(/&(amp|lt|gt|quot);/g, (_, n: string) => NAMED_ENTITIES[n] ?? "");
  if (/&(?!amp;|lt;|gt;|quot;)/.test(m[1])) throw new Error(`bare & in href ${m[1]}`);
  if (!/^https?:\/\//.test(href) || !URL.canParse(href)) throw new Error(`href ${href} is not an http(s) URL`);
  return href;
}

/** Escape pairs (Discord drops the backslash before any ASCII punctuation). */
const ESCAPE_PAIR = /\\[!-/:-@[-`{-~]/g;
/** Our own link targets: `](<https://…>)`, where nothing inside may end the target early. */
const LINK_TARGET = /\]\(<https?:\/\/[^\s<>()\\]+>\)/g;
/** Our own line prefixes: subtext and list items. */
const LINE_PREFIX = /^(?:-# |- )/gm;

/**
 * Throws unless the message's only live Discord Markdown is a renderer's own: `**` pairs, `[text](<url>)`
 * links to http(s) and the `-# ` / `- ` line prefixes. Everything else must be escaped, so once escapes,
 * links and prefixes are removed nothing special may remain, and no escape may be cut in half.
 */
export function checkDiscordMarkup(markdown: string): void {
  if (/(?<!\\)(?:\\\\)*\\$/m.test(markdown)) throw new Error("a lone backslash ends a line and escapes the newline");
  // An escape pair stands as an inert placeholder, so patterns are not joined across it.
  const bare = markdown.replace(ESCAPE_PAIR, "\uE000").replace(LINK_TARGET, "]").replace(LINE_PREFIX, "");
  const special = /[_~|`()<>#\\-]/.exec(bare);
  if (special) throw new Error(`unescaped ${JSON.stringify(special[0])} at ${special.index}`);
  if (/:[\w+-]+:|:\/\//.test(bare)) throw new Error("unescaped emoji shortcode or bare link");
  for (const line of bare.split("\n")) {
    if ((line.match(/\*\*/g) ?? []).length % 2 !== 0 || line.replace(/\*\*/g, "").includes("*")) throw new Error(`stray * in ${JSON.stringify(line)}`);
  }
  if ((bare.match(/\[/g) ?? []).length !== (bare.match(/\]/g) ?? []).length) throw new Error("unbalanced [ ]");
}

/** Throws when any text could ping: an `@` not broken by a zero-width space, or an unescaped `<@`, `<#`, `</`, `<:`, `<t`. */
export function checkDiscordPingsNobody(markdown: string): void {
  if (/@(?!\u200B)/.test(markdown)) throw new Error("an @ not broken by a zero-width space");
  if (/(?<!\\)<[@#/:t]/.test(markdown)) throw new Error("an unescaped mention, channel, command or timestamp");
  if (/@everyone|@here/.test(markdown)) throw new Error("@everyone or @here");
}

/** Control characters and bidi overrides that must never reach any rendering (`\n` is allowed). */
export const FORBIDDEN_CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** Half a surrogate pair: not encodable as UTF-8. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws when the text holds a control character (bar `\n`), a bidi override or a lone surrogate. */
export function checkCleanText(text: string): void {
  const control = FORBIDDEN_CONTROLS.exec(text);
  if (control) throw new Error(`control U+${control[0].charCodeAt(0).toString(16).padStart(4, "0")} at ${control.index}`);
  const half = LONE_SURROGATE.exec(text);
  if (half) throw new Error(`lone surrogate at ${half.index}`);
}

/** Throws unless `message` is one well-formed message for `target`. */
export function checkMessage(message: string, target: Target): void {
  if (message.trim() === "") throw new Error("an empty message");
  if (message.length > MESSAGE_LIMIT[target]) throw new Error(`${message.length} chars, over ${MESSAGE_LIMIT[target]}`);
  checkCleanText(message);
  if (target === "telegram") {
    const { text } = parseTelegramHtml(message);
    if (/@(?!\u200B)/.test(text)) throw new Error("an @username Telegram would notify");
  } else if (target === "discord") {
    checkDiscordPingsNobody(message);
    checkDiscordMarkup(message);
  }
}
