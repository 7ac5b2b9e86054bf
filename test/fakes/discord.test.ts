import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  Partials,
  PermissionFlagsBits,
  Status,
  type Interaction,
  type Message,
} from "discord.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type JsonObject } from "./discord.js";

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages];

function fixture(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`../fixtures/discord/${name}.json`, import.meta.url), "utf8")) as JsonObject;
}

/** Resolve with the next `event` the client emits (first listener argument) or fail after `ms`. */
function next<T>(client: Client, event: string, ms = 2000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (value: T): void => {
      clearTimeout(timer);
      client.off(event, listener);
      resolve(value);
    };
    client.on(event, listener);
  });
}

/**
 * Destroy a client once its shard is settled. @discordjs/ws 1.2.3 mishandles `destroy()` while a shard
 * waits for HELLO/READY: aborting that wait starts a reconnect, and the first destroy never resolves.
 */
async function stop(c: Client): Promise<void> {
  const busy = [Status.Connecting, Status.Reconnecting, Status.Identifying, Status.Resuming, Status.Nearly, Status.WaitingForGuilds];
  const deadline = Date.now() + 2000;
  while (busy.includes(c.ws.status) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await c.destroy();
}

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  if (client) await stop(client);
  await fake?.close();
  client = undefined;
  fake = undefined;
});

