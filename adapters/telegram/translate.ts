import type { Message, MessageEntity, Update } from "telegraf/types";
import type { ChatKind, Incoming } from "../../src/types.js";

/** Telegram's user for anonymous group admins: its messages speak for the group itself. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

type AnyMessage = Message & { text?: string; caption?: string; entities?: MessageEntity[]; caption_entities?: MessageEntity[] };

/** Link targets hidden behind text (`text_link`); plain URLs are found in the text by the core. */
function hiddenLinks(message: AnyMessage): string[] {
  const entities = [...(message.entities ?? []), ...(message.caption_entities ?? [])];
  return entities.flatMap((e) => (e.type === "text_link" ? [e.url] : []));
}

const chatKind = (type: string): ChatKind => (type === "private" ? "private" : type === "channel" ? "channel" : "group");

/** The message an update carries, and whether it is an edit; null for updates Skim does not read. */
function messageOf(update: Update): { message: AnyMessage; edited: boolean } | null {
  if ("message" in update) return { message: update.message as AnyMessage, edited: false };
  if ("edited_message" in update) return { message: update.edited_message as AnyMessage, edited: true };
  if ("channel_post" in update) return { message: update.channel_post as AnyMessage, edited: false };
  if ("edited_channel_post" in update) return { message: update.edited_channel_post as AnyMessage, edited: true };
  return null;
}

export function toIncoming(update: Update): Incoming | null {
  const found = messageOf(update);
  if (!found) return null;
  const { message, edited } = found;
  const reply = "reply_to_message" in message ? (message.reply_to_message as AnyMessage | undefined) : undefined;
  const replyText = reply ? (reply.text ?? reply.caption ?? "") : "";
  const from = message.from;
  return {
    platform: "telegram",
    chatId: String(message.chat.id),
    chatKind: chatKind(message.chat.type),
    messageId: String(message.message_id),
    // Channel posts have no author; anonymous admins post as the group (sender_chat).
    userId: String(from?.id ?? message.sender_chat?.id ?? message.chat.id),
    fromBot: from?.is_bot === true && from.id !== GROUP_ANONYMOUS_BOT_ID,
    edited,
    text: message.text ?? message.caption ?? "",
    links: hiddenLinks(message),
    ...(reply && (replyText !== "" || hiddenLinks(reply).length > 0) ? { replyTo: { text: replyText, links: hiddenLinks(reply) } } : {}),
    raw: update,
  };
}
