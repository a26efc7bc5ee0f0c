// Keeps the step checklist in step with the server's check results (the lesson's event
// stream), reveals hints one at a time (a hint's file link opens the file in the editor at its
// line), sends solutions to the terminal, and lets the learner skip a step. A step shows as failing only after an attempt at it (a related command or
// "Check now"), never because of a command aimed elsewhere.
import { reportUse } from '../lib/usage.js';
import type { LessonProgressView, StepUpdate, StepView } from '../../contract/progress.js';
import { api, explain } from '../lib/api.js';
import { PROGRESS_EVENT, STEP_EVENT } from '../lib/lesson-events.js';
import { runInTerminal } from './TerminalRun.js';
import { openInEditor } from './WorkspaceEditor.js';

const root = document.querySelector<HTMLElement>('.step-list');
if (root) {
  const lesson = root.dataset.lesson!;
  const items = new Map([...root.querySelectorAll<HTMLLIElement>('li.step')].map((li) => [li.dataset.step!, li]));
  const count = root.querySelector<HTMLElement>('.step-count')!;
  const total = items.size;

  const STATUS_WORDS = { done: 'done', current: 'in progress', failing: 'not done yet', skipped: 'skipped', pending: 'not started' } as const;
  const ids = [...items.keys()];
  let ahead: string[] = [];

  /** "step 4", "steps 4 and 5", "steps 4, 5 and 7". */
  const stepNames = (list: string[]): string => {
    const numbers = list.map((id) => String(ids.indexOf(id) + 1));
    if (numbers.length === 1) return `step ${numbers[0]}`;
    return `steps ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
  };

  const messageFor = (step: StepView, status: keyof typeof STATUS_WORDS): string => {
    if (status === 'done') return step.markedBy ? `Marked done by your instructor (${step.markedBy}).` : '';
    if (status === 'pending') return '';
    if (status === 'skipped') return 'Skipped: the steps after it are checked now. It still turns done by itself if your work for it holds.';
    const said = step.message ?? '';
    if (ahead.length === 0) return status === 'failing' ? said : said && step.checkedAt !== null && step.checks.some((c) => c.passed === false) ? '' : said;
    // The learner did later steps first (or another way): say so instead of showing nothing.
    const index = ids.indexOf(step.id) + 1;
    return `Your work for ${stepNames(ahead)} is already there; step ${index} still differs${said ? `: ${said}` : '.'} If you believe step ${index} is done, you can skip it.`;
  };

  const show = (step: StepView) => {
    const li = items.get(step.id);
    if (!li) return;
    // A current step shows why it fails once the learner has tried it; before, it is just current.
    const failing = step.status === 'current' && step.attempts > 0 && step.checkedAt !== null && step.checks.some((c) => c.passed === false);
    const status = failing ? 'failing' : step.status;
    const changedToDone = li.dataset.status !== 'done' && status === 'done';
    li.dataset.status = status;
    const index = ids.indexOf(step.id) + 1;
    li.setAttribute('aria-label', `Step ${index}: ${step.title} — ${STATUS_WORDS[status]}`);
    const message = li.querySelector<HTMLElement>('.step-message')!;
    const text = messageFor(step, status);
    message.textContent = text;
    message.hidden = text === '';
    if (changedToDone) li.classList.add('just-done');
  };

  const showAll = (progress: LessonProgressView) => {
    ahead = progress.ahead ?? [];
    progress.steps.forEach(show);
    showCount(progress.done);
  };

  const showCount = (done: number) => {
    count.textContent = `${done} of ${total} done`;
  };

  window.addEventListener(PROGRESS_EVENT, (event) => {
    const progress = (event as CustomEvent<LessonProgressView>).detail;
    if (progress.lesson !== lesson) return;
    showAll(progress);
  });
  window.addEventListener(STEP_EVENT, (event) => {
    const update = (event as CustomEvent<StepUpdate>).detail;
    if (update.lesson !== lesson) return;
    show(update.step);
    showCount(update.done);
  });

  root.querySelector('.check-now')!.addEventListener('click', async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      showAll(await api<LessonProgressView>(`/api/lessons/${lesson}/check`));
    } catch {
      // The stream reports the same results; a failed press changes nothing.
    } finally {
      button.disabled = false;
    }
  });

  for (const li of items.values()) {
    const hints = [...li.querySelectorAll<HTMLElement>('.hint')];
    const more = li.querySelector<HTMLButtonElement>('.show-hint')!;
    li.querySelector('.hints')!.addEventListener('click', (event) => {
      const link = (event.target as HTMLElement).closest<HTMLElement>('[data-open-path]');
      if (link) openInEditor({ path: link.dataset.openPath!, line: Number(link.dataset.openLine) || undefined });
    });
    more.addEventListener('click', () => {
      const next = hints.find((h) => h.hidden);
      if (next) {
        next.hidden = false;
        reportUse({ kind: 'hint', step: li.dataset.step, hint: hints.indexOf(next) });
      }
      if (!hints.some((h) => h.hidden)) more.hidden = true;
      else more.textContent = 'Show another hint';
    });
    li.querySelector<HTMLButtonElement>('.skip-step')!.addEventListener('click', async (event) => {
      const button = event.currentTarget as HTMLButtonElement;
      button.disabled = true;
      try {
        showAll(await api<LessonProgressView>(`/api/lessons/${lesson}/steps/${li.dataset.step}/skip`));
      } catch (err) {
        const message = li.querySelector<HTMLElement>('.step-message')!;
        message.textContent = explain(err);
        message.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
    li.querySelector<HTMLButtonElement>('.run-solution')!.addEventListener('click', (event) => {
      const commands = JSON.parse((event.currentTarget as HTMLElement).dataset.commands ?? '[]') as string[];
      for (const command of commands) runInTerminal(command);
      reportUse({ kind: 'run', step: li.dataset.step });
    });
    li.querySelector<HTMLDetailsElement>('details.solution')!.addEventListener('toggle', (event) => {
      if ((event.currentTarget as HTMLDetailsElement).open) reportUse({ kind: 'solution', step: li.dataset.step });
    });
  }
}