async function start(options: FakeDiscordOptions = {}, partials: Partials[] = []): Promise<{ fake: FakeDiscord; client: Client }> {
  fake = await startFakeDiscord(options);
  client = new Client({ intents: INTENTS, partials, rest: { api: fake.apiBase } });
  const ready = next<Client<true>>(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return { fake, client };
}

describe("fake Discord with the real discord.js Client", () => {
  it("logs in: GET /gateway/bot, HELLO, IDENTIFY with the intents, READY then GUILD_CREATE", async () => {
    const { fake, client } = await start();

    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.name).toBe("Skim Test Guild");
    expect(guild?.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    expect(guild?.members.me?.id).toBe(fake.botUserId);

    // The only REST call discord.js makes to log in.
    expect(fake.calls().map((c) => `${c.method} ${c.path}`)).toEqual(["GET /gateway/bot"]);
    expect(fake.calls()[0]?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(fake.calls()[0]?.headers["user-agent"]).toMatch(/^DiscordBot \(https:\/\/discord\.js\.org/);

    const identify = fake.gatewayFrames(2);
    expect(identify).toHaveLength(1);
    const d = identify[0]?.d as JsonObject;
    expect(d["token"]).toBe(fake.token);
    expect(d["intents"]).toBe(INTENTS.reduce((all, bit) => all | bit, 0));
    expect(d["shard"]).toEqual([0, 1]);
    expect(d["compress"]).toBe(false);
  });

  it("rejects a wrong token with 401 (discord.js: TokenInvalid) and a disallowed intent with 4014", async () => {
    fake = await startFakeDiscord();
    client = new Client({ intents: INTENTS, rest: { api: fake.apiBase } });
    await expect(client.login("not-the-token")).rejects.toMatchObject({ code: "TokenInvalid" });
    expect(fake.calls("/gateway/bot")[0]?.status).toBe(401);
    await stop(client);
    await fake.close();

    fake = await startFakeDiscord({ privilegedIntents: 0 }); // MessageContent not enabled in the "portal"
    client = new Client({ intents: INTENTS, rest: { api: fake.apiBase } });
    await expect(client.login(fake.token)).rejects.toThrow(/disallowed intents/i);
  });

  it("messageCreate → message.reply: POST /channels/:id/messages with message_reference and allowed_mentions", async () => {
    const { fake, client } = await start();
    const seen: Message[] = [];
    client.on(Events.MessageCreate, (message) => {
      seen.push(message);
      if (message.author.bot) return;
      void message.reply({ content: `summary of ${message.content}`, allowedMentions: { parse: [] } });
    });

    const sent = fake.messageCreate({ content: "https://example.com/a" });
    const call = await fake.waitFor("POST", `/channels/${fake.channelId}/messages`);
    expect(call.status).toBe(200);
    expect(call.body).toMatchObject({
      content: "summary of https://example.com/a",
      allowed_mentions: { parse: [] },
      message_reference: { message_id: sent.id },
    });
    expect(seen[0]?.content).toBe("https://example.com/a");
    expect(seen[0]?.guildId).toBe(fake.guildId);
    expect(seen[0]?.author.id).toBe(fake.humanUser.id);
    // Typing never happened, nothing else was sent.
    expect(fake.calls(/\/channels\//).map((c) => c.method)).toEqual(["POST"]);
  });

  it("replays the MESSAGE_CREATE fixtures: link message and a bot's message", async () => {
    const { fake, client } = await start();
    const first = next<Message>(client, Events.MessageCreate);
    fake.dispatch("MESSAGE_CREATE", fixture("message_create.url"));
    const message = await first;
    expect(message.content).toContain("https://example.com/news/2024/09/26/city-council-votes");
    expect(message.mentions.users.has(fake.botUserId)).toBe(true);
    expect(message.author.bot).toBe(false);
    expect(message.member?.id).toBe(fake.humanUser.id);

    const second = next<Message>(client, Events.MessageCreate);
    fake.dispatch("MESSAGE_CREATE", fixture("message_create.from_bot"));
    const fromBot = await second;
    expect(fromBot.author.bot).toBe(true);
    expect(fromBot.author.id).toBe(FAKE_IDS.otherBot);
    expect(fromBot.embeds[0]?.title).toBe("Release notes 4.2");
  });

  it("slash /summary: deferReply → callback type 5 (204, no content-type) → editReply PATCHes @original", async () => {
    const { fake, client } = await start();
    const handled = new Promise<{ url: string | null; length: string | null; admin: boolean | undefined }>((resolve, reject) => {
      client.on(Events.InteractionCreate, (interaction: Interaction) => {
        if (!interaction.isChatInputCommand()) return;
        const url = interaction.options.getString("url");
        const length = interaction.options.getString("length");
        const admin = interaction.memberPermissions?.has(PermissionFlagsBits.Administrator);
        interaction
          .deferReply()
          .then(() => interaction.editReply(`digest of ${url}`))
          .then(() => resolve({ url, length, admin }), reject);
      });
    });

    const sent = fake.interactionCreate({ kind: "slash", options: { url: "https://example.com/b", length: "short" } });
    expect(sent.data.type).toBe(ApplicationCommandType.ChatInput);
    const result = await handled;
    expect(result).toEqual({ url: "https://example.com/b", length: "short", admin: false });

    const callback = await fake.waitFor("POST", `/interactions/${sent.id}/${sent.token}/callback`);
    expect(callback.status).toBe(204);
    expect(callback.body).toMatchObject({ type: 5 });
    expect(callback.headers.authorization).toBeUndefined(); // discord.js sends interaction callbacks without auth
    const edit = await fake.waitFor("PATCH", `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`);
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ content: "digest of https://example.com/b" });
  });

  it("admin checks: member permissions come from the interaction payload", async () => {
    const { fake, client } = await start();
    const checks: boolean[] = [];
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) checks.push(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false);
    });
    fake.interactionCreate({ kind: "slash", admin: true });
    fake.interactionCreate({ kind: "slash" });
    fake.interactionCreate({ kind: "slash", permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages });
    await expect.poll(() => checks.length).toBe(3);
    expect(checks).toEqual([true, false, true]);
  });

  it("message context menu 'Summarize': isMessageContextMenuCommand and targetMessage.content; the fixture too", async () => {
    const { fake, client } = await start();
    const targets: string[] = [];
    client.on(Events.InteractionCreate, (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) return;
      targets.push(interaction.targetMessage.content);
      void interaction.reply({ content: `summarizing ${interaction.targetMessage.id}`, allowedMentions: { parse: [] } });
    });

    const sent = fake.interactionCreate({ kind: "messageContextMenu", target: { content: "read https://example.com/c" } });
    expect(sent.data.type).toBe(ApplicationCommandType.Message);
    const callback = await fake.waitFor("POST", `/interactions/${sent.id}/${sent.token}/callback`);
    const targetId = sent.data.type === ApplicationCommandType.Message ? sent.data.target_id : "";
    expect(callback.body).toMatchObject({ type: 4, data: { content: `summarizing ${targetId}`, allowed_mentions: { parse: [] } } });

    const menu = fixture("interaction_create.message_context_menu");
    fake.dispatch("INTERACTION_CREATE", menu);
    await fake.waitFor("POST", `/interactions/${String(menu["id"])}/${String(menu["token"])}/callback`);
    expect(targets).toEqual(["read https://example.com/c", expect.stringContaining("https://example.com/news/2024/09/26/city-council-votes")]);
  });

  it("replays the slash fixture: options parsed by discord.js, a second reply is refused with 40060", async () => {
    const { fake, client } = await start();
    const replies = new Promise<string | null>((resolve) => {
      client.on(Events.InteractionCreate, (interaction) => {
        if (interaction.isChatInputCommand()) {
          void interaction.reply({ content: "ok" }).then(() => resolve(interaction.options.getString("length")));
        }
      });
    });
    const slash = fixture("interaction_create.slash_summary");
    fake.dispatch("INTERACTION_CREATE", slash);
    expect(await replies).toBe("short");
    // Acknowledging twice is an error on Discord; the fake answers like Discord.
    const callbackRoute = `/interactions/${String(slash["id"])}/${String(slash["token"])}/callback`;
    await expect(client.rest.post(callbackRoute as `/${string}`, { body: { type: 4, data: { content: "again" } }, auth: false })).rejects.toMatchObject({
      status: 400,
      code: 40060,
    });
  });

  it("application.commands.set: PUT bulk overwrite recorded, ids returned and used by later interactions", async () => {
    const { fake, client } = await start();
    const commands = [
      {
        name: "summary",
        description: "Summarize a web page",
        options: [
          { type: ApplicationCommandOptionType.String, name: "url", description: "Page address", required: true },
          {
            type: ApplicationCommandOptionType.String,
            name: "length",
            description: "How long",
            choices: [
              { name: "short", value: "short" },
              { name: "long", value: "long" },
            ],
          },
        ],
      },
      { name: "Summarize", type: ApplicationCommandType.Message },
    ] as const;
    const registered = await client.application?.commands.set([...commands]);
    const put = await fake.waitFor("PUT", `/applications/${fake.applicationId}/commands`);
    expect(put.body).toMatchObject([{ name: "summary", options: [{ name: "url", required: true }, { name: "length" }] }, { name: "Summarize", type: 3 }]);
    expect(registered?.size).toBe(2);
    expect([...(registered?.keys() ?? [])].sort()).toEqual(fake.globalCommands.map((c) => c.id).sort());

    // Bulk overwrite keeps ids of commands that still exist (as Discord does).
    const again = await client.application?.commands.set([commands[0]]);
    expect([...(again?.keys() ?? [])]).toEqual([registered?.find((c) => c.name === "summary")?.id]);

    // Guild commands go to PUT /applications/:app/guilds/:guild/commands.
    await client.application?.commands.set([commands[1]], fake.guildId);
    expect(fake.guildCommands().map((c) => c.name)).toEqual(["Summarize"]);
    expect(await client.application?.commands.fetch().then((c) => c.size)).toBe(1);

    const sent = fake.interactionCreate({ kind: "slash", options: { url: "https://example.com/d" } });
    expect(sent.data.id).toBe(fake.globalCommands[0]?.id);
    const bad = client.application?.commands.set([{ name: "Bad Name", description: "x" }]);
    await expect(bad).rejects.toBeInstanceOf(DiscordAPIError);
  });

  it("429 on POST messages: discord.js waits retry_after and retries; the message arrives once", async () => {
    const { fake, client } = await start();
    fake.failNext(/^\/channels\/\d+\/messages$/, { status: 429, retry_after: 0.1 });
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const limited: number[] = [];
    client.rest.on("rateLimited", (info) => limited.push(info.retryAfter));

    const started = Date.now();
    const message = await channel.send({ content: "hello", allowedMentions: { parse: [] } });
    const elapsed = Date.now() - started;

    const posts = fake.calls(`/channels/${fake.channelId}/messages`, "POST");
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]?.body).toEqual(posts[0]?.body);
    expect(message.content).toBe("hello");
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(1000); // waits on X-RateLimit-Reset-After (0.1 s + 50 ms offset), not the rounded Retry-After
    expect(limited).toHaveLength(1);
  });

  it("global 429 and 5xx: discord.js waits out the global limit, retries 5xx up to 3 times, then throws HTTPError", async () => {
    const { fake, client } = await start();
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");

    fake.failNext(/\/messages$/, { global: true, retry_after: 0.2, retryAfterHeader: "exact" });
    const started = Date.now();
    await channel.send("after a global limit");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(fake.calls(/\/messages$/).map((c) => c.status)).toEqual([429, 200]);

    fake.clearCalls();
    fake.failNext(/\/messages$/, { status: 502 });
    await channel.send("after a 502");
    expect(fake.calls(/\/messages$/).map((c) => c.status)).toEqual([502, 200]);

    fake.clearCalls();
    fake.failNext(/\/messages$/, { status: 500, times: 4 });
    await expect(channel.send("never")).rejects.toBeInstanceOf(HTTPError);
    expect(fake.calls(/\/messages$/).map((c) => c.status)).toEqual([500, 500, 500, 500]);

    // Validation like Discord's: too long, empty.
    await expect(channel.send("x".repeat(2001))).rejects.toMatchObject({ code: 50035 });
    await expect(client.rest.post(`/channels/${fake.channelId}/messages`, { body: { content: "" } })).rejects.toMatchObject({ status: 400, code: 50006 });
  });

  it("dropConnection: discord.js RESUMEs (op 6) with session and seq, missed events are replayed, later messages arrive", async () => {
    const { fake, client } = await start();
    const contents: string[] = [];
    client.on(Events.MessageCreate, (message) => contents.push(message.content));
    fake.messageCreate({ content: "before" });
    await expect.poll(() => contents).toEqual(["before"]);
    const sessionId = fake.sessionId;

    const resumed = next<number>(client, Events.ShardResume, 3000);
    await fake.dropConnection();
    fake.messageCreate({ content: "while away" }); // buffered, replayed after RESUME
    const resume = await fake.waitForGateway(6, undefined, 3000);
    await resumed;

    const d = resume.d as JsonObject;
    expect(d["session_id"]).toBe(sessionId);
    expect(d["token"]).toBe(fake.token);
    expect(d["seq"]).toBe(3); // READY=1, GUILD_CREATE=2, "before"=3
    expect(fake.gatewayFrames(2)).toHaveLength(1); // no second IDENTIFY
    expect(fake.connectionCount).toBe(2);

    fake.messageCreate({ content: "after" });
    await expect.poll(() => contents).toEqual(["before", "while away", "after"]);
  });

  it("requestReconnect (op 7): discord.js closes with 4200 and resumes the same session", async () => {
    const { fake, client } = await start();
    const sessionId = fake.sessionId;
    const resumed = next<number>(client, Events.ShardResume, 3000);
    fake.requestReconnect();
    const resume = await fake.waitForGateway(6, undefined, 3000);
    await resumed;
    expect((resume.d as JsonObject)["session_id"]).toBe(sessionId);
    expect(fake.gatewayFrames(2)).toHaveLength(1);
  });

  it("answers heartbeats (op 1 → op 11); discord.js measures the ping", async () => {
    const { fake, client } = await start({ heartbeatIntervalMs: 50 });
    await fake.waitForGateway(1);
    await expect.poll(() => client.ws.ping, { timeout: 2000 }).toBeGreaterThanOrEqual(0);
  });

  it("DMs: MESSAGE_CREATE without guild_id (channel_type 1) reaches discord.js only with Partials.Channel; the reply goes to the DM channel", async () => {
    const started = await start({}, [Partials.Channel]);
    const dms: Message[] = [];
    started.client.on(Events.MessageCreate, (message) => {
      dms.push(message);
      void message.reply("in the DM");
    });
    const sent = started.fake.messageCreate({ guild_id: null, content: "https://example.com/dm" });
    expect(sent.channel_type).toBe(ChannelType.DM);
    const reply = await started.fake.waitFor("POST", `/channels/${sent.channel_id}/messages`);
    expect(reply.status).toBe(200);
    expect(dms[0]?.channel.type).toBe(ChannelType.DM);
    expect(dms[0]?.guildId).toBeNull();

    // The same without Partials.Channel: discord.js drops the DM (its channel is not cached).
    await stop(started.client);
    const plain = new Client({ intents: INTENTS, rest: { api: started.fake.apiBase } });
    client = plain;
    const ready = next(plain, Events.ClientReady);
    await plain.login(started.fake.token);
    await ready;
    const seen: string[] = [];
    plain.on(Events.MessageCreate, (message) => seen.push(message.content));
    started.fake.messageCreate({ guild_id: null, content: "dropped" });
    started.fake.messageCreate({ content: "guild message arrives" });
    await expect.poll(() => seen).toEqual(["guild message arrives"]);
  });

  it("echoBotMessages: the bot's own messages come back as MESSAGE_CREATE, as on Discord", async () => {
    const { fake, client } = await start({ echoBotMessages: true });
    const own = next<Message>(client, Events.MessageCreate);
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const sent = await channel.send("my own words");
    const echoed = await own;
    expect(echoed.id).toBe(sent.id);
    expect(echoed.author.id).toBe(client.user?.id);
  });

  it("client.destroy() + fake.close() leave no sockets, servers or timers behind", async () => {
    const before = process.getActiveResourcesInfo();
    const count = (list: string[], kind: string): number => list.filter((r) => r === kind).length;
    const { fake: f, client: c } = await start({ heartbeatIntervalMs: 50 });
    fake = undefined;
    client = undefined;
    const channel = c.channels.cache.get(f.channelId);
    if (channel?.isSendable()) await channel.send("one request, so the REST agent holds a keep-alive socket");
    await f.dropConnection();
    await f.waitForGateway(6, undefined, 3000);
    await c.destroy();
    await f.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = process.getActiveResourcesInfo();
    expect(count(after, "TCPSocketWrap")).toBe(0);
    expect(count(after, "TCPServerWrap")).toBe(0);
    expect(count(after, "Timeout")).toBeLessThanOrEqual(count(before, "Timeout"));
  });

  it("records unknown routes and wrong auth; waitFor lists what it saw when it times out", async () => {
    fake = await startFakeDiscord();
    const unknown = await fetch(`${fake.apiBase}/v10/nope/123`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: "404: Not Found", code: 0 });
    const unauthorized = await fetch(`${fake.apiBase}/v10/users/@me`, { headers: { authorization: "Bot wrong" } });
    expect(unauthorized.status).toBe(401);
    expect(fake.calls().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(["GET /nope/123 404", "GET /users/@me 401"]);

    const error = await fake.waitFor("POST", /\/messages$/, undefined, 50).catch((e: unknown) => e);
    expect(String(error)).toContain("no POST /\\/messages$/ within 50 ms; calls seen:\n  GET /nope/123 -> 404\n  GET /users/@me -> 401");
  });
});
