import { PermissionFlagsBits, type ChatInputCommandInteraction, type Message, type MessageContextMenuCommandInteraction, type PermissionsBitField } from "discord.js";
import { commands } from "../../src/commands.js";
import type { SummaryLength } from "../../src/summarize/types.js";
import type { Incoming } from "../../src/types.js";

/** Admin in Discord terms: may manage the channel or the server. */
export function canManage(permissions: Readonly<PermissionsBitField> | null | undefined): boolean {
  return permissions?.any([PermissionFlagsBits.ManageChannels, PermissionFlagsBits.ManageGuild]) === true;
}

export function messageToIncoming(message: Message, referenced?: Message | null): Incoming {
  return {
    platform: "discord",
    chatId: message.channelId,
    chatKind: message.guildId ? "group" : "private",
    messageId: message.id,
    userId: message.author.id,
    fromBot: message.author.bot,
    edited: message.editedTimestamp !== null,
    text: message.content,
    ...(referenced ? { replyTo: { text: referenced.content } } : {}),
    raw: message.id,
  };
}

const lengthOf = (v: string | null): SummaryLength | undefined => (v === "short" || v === "medium" || v === "long" ? v : undefined);

/** What every interaction says about where it comes from and who asked. */
function interactionBase(interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction) {
  return {
    platform: "discord",
    chatId: interaction.channelId,
    chatKind: interaction.guildId ? "group" : "private",
    messageId: interaction.id,
    userId: interaction.user.id,
    fromBot: false,
    edited: false,
  } as const satisfies Partial<Incoming>;
}

export function slashToIncoming(interaction: ChatInputCommandInteraction): Incoming {
  const name = commands.some((c) => c.name === interaction.commandName) ? interaction.commandName : "help";
  if (name !== "summary") {
    // Every other command is read by the same parser as typed text: its options become its words, in declared order.
    const spec = commands.find((c) => c.name === name);
    const words = (spec && "options" in spec ? spec.options : []).map((o) => interaction.options.getString(o.name) ?? "").filter((w) => w !== "");
    return { ...interactionBase(interaction), text: [`/${name}`, ...words].join(" ") };
  }
  const url = interaction.options.getString("url") ?? undefined;
  const length = lengthOf(interaction.options.getString("length"));
  return {
    ...interactionBase(interaction),
    text: "",
    command: { name, ...(url && /^https?:\/\//i.test(url) ? { url } : url ? { text: url } : {}), ...(length ? { length } : {}) },
  };
}

export function contextMenuToIncoming(interaction: MessageContextMenuCommandInteraction): Incoming {
  const target = interaction.targetMessage;
  return {
    ...interactionBase(interaction),
    text: "",
    command: { name: "summary" },
    replyTo: { text: [target.content, ...target.embeds.map((e) => e.url ?? "")].join(" ").trim() },
  };
}
