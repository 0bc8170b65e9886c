import type { Scorecard } from "../engine/model.js";

/**
 * The catalogue's output contract, as one JSON document. Which workflow a piece of evidence comes from is
 * the engine's working knowledge for verification; the contract shows what GitHub's records said of it.
 */
export function renderJson(card: Scorecard): string {
  return JSON.stringify(card, (key, value: unknown) => (key === "workflow" ? undefined : value), 2) + "\n";
}
