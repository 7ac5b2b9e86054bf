/**
 * Per-chat settings. In memory for now; the storage layer replaces this behind the same interface.
 */
export type ChatSettings = {
  getAuto(chatKey: string): boolean | undefined;
  setAuto(chatKey: string, on: boolean): void;
};

export function createMemorySettings(): ChatSettings {
  const auto = new Map<string, boolean>();
  return {
    getAuto: (chatKey) => auto.get(chatKey),
    setAuto: (chatKey, on) => void auto.set(chatKey, on),
  };
}
