import { useSyncExternalStore } from "react";

const noSubscribe = () => () => {};
/**
 * false on the server and during hydration, true afterwards (and on every client-side mount).
 * Lets a component render light static markup on the server and its interactive antd form once
 * the page is live, without a hydration mismatch.
 */
export function useHydrated() {
  return useSyncExternalStore(noSubscribe, () => true, () => false);
}
