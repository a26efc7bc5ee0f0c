// Tells the server what help the learner used on the lesson page (a hint shown, a solution
// opened, a Run button pressed), for the instructor's exports. Fire and forget: a report that
// does not arrive costs the learner nothing, so errors are ignored and nothing waits for it.
import type { UsageBody } from '../../contract/lessons-api.js';

/** Reports one use on the lesson this page shows; does nothing outside a lesson (the playground). */
export function reportUse(use: UsageBody): void {
  const lesson = document.querySelector<HTMLElement>('[data-lesson]')?.dataset.lesson;
  if (!lesson) return;
  void fetch(`/api/lessons/${encodeURIComponent(lesson)}/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(use),
    keepalive: true,
  }).catch(() => undefined);
}
