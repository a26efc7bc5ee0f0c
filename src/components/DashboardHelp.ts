// The dashboard's list of raised hands ("I need help"), in the order they went up: who, since
// when, their line, and a button that lowers the hand once the instructor has seen it. The
// messages, hints and step marks themselves are plain forms wired in Dashboard.astro.
import type { DashboardView } from '../../contract/dashboard.js';
import { ago } from './DashboardView.js';

/** Fills `list` with the learners whose hand is up, oldest first; `count` says how many. */
export function renderHands(list: HTMLElement, count: HTMLElement, snapshot: DashboardView, now = Date.now()): void {
  const up = snapshot.learners.filter((l) => l.hand && !l.removed).sort((a, b) => a.hand!.raisedAt - b.hand!.raisedAt);
  count.textContent = up.length ? `(${up.length})` : '';
  if (up.length === 0) {
    const none = document.createElement('li');
    none.className = 'muted';
    none.textContent = 'No hand is up.';
    list.replaceChildren(none);
    return;
  }
  list.replaceChildren(
    ...up.map((learner) => {
      const li = document.createElement('li');
      li.dataset.learner = learner.id;
      const name = document.createElement('strong');
      name.textContent = learner.name;
      const when = document.createElement('span');
      when.className = 'muted';
      when.textContent = ` ${ago(learner.hand!.raisedAt, now)}`;
      const line = document.createElement('div');
      line.className = 'hand-line';
      line.textContent = learner.hand!.line;
      line.hidden = learner.hand!.line === '';
      const seen = document.createElement('button');
      seen.type = 'button';
      seen.dataset.clearHand = learner.id;
      seen.textContent = 'Seen: lower it';
      seen.setAttribute('aria-label', `Lower ${learner.name}'s hand`);
      li.append(name, when, line, seen);
      return li;
    }),
  );
}
