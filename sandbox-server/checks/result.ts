// What a check says about the sandbox. A kind module answers a Verdict; the evaluator adds what
// is common (kind, label, timing) to make a CheckResult.
import type { CheckKind } from '../../lessons/schema.js';

export interface Verdict {
  passed: boolean;
  /** In plain words: what was observed and, when failing, what was expected instead. */
  message: string;
}

export interface CheckResult extends Verdict {
  kind: CheckKind;
  /** What the check expects (the author's label, or one generated from the check's fields). */
  label: string;
  /** True when the check could not look at all (engine down, timeout): not the learner's doing. */
  error?: boolean;
  /** The results inside an `all` or `any`. */
  checks?: CheckResult[];
  /** How long the evaluation took, in milliseconds. */
  ms: number;
}

export interface StepResult {
  passed: boolean;
  /** The first failing check's message, or what the passing checks observed. */
  message: string;
  checks: CheckResult[];
}

export const pass = (message: string): Verdict => ({ passed: true, message });
export const fail = (message: string): Verdict => ({ passed: false, message });
