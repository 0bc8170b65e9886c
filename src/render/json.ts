import type { Scorecard } from "../engine/model.js";

/** The catalogue's output contract, as one JSON document. */
export function renderJson(card: Scorecard): string {
  return JSON.stringify(card, null, 2) + "\n";
}
