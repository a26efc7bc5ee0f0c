// The workshop bar (WorkshopBar.astro): the workshop, the learner's name and the time left,
// for a learner in a workshop. The learner's state comes with each instructor action on the
// lesson's event stream ('classroom'), so more time, removal and the end show at once; the bar
// counts down by the server's clock (the state says what it was), and asks again now and then
// in case the stream was away.
import type { ClassroomNotice } from '../../contract/classroom-events.js';
import { send, timeLeft, type LearnerState } from '../lib/classroom-api.js';
import { CLASSROOM_EVENT } from '../lib/lesson-events.js';

/**
 * Fills `bar`; it stays hidden for a learner in no workshop. `first`: the learner's state as the
 * page already asked for it (undefined: in no workshop), so the page asks once.
 */
export function workshopBar(bar: HTMLElement, first: Promise<LearnerState | undefined>): void {
  const title = bar.querySelector<HTMLElement>('.workshop-title')!;
  const time = bar.querySelector<HTMLElement>('.workshop-time')!;
  let me: LearnerState | undefined;
  /** The server's clock minus this browser's, from the last state received. */
  let skew = 0;

  function update(state: LearnerState): void {
    me = state;
    skew = state.now - Date.now();
    render();
  }

  function render(): void {
    if (!me) return;
    bar.hidden = false;
    renderHand(me);
    title.textContent = `${me.workshop.title} · ${me.name}`;
    if (me.status === 'ended') {
      bar.dataset.level = 'over';
      time.textContent = 'The workshop has ended; thank you!';
      return;
    }
    if (me.status === 'removed') {
      bar.dataset.level = 'over';
      time.textContent = 'Your instructor removed you from this workshop.';
      return;
    }
    if (!me.expiresAt) return;
    const left = me.expiresAt - (Date.now() + skew);
    bar.dataset.level = left <= 0 ? 'over' : left <= me.warnBeforeMs ? 'warning' : 'ok';
    time.textContent = left <= 0 ? 'Your time is up: the sandbox has ended.' : left <= me.warnBeforeMs ? `Only ${timeLeft(left)} left: save what you want to keep.` : `${timeLeft(left)} left`;
  }

  // "I need help": a hand up until the learner lowers it or the instructor does.
  const hand = bar.querySelector<HTMLElement>('.workshop-hand')!;
  const raise = hand.querySelector<HTMLButtonElement>('.hand-raise')!;
  const form = hand.querySelector<HTMLFormElement>('.hand-form')!;
  const up = hand.querySelector<HTMLElement>('.hand-up')!;
  function renderHand(state: LearnerState): void {
    hand.hidden = state.status === 'removed' || state.status === 'ended';
    up.hidden = !state.hand;
    raise.hidden = !!state.hand || !form.hidden;
    if (state.hand) form.hidden = true;
    up.title = state.hand?.line ?? '';
  }
  async function setHand(method: 'POST' | 'DELETE', body?: { line: string }): Promise<void> {
    try {
      update((await send<LearnerState>('/api/classroom/hand', method, body)).body);
    } catch (err) {
      time.textContent = (err as Error).message;
    }
  }
  raise.addEventListener('click', () => {
    form.hidden = false;
    raise.hidden = true;
    raise.setAttribute('aria-expanded', 'true');
    form.querySelector('input')!.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    raise.setAttribute('aria-expanded', 'false');
    form.hidden = true;
    void setHand('POST', { line: new FormData(form).get('line')?.toString() ?? '' });
  });
  up.querySelector('button')!.addEventListener('click', () => void setHand('DELETE'));

  async function refresh(): Promise<void> {
    try {
      update((await send<LearnerState>('/api/classroom/me')).body);
    } catch {
      // Not in a workshop (or the server is away): the bar stays as it was.
    }
  }
  void first.then((state) => {
    if (!state) return;
    update(state);
    // A message or hint sent shortly before the page opened is still shown (once: dismissing it is remembered).
    if (state.message) window.dispatchEvent(new CustomEvent(CLASSROOM_EVENT, { detail: { ...state.message, me: state } }));
  });
  window.addEventListener(CLASSROOM_EVENT, (event) => update((event as CustomEvent<ClassroomNotice>).detail.me));
  // The event stream carries every change; this only catches up after it was away.
  setInterval(() => void refresh(), 120_000);
  setInterval(render, 1000);
}
