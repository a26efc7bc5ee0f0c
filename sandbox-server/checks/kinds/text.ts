// contains / matches, shared by logs, files, volumes, HTTP bodies and commands.
import { toRegExp } from '../../../lessons/schema.js';
import { q } from '../describe.js';

export interface TextExpectation {
  contains?: string | undefined;
  matches?: string | undefined;
}

export const wantsText = (e: TextExpectation): boolean => e.contains !== undefined || e.matches !== undefined;

/**
 * Undefined when the text meets the expectation, else what is missing ("does not contain 'x'").
 * A pattern is never shown: learners read the check's label, which says in words what the
 * pattern stands for (the schema requires one), and this says only that the text differs.
 */
export function textProblem(text: string, e: TextExpectation): string | undefined {
  const missing: string[] = [];
  if (e.contains !== undefined && !text.includes(e.contains)) missing.push(`does not contain ${q(e.contains)}`);
  if (e.matches !== undefined && !toRegExp(e.matches).test(text)) missing.push('does not show what the step expects');
  return missing.length ? missing.join(' and ') : undefined;
}

/** What was found, for "contains 'x'" style observations in passing messages. */
export function textFacts(e: TextExpectation): string {
  return [...(e.contains !== undefined ? [`contains ${q(e.contains)}`] : []), ...(e.matches !== undefined ? ['shows what the step expects'] : [])].join(' and ');
}
