import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  Routes,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type REST,
} from "discord.js";
import type { Adapter, Core } from "../../src/core.js";
import { renderReply } from "../../src/render/reply.js";
import type { Incoming, Reply } from "../../src/types.js";
import { discordCommands } from "./register.js";
import { canManage, contextMenuToIncoming, messageToIncoming, slashToIncoming } from "./translate.js";

/**
 * Discord through discord.js: slash commands, the "Summarize" message context-menu entry, and
 * links posted in channels where auto mode is on (reading them needs the privileged Message
 * Content intent). Every reply is sent with mentions disabled, so a hostile title pings no one.
 */
export type DiscordConfig = {
  token: string;
  applicationId: string;
  apiBase: string | null;
  guildId: string | null;
  /** False: send only (digests) over REST, no gateway connection; another process takes the events. */
  receive?: boolean;
  /** False in shard processes: the process that started them registered the commands once. */
  registerCommands?: boolean;
};

/** Overwrites the command set (globally, or in the one test server): running it again changes nothing. */
export async function registerCommands(rest: REST, config: Pick<DiscordConfig, "applicationId" | "guildId">): Promise<void> {
  const route = config.guildId ? Routes.applicationGuildCommands(config.applicationId, config.guildId) : Routes.applicationCommands(config.applicationId);
  await rest.put(route, { body: discordCommands() });
}

/** Start-up failures an operator can fix, in one sentence each; anything else as it came. */
export function explainDiscordError(err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  const status = (err as { status?: unknown } | null)?.status;
  if (code === "TokenInvalid" || status === 401) {
    return new Error("Discord rejected DISCORD_TOKEN (401 Unauthorized): copy the token again from the Bot page of the Developer Portal");
  }
  if (code === "DisallowedIntents" || /disallowed intents/i.test(err instanceof Error ? err.message : "")) {
    return new Error("Discord refused the Message Content intent: enable it on the Bot page of the Developer Portal (Privileged Gateway Intents)");
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Unknown Channel, Missing Access, Missing Permissions, Cannot send messages to this user: the chat is gone for Skim. */
const GONE_CODES = new Set([10003, 50001, 50013, 50007]);

const NO_MENTIONS = { parse: [] as never[], repliedUser: false };

/** A reply is a failure when it says nothing but why it could not help: shown only to the asker. */
const isFailure = (reply: Reply) => reply.kind === "notice" || (reply.kind === "digests" && reply.items.every((i) => "reason" in i));

export function createDiscordAdapter(core: Core, config: DiscordConfig): Adapter {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    ...(config.apiBase ? { rest: { api: config.apiBase } } : {}),
  });

  const log = (what: string, err: unknown) => core.log.error(`discord: ${what}: ${err instanceof Error ? err.message : String(err)}`);

  const onMessage = async (message: Message) => {
    if (message.author.bot || message.author.id === client.user?.id) return;
    // "/summary" typed as a reply needs the message it answers.
    const referenced = message.reference && /^\/\w/.test(message.content) ? await message.fetchReference().catch(() => null) : null;
    const msg = messageToIncoming(message, referenced);
    let typing = false;
    const reply = await core.handle(msg, {
      isAdmin: async () => !message.guild || canManage(message.member?.permissions),
      working: () => {
        if (typing || !("sendTyping" in message.channel)) return;
        typing = true;
        message.channel.sendTyping().catch(() => {});
      },
    });
    for (const content of renderReply(reply, "discord", core.render)) await message.reply({ content, allowedMentions: NO_MENTIONS });
  };

  const onCommand = async (interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction, msg: Incoming) => {
    // Discord wants an answer within three seconds: say "thinking" first, then edit it.
    await interaction.deferReply();
    const reply = await core.handle(msg, { isAdmin: async () => !interaction.inGuild() || canManage(interaction.memberPermissions) });
    const messages = renderReply(reply, "discord", core.render);
    if (messages.length === 0) {
      await interaction.deleteReply();
      return;
    }
    if (isFailure(reply)) {
      // A deferred reply cannot become ephemeral: replace it with an ephemeral follow-up.
      await interaction.deleteReply();
      for (const content of messages) await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.editReply({ content: messages[0]!, allowedMentions: NO_MENTIONS });
    for (const content of messages.slice(1)) await interaction.followUp({ content, allowedMentions: NO_MENTIONS });
  };

  const onInteraction = async (interaction: Interaction) => {
    if (interaction.isChatInputCommand()) await onCommand(interaction, slashToIncoming(interaction));
    else if (interaction.isMessageContextMenuCommand()) await onCommand(interaction, contextMenuToIncoming(interaction));
  };

  client.on(Events.MessageCreate, (m) => void onMessage(m).catch((err: unknown) => log("message", err)));
  client.on(Events.InteractionCreate, (i) => void onInteraction(i).catch((err: unknown) => log("interaction", err)));
  client.on(Events.Error, (err) => log("client", err));
  // Removed from a server, or a channel deleted: what Skim stored for those channels goes too.
  // discord.js empties a guild's channel cache before it emits GuildDelete, so the ids are noted
  // as the packet arrives. An outage (`unavailable: true`) is no removal: nothing is deleted.
  const leaving = new Map<string, string[]>();
  client.on(Events.Raw, (packet: unknown) => {
    const removed = guildRemoval(packet);
    const guild = removed === null ? undefined : client.guilds.cache.get(removed);
    if (guild) leaving.set(guild.id, [...guild.channels.cache.keys()]);
  });
  client.on(Events.GuildDelete, (guild) => {
    const ids = leaving.get(guild.id) ?? [...guild.channels.cache.keys()];
    leaving.delete(guild.id);
    for (const id of ids) void core.forgetChat(`discord:${id}`).catch((err: unknown) => log("forget", err));
  });
  client.on(Events.ChannelDelete, (channel) => void core.forgetChat(`discord:${channel.id}`).catch((err: unknown) => log("forget", err)));

  return {
    name: "discord",
    start: async () => {
      if (config.receive === false) {
        client.token = config.token;
        client.rest.setToken(config.token);
        return;
      }
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.token).catch((err: unknown) => {
        throw explainDiscordError(err);
      });
      await ready;
      if (config.registerCommands !== false) await registerCommands(client.rest, config);
    },
    stop: async () => {
      await client.destroy();
    },
    send: async (chatId, reply) => {
      try {
        const channel = await client.channels.fetch(chatId);
        if (!channel || !channel.isSendable()) return { ok: false, permanent: true, detail: "not a channel Skim can write to" };
        for (const content of renderReply(reply, "discord", core.render)) await channel.send({ content, allowedMentions: NO_MENTIONS });
        return { ok: true };
      } catch (err) {
        const code = err instanceof DiscordAPIError ? err.code : null;
        return { ok: false, permanent: code !== null && GONE_CODES.has(Number(code)), detail: err instanceof Error ? err.message : String(err) };
      }
    },
    finished: new Promise<void>(() => {}),
  };
}

/** The guild id of a GUILD_DELETE dispatch that removes Skim from a server (not an outage), else null. */
function guildRemoval(packet: unknown): string | null {
  if (typeof packet !== "object" || packet === null) return null;
  const { t, d } = packet as { t?: unknown; d?: unknown };
  if (t !== "GUILD_DELETE" || typeof d !== "object" || d === null) return null;
  const { id, unavailable } = d as { id?: unknown; unavailable?: unknown };
  return typeof id === "string" && unavailable !== true ? id : null;
}
