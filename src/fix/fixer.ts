import type { Facts } from "../engine/facts/index.js";
import type { Predicate, Scorecard, Status } from "../engine/model.js";
import type { Fix, ProposedFile } from "./model.js";
import type { Project } from "./project.js";

export interface FixContext {
  facts: Facts;
  card: Scorecard;
  project: Project;
  /** Files the fixers before this one have proposed in the same run (a Dockerfile for the delivery job). */
  planned: ProposedFile[];
  statusOf: (rule: string) => Status | undefined;
  /** Whether a catalogue predicate holds (`{ use: "metricsExported" }`): fixers ask the rules' own questions. */
  holds: (predicate: Predicate) => boolean;
}

/** A fixer: the rules it makes pass, and a pure function from what the audit knows to the files that do it. */
export interface Fixer {
  id: string;
  rules: string[];
  propose: (ctx: FixContext) => Proposal | { skip: string };
}

export interface Proposal extends Omit<Fix, "fixer" | "rules"> {
  /** Rules of this fixer the files cannot help, with the reason (CI cannot run tests that do not exist). */
  notFixed?: { rule: string; reason: string }[];
}

/** Whether a rule already has its full credit (or is not judged), so a fixer has nothing to add for it. */
export function settled(ctx: FixContext, rule: string): boolean {
  const s = ctx.statusOf(rule);
  return s === undefined || s === "pass" || s === "exempt";
}
