import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from "discord.js";
import { commands } from "../../src/commands.js";

/**
 * Slash commands and the message context-menu entry, derived from the one command table, as the
 * discord.js guide's deploy script collects each command's JSON. Registration overwrites the
 * whole set at start, so running it again changes nothing.
 */
export function discordCommands(): RESTPostAPIApplicationCommandsJSONBody[] {
  const out: RESTPostAPIApplicationCommandsJSONBody[] = [];
  for (const c of commands) {
    if (c.name === "start") continue; // Telegram's convention; Discord users have /help.
    out.push({
      name: c.name,
      description: c.description.slice(0, 100),
      type: ApplicationCommandType.ChatInput,
      options: ("options" in c ? c.options : []).map((o) => ({
        name: o.name,
        description: o.description.slice(0, 100),
        type: ApplicationCommandOptionType.String,
        required: o.required,
        ...("choices" in o && o.choices ? { choices: o.choices.map((v) => ({ name: v, value: v })) } : {}),
      })),
    });
    if ("contextMenu" in c && c.contextMenu) out.push({ name: c.contextMenu, type: ApplicationCommandType.Message });
  }
  return out;
}
