// Keeps the step checklist in step with the server's check results (the lesson's event
// stream), reveals hints one at a time, and sends solutions to the terminal.
import { api } from '../lib/api.js';
import { PROGRESS_EVENT, STEP_EVENT } from '../lib/lesson-events.js';
import { runInTerminal } from './TerminalRun.js';

interface StepView {
  id: string;
  title: string;
  status: 'done' | 'current' | 'pending';
  message: string | null;
  checkedAt: number | null;
  checks: Array<{ passed: boolean | null }>;
}
interface ProgressView {
  lesson: string;
  done: number;
  total: number;
  steps: StepView[];
}

const root = document.querySelector<HTMLElement>('.step-list');
if (root) {
  const lesson = root.dataset.lesson!;
  const items = new Map([...root.querySelectorAll<HTMLLIElement>('li.step')].map((li) => [li.dataset.step!, li]));
  const count = root.querySelector<HTMLElement>('.step-count')!;
  const total = items.size;

  const STATUS_WORDS = { done: 'done', current: 'in progress', failing: 'not done yet', pending: 'not started' } as const;

  const show = (step: StepView) => {
    const li = items.get(step.id);
    if (!li) return;
    // A current step with a failed check shows why; before the first check it is just current.
    const failing = step.status === 'current' && step.checkedAt !== null && step.checks.some((c) => c.passed === false);
    const status = failing ? 'failing' : step.status;
    const changedToDone = li.dataset.status !== 'done' && status === 'done';
    li.dataset.status = status;
    const index = [...items.keys()].indexOf(step.id) + 1;
    li.setAttribute('aria-label', `Step ${index}: ${step.title} — ${STATUS_WORDS[status]}`);
    const message = li.querySelector<HTMLElement>('.step-message')!;
    const text = status === 'done' ? '' : step.status === 'current' ? (step.message ?? '') : '';
    message.textContent = text;
    message.hidden = text === '';
    if (changedToDone) li.classList.add('just-done');
  };

  const showCount = (done: number) => {
    count.textContent = `${done} of ${total} done`;
  };

  window.addEventListener(PROGRESS_EVENT, (event) => {
    const progress = (event as CustomEvent<ProgressView>).detail;
    if (progress.lesson !== lesson) return;
    progress.steps.forEach(show);
    showCount(progress.done);
  });
  window.addEventListener(STEP_EVENT, (event) => {
    const update = (event as CustomEvent<{ lesson: string; step: StepView; done: number }>).detail;
    if (update.lesson !== lesson) return;
    show(update.step);
    showCount(update.done);
  });

  root.querySelector('.check-now')!.addEventListener('click', async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      const progress = await api<ProgressView>(`/api/lessons/${lesson}/check`);
      progress.steps.forEach(show);
      showCount(progress.done);
    } catch {
      // The stream reports the same results; a failed press changes nothing.
    } finally {
      button.disabled = false;
    }
  });

  for (const li of items.values()) {
    const hints = [...li.querySelectorAll<HTMLElement>('.hint')];
    const more = li.querySelector<HTMLButtonElement>('.show-hint')!;
    more.addEventListener('click', () => {
      const next = hints.find((h) => h.hidden);
      if (next) next.hidden = false;
      if (!hints.some((h) => h.hidden)) more.hidden = true;
      else more.textContent = 'Show another hint';
    });
    li.querySelector<HTMLButtonElement>('.run-solution')!.addEventListener('click', (event) => {
      const commands = JSON.parse((event.currentTarget as HTMLElement).dataset.commands ?? '[]') as string[];
      for (const command of commands) runInTerminal(command);
    });
  }
}
