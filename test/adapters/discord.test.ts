import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discordCommands } from "../../adapters/discord/register.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";

const HOSTILE_TITLE = "@everyone look *here* <@123>";
let pages: Awaited<ReturnType<typeof startArticleServer>>;
let base = "";
beforeAll(async () => {
  pages = await startArticleServer(HOSTILE_TITLE);
  base = pages.base;
});
afterAll(() => pages.close());

type Body = { content?: string; allowed_mentions?: { parse?: string[] }; message_reference?: { message_id: string }; flags?: number };
const body = (c: { body?: unknown }) => (c.body ?? {}) as Body;

describe("Discord command data, from the one command table", () => {
  it("has the slash commands and the Summarize context-menu entry", () => {
    const data = discordCommands();
    expect(data.map((c) => c.name)).toEqual(expect.arrayContaining(["summary", "auto", "help", "Summarize"]));
    expect(data.find((c) => c.name === "Summarize")).toMatchObject({ type: 3 });
  });
});

describe("Skim on Discord (discord.js against a fake REST API and gateway)", () => {
  let fake: FakeDiscord;
  let skim: RunningSkim;

  beforeAll(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
    skim = startSkim({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      SKIM_ALLOW_PRIVATE_HOSTS: "true",
    });
    await fake.waitFor("PUT", /^\/applications\/\d+\/commands$/, undefined, 15_000);
  });
  afterAll(async () => {
    expect(await skim.stop()).toBe(0);
    await fake.close();
  });

  it("registers its commands at start", () => {
    expect(fake.globalCommands.map((c) => c.name)).toEqual(expect.arrayContaining(["summary", "auto", "help", "Summarize"]));
  });

  it("answers /summary with a deferred reply edited into the digest", async () => {
    fake.interactionCreate({ kind: "slash", options: { url: `${base}/story/1`, length: "short" } });
    await fake.waitFor("POST", /\/interactions\/\d+\/[^/]+\/callback/, (c) => (c.body as { type?: number }).type === 5, 10_000);
    const edit = await fake.waitFor("PATCH", /\/messages\/@original$/, (c) => (body(c).content ?? "").includes("Story /story/1"), 10_000);
    expect(body(edit).content!.match(/^- /gm)).toHaveLength(2);
    expect(body(edit).allowed_mentions?.parse).toEqual([]);
  });

  it("summarizes the message the Summarize entry is used on", async () => {
    fake.interactionCreate({ kind: "messageContextMenu", target: { content: `have a look ${base}/story/2` } });
    await fake.waitFor("PATCH", /\/messages\/@original$/, (c) => (body(c).content ?? "").includes("Story /story/2"), 10_000);
  });

  it("answers a failure only to the asker", async () => {
    fake.interactionCreate({ kind: "slash", options: { url: `${base}/gone` } });
    const followUp = await fake.waitFor("POST", /^\/webhooks\/\d+\/[^/]+$/, (c) => /HTTP 404/.test(body(c).content ?? ""), 10_000);
    expect((body(followUp).flags ?? 0) & 64).toBe(64);
  });

  it("stays quiet on links in a server channel until an admin turns auto mode on, then replies pinging no one", async () => {
    const before = fake.calls(/^\/channels\/\d+\/messages$/, "POST").length;
    fake.messageCreate({ content: `${base}/story/3` });
    fake.interactionCreate({ kind: "slash", name: "auto", options: { mode: "on" } });
    const refused = await fake.waitFor("POST", /^\/webhooks\/\d+\/[^/]+$/, (c) => /only the chat's admins/i.test(body(c).content ?? ""), 10_000);
    expect((body(refused).flags ?? 0) & 64).toBe(64);
    fake.interactionCreate({ kind: "slash", name: "auto", options: { mode: "on" }, admin: true });
    await fake.waitFor("PATCH", /\/messages\/@original$/, (c) => /Auto\\?-summaries are on/.test(body(c).content ?? ""), 10_000);
    fake.messageCreate({ content: `${base}/hostile` });
    const reply = await fake.waitFor("POST", /^\/channels\/\d+\/messages$/, (c) => (body(c).content ?? "").includes("look"), 10_000);
    expect(body(reply).allowed_mentions?.parse).toEqual([]);
    expect(body(reply).message_reference?.message_id).toBeTruthy();
    expect(body(reply).content).not.toMatch(/@everyone|<@123>/);
    const sent = fake.calls(/^\/channels\/\d+\/messages$/, "POST").slice(before);
    expect(sent.some((c) => (body(c).content ?? "").includes("Story /story/3"))).toBe(false);
  });

  it("takes digest commands with their options from slash commands, for admins", async () => {
    fake.interactionCreate({ kind: "slash", name: "subscribe", options: { source: `${base}/feed.xml`, time: "07:15", timezone: "Europe/Paris" }, admin: true });
    // Discord Markdown escapes the parentheses: "07:15 \(Europe/Paris\)".
    await fake.waitFor("PATCH", /\/messages\/@original$/, (c) => /Subscribed.*07:15 \\?\(Europe\/Paris\\?\)/.test(body(c).content ?? ""), 10_000);
    fake.interactionCreate({ kind: "slash", name: "subscriptions", options: {} });
    await fake.waitFor("PATCH", /\/messages\/@original$/, (c) => /1\\?\. .*07:15 Europe\/Paris/.test(body(c).content ?? ""), 10_000);
  });

  it("replies to a link sent in a direct message", async () => {
    fake.messageCreate({ guild_id: null, channel_id: "1288499999999999999", author: { id: "1288497000000000001", username: "dm-reader" }, content: `${base}/story/4` });
    await fake.waitFor("POST", /^\/channels\/\d+\/messages$/, (c) => (body(c).content ?? "").includes("Story /story/4"), 10_000);
  });

  it("resumes after the gateway drops the connection and answers the next message", async () => {
    fake.dropConnection(4000);
    await fake.waitForGateway(6, undefined, 10_000);
    fake.messageCreate({ guild_id: null, channel_id: "1288499999999999998", author: { id: "1288497000000000002", username: "late-reader" }, content: `${base}/story/5` });
    await fake.waitFor("POST", /^\/channels\/\d+\/messages$/, (c) => (body(c).content ?? "").includes("Story /story/5"), 10_000);
  });
});
