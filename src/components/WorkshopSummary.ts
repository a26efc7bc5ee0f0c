// The end-of-workshop summary (WorkshopSummary.astro): the learner's progress in each of the
// workshop's lessons, from GET /api/lessons (this session's steps done), and what they may do
// next. Practice is offered only when the server says it would give a sandbox (`practice` in the
// learner's state), so the button never leads to a refusal.
import type { LearnerState } from '../../contract/classroom-events.js';
import type { LessonList } from '../../contract/lessons-api.js';
import { send } from '../lib/api.js';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Fills `section` with `me`'s summary (once the workshop has ended); `practise` starts the practice sandbox. */
export function workshopSummary(section: HTMLElement, practise: () => void): { show(me: LearnerState): Promise<void>; practising(): void } {
  const total = section.querySelector<HTMLElement>('.summary-total')!;
  const list = section.querySelector<HTMLElement>('.summary-lessons')!;
  const practice = section.querySelector<HTMLElement>('.summary-practice')!;
  const button = section.querySelector<HTMLButtonElement>('.summary-practise')!;
  /** The learner took up practice: the summary stays, the offer goes. */
  let active = false;
  const practising = () => {
    active = true;
    button.hidden = true;
    practice.textContent = 'You are practising in a sandbox of your own; it is not part of the workshop.';
  };
  button.addEventListener('click', () => {
    practising();
    practise();
  });

  return {
    async show(me) {
      const { lessons } = (await send<LessonList>('/api/lessons').catch(() => ({ body: { lessons: [] } as Pick<LessonList, 'lessons'> }))).body;
      const bySlug = new Map(lessons.map((lesson) => [lesson.slug, lesson]));
      let steps = 0;
      let done = 0;
      let finished = 0;
      const items = me.workshop.lessons.map(({ slug, title }) => {
        const lesson = bySlug.get(slug);
        const item = document.createElement('li');
        const a = document.createElement('a');
        a.href = `/lessons/${slug}/`;
        a.textContent = title;
        const status = document.createElement('span');
        if (lesson) {
          steps += lesson.steps;
          done += lesson.done;
          if (lesson.done === lesson.steps) finished += 1;
          status.textContent = lesson.done === lesson.steps ? ' · ✓ finished' : ` · ${lesson.done} of ${lesson.steps} steps`;
          status.className = lesson.done === lesson.steps ? 'finished' : '';
        }
        item.append(a, status);
        return item;
      });
      list.replaceChildren(...items);
      total.textContent = `You completed ${finished} of ${plural(me.workshop.lessons.length, 'lesson')} of "${me.workshop.title}" (${done} of ${plural(steps, 'step')}). Your results are kept; you may still read every lesson.`;
      practice.textContent = me.practice
        ? 'You may keep practising in a sandbox of your own. It is not part of the workshop and ends like any sandbox outside one.'
        : 'Practice sandboxes are not offered on this server after a workshop, so the terminal takes no input. To keep practising, run Slipway on your own computer with Docker, or ask your instructor.';
      button.hidden = !me.practice;
      section.hidden = false;
      if (active) practising();
    },
    practising,
  };
}
