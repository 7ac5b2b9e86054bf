import type { Store } from "./store/types.js";

/**
 * Per-chat settings as the handler needs them. Backed by the store in the running bot, by a map
 * in unit tests.
 */
export type ChatSettings = {
  getAuto(chatKey: string): Promise<boolean | undefined>;
  setAuto(chatKey: string, on: boolean): Promise<void>;
};

export function createMemorySettings(): ChatSettings {
  const auto = new Map<string, boolean>();
  return {
    getAuto: async (chatKey) => auto.get(chatKey),
    setAuto: async (chatKey, on) => void auto.set(chatKey, on),
  };
}

export function storeSettings(store: Store): ChatSettings {
  return {
    getAuto: async (chatKey) => (await store.getSettings(chatKey)).auto ?? undefined,
    setAuto: async (chatKey, on) => void (await store.updateSettings(chatKey, { auto: on })),
  };
}
