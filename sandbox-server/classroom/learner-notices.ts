// The words a learner's lesson page shows when an instructor acts on them (reset, more time,
// removed, taken back, the workshop ended, a message or hint, a hand seen, a step marked): who did what and what it means for them. Kept
// together so they read as one voice; the event's shape is the shared contract's
// (contract/classroom-events.ts).
import type { ClassroomAction, ClassroomNotice } from '../../contract/classroom-events.js';

/** Who acted, as the learner reads it, when the instructor has no name to give. */
export const INSTRUCTOR = 'Your instructor';

/** "Your instructor Dana" for a named instructor, else "Your instructor". */
export const spokenBy = (name?: string | null): string => (name ? `${INSTRUCTOR} ${name}` : INSTRUCTOR);

/** Who did it, and the words the page shows. */
export type NoticeWords = Pick<ClassroomNotice, 'by' | 'title' | 'message'>;

const minutes = (n: number) => (n === 1 ? '1 more minute' : `${n} more minutes`);

export const classroomWords = {
  resetting: (by: string): NoticeWords => ({
    by,
    title: 'Sandbox being reset',
    message: `${by} is resetting your sandbox: the old one is going away and a fresh one is on its way. Your finished steps stay finished.`,
  }),
  reset: (by: string): NoticeWords => ({
    by,
    title: 'Sandbox reset',
    message: `${by} reset your sandbox: you are now in a fresh one. Your finished steps stay finished.`,
  }),
  extended: (by: string, added: number, everyone: boolean): NoticeWords => ({
    by,
    title: 'More time',
    message: `${by} gave ${everyone ? 'everyone' : 'you'} ${minutes(added)}: the time left above counts them.`,
  }),
  removed: (by: string): NoticeWords => ({
    by,
    title: 'Removed from the workshop',
    message: `${by} removed you from this workshop: your sandbox has ended and the terminal takes no more input. Your finished steps are kept; if this is a mistake, ask your instructor, who can take you back.`,
  }),
  readmitted: (by: string, position: number | null): NoticeWords => ({
    by,
    title: 'Back in the workshop',
    message:
      position === null
        ? `${by} took you back into the workshop: you have a sandbox again, and your finished steps are kept.`
        : `${by} took you back into the workshop: you are number ${position} in the queue for a sandbox, and your finished steps are kept.`,
  }),
  ended: (by: string): NoticeWords => ({
    by,
    title: 'Workshop ended',
    message: `${by} ended the workshop: its sandboxes are gone and your results are kept. Thank you for taking part!`,
  }),
  message: (by: string, text: string): NoticeWords => ({ by, title: `${by}, to everyone`, message: text }),
  hint: (by: string, text: string): NoticeWords => ({ by, title: `${by}, to you`, message: text }),
  hand_cleared: (by: string): NoticeWords => ({
    by,
    title: 'Hand seen',
    message: `${by} has seen your raised hand and lowered it. Raise it again if you still need help.`,
  }),
  marked: (by: string, step: string): NoticeWords => ({
    by,
    title: 'Step marked done',
    message: `${by} marked "${step}" done for you: go on with the next step.`,
  }),
  unmarked: (by: string, step: string): NoticeWords => ({
    by,
    title: 'Step marked not done',
    message: `${by} marked "${step}" not done: its checks look at your sandbox again.`,
  }),
} satisfies Record<ClassroomAction, (by: string, ...rest: never[]) => NoticeWords>;
