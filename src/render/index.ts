/** One digest, three renderings: Discord Markdown (message or embed), Telegram HTML, and plain text. */
export type { RenderOptions } from "./options.js";
export { renderDiscord, renderDiscordEmbed, type DiscordEmbed } from "./discord.js";
export { renderTelegram } from "./telegram.js";
export { renderPlain } from "./plain.js";
export { textFragmentUrl } from "./fragment.js";
export { formatDate, formatReading } from "./meta.js";
export { describeFetchFailure } from "./reasons.js";
