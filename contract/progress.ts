// A learner's progress in a lesson as the API and the lesson page see it: each step done,
// current (the one being worked on, with its last result), skipped by the learner (not done;
// the steps after it go on), or pending. Computed on the server (checks/progress-view.ts).
import { z } from 'zod';

/** One check's last result; `passed: null` until it was evaluated. A combination holds its parts. */
export interface CheckView {
  kind: string;
  label: string;
  passed: boolean | null;
  message: string | null;
  error?: boolean;
  checks?: CheckView[];
}

export const checkView: z.ZodType<CheckView> = z.lazy(() =>
  z.object({
    kind: z.string(),
    label: z.string(),
    passed: z.boolean().nullable(),
    message: z.string().nullable(),
    error: z.boolean().optional(),
    checks: z.array(checkView).optional(),
  }),
);

export const stepStatus = z.enum(['done', 'current', 'skipped', 'pending']);
export type StepStatus = z.infer<typeof stepStatus>;

export const stepView = z.object({
  id: z.string(),
  title: z.string(),
  status: stepStatus,
  /** When the step became the current one. */
  firstSeenAt: z.number().nullable(),
  doneAt: z.number().nullable(),
  /** Commands related to this step (and "check" presses while it was current). */
  attempts: z.number().int(),
  /** When the learner skipped it, if they did and it is not done. */
  skippedAt: z.number().nullable(),
  /** The instructor who marked the step done for the learner (a check that misfired); null when its checks did. */
  markedBy: z.string().nullable(),
  /** True for a step checked wherever it stands (its checks assume nothing about the steps before). */
  independent: z.boolean(),
  /** The last result's message: what was observed, and what was expected if it fails. */
  message: z.string().nullable(),
  checkedAt: z.number().nullable(),
  checks: z.array(checkView),
});
export type StepView = z.infer<typeof stepView>;

export const lessonProgressView = z.object({
  lesson: z.string(),
  title: z.string(),
  openedAt: z.number().nullable(),
  done: z.number().int(),
  total: z.number().int(),
  steps: z.array(stepView),
  /** Steps not reached yet whose checks already pass: the learner's work for them is there. */
  ahead: z.array(z.string()),
});
export type LessonProgressView = z.infer<typeof lessonProgressView>;

/** One step whose result changed, with the lesson's new count. */
export const stepUpdate = z.object({
  lesson: z.string(),
  step: stepView,
  done: z.number().int(),
  total: z.number().int(),
});
export type StepUpdate = z.infer<typeof stepUpdate>;
