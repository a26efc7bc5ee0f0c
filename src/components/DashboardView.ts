// Draws the instructor dashboard: the learners × steps grid (with per-step counts; removed
// learners only when asked, marked as such), the completion chart and the warm-up progress.
// Plain DOM, redrawn from the model on each change.
import type { Cell, CellStatus, DashboardView as Snapshot, LearnerView, StepColumn, WarmProgress } from '../../contract/dashboard.js';
import { countsOf, stuckReason } from '../../contract/dashboard-rules.js';
import { timeLeft } from '../lib/classroom-api.js';
import { chartPath } from './DashboardModel.js';

const SYMBOL: Record<CellStatus, string> = { not_started: '', working: '…', failing: '✗', skipped: '↷', done: '✓' };
const WORDS: Record<CellStatus, string> = { not_started: 'not started', working: 'working', failing: 'failing', skipped: 'skipped', done: 'done' };
/** A notice about a learner's sandbox shows this long after it happened (one about its end, until they have a new one). */
const NOTICE_SHOWN_MS = 30 * 60_000;
const TIP_ID = 'notice-tip';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function cellTitle(learner: LearnerView, column: StepColumn, status: CellStatus, cell: Cell): string {
  let text = `${learner.name} · ${column.title}: ${WORDS[status]}`;
  if (cell.attempts) text += ` (${cell.attempts} attempt${cell.attempts === 1 ? '' : 's'})`;
  if (cell.doneAt) text += ` at ${new Date(cell.doneAt).toLocaleTimeString()}`;
  if (cell.skippedAt) text += ` at ${new Date(cell.skippedAt).toLocaleTimeString()}`;
  if (status !== 'done' && cell.message) text += `\n${cell.message}`;
  return text;
}

/** The badge on a learner's row for what happened to their sandbox; its message shows on hover or focus. */
function noticeBadge(learner: LearnerView, now: number): HTMLElement | undefined {
  const notice = learner.notice;
  if (!notice || (notice.kind !== 'ended' && now - notice.at > NOTICE_SHOWN_MS)) return undefined;
  const when = new Date(notice.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return el(
    'button',
    { type: 'button', class: 'notice-badge', 'data-severity': notice.severity, 'data-kind': notice.kind, 'data-tip': `${when} · ${notice.message}`, 'aria-label': `${learner.name}'s sandbox at ${when}: ${notice.title}`, 'aria-describedby': TIP_ID },
    `⚠ ${notice.title}`,
  );
}

/** One floating tooltip for the badges: fixed to the viewport, so the grid's scrolling box cannot clip it. */
function enableNoticeTips(table: HTMLTableElement): void {
  if (table.dataset.noticeTips) return;
  table.dataset.noticeTips = 'on';
  let tip = document.getElementById(TIP_ID);
  if (!tip) {
    tip = el('div', { id: TIP_ID, class: 'notice-tip', role: 'tooltip', hidden: '' });
    document.body.append(tip);
  }
  const show = (event: Event) => {
    const badge = (event.target as HTMLElement).closest?.<HTMLElement>('.notice-badge');
    if (!badge) return;
    tip.textContent = badge.dataset.tip ?? '';
    const box = badge.getBoundingClientRect();
    tip.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - 360))}px`;
    tip.style.top = `${box.bottom + 6}px`;
    tip.hidden = false;
  };
  const hide = (event: Event) => {
    if ((event.target as HTMLElement).closest?.('.notice-badge')) tip.hidden = true;
  };
  table.addEventListener('mouseover', show);
  table.addEventListener('focusin', show);
  table.addEventListener('mouseout', hide);
  table.addEventListener('focusout', hide);
}

export interface GridOptions {
  /** Removed learners stay in the roster; their rows show only when asked ("Show removed"). */
  showRemoved: boolean;
}

const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function renderGrid(table: HTMLTableElement, snapshot: Snapshot, options: GridOptions = { showRemoved: false }, now = Date.now()): void {
  enableNoticeTips(table);
  const live = snapshot.learners.filter((l) => !l.removed);
  const removed = snapshot.learners.length - live.length;
  const shown = options.showRemoved ? snapshot.learners : live;
  const head = el('thead');
  // One header row for the lessons (spanning their steps), one for the steps.
  const lessonRow = el('tr');
  lessonRow.append(el('th', { scope: 'col', rowspan: '2', class: 'name-col' }, `Learners (${live.length}${removed ? ` + ${removed} removed` : ''})`));
  const spans: Array<{ title: string; n: number }> = [];
  for (const c of snapshot.columns) {
    const last = spans.at(-1);
    if (last && last.title === c.lessonTitle) last.n++;
    else spans.push({ title: c.lessonTitle, n: 1 });
  }
  for (const span of spans) lessonRow.append(el('th', { scope: 'colgroup', colspan: String(span.n), class: 'lesson-col' }, span.title));
  const stepRow = el('tr');
  snapshot.columns.forEach((c, i) => {
    const th = el('th', { scope: 'col', class: 'step-col', title: c.title });
    th.append(el('span', {}, String(i + 1)));
    stepRow.append(th);
  });
  head.append(lessonRow, stepRow);

  const body = el('tbody');
  for (const learner of shown) {
    const stuck = stuckReason(learner, snapshot.stuckRule, now);
    const badge = learner.removed ? undefined : noticeBadge(learner, now);
    const row = el('tr', { 'data-learner': learner.id, ...(learner.removed ? { 'data-removed': 'true' } : {}), ...(stuck ? { 'data-stuck': 'true' } : {}), ...(badge ? { 'data-notice': learner.notice!.kind } : {}) });
    const name = el('th', { scope: 'row', class: 'name-col' });
    const button = el('button', { type: 'button', class: 'learner-name', 'data-action': 'select', 'data-learner': learner.id }, learner.name);
    name.append(button);
    const meta = el('span', { class: 'learner-meta' });
    if (learner.removed) meta.textContent = learner.removedAt ? `removed ${clock(learner.removedAt)}` : 'removed';
    else if (learner.queuePosition !== null) meta.textContent = `queued #${learner.queuePosition}`;
    else if (stuck) meta.textContent = `stuck: ${stuck}`;
    else if (learner.expiresAt) meta.textContent = snapshot.workshop.state === 'ended' ? `${learner.done} done` : `${timeLeft(learner.expiresAt - now)} left`;
    name.append(meta);
    if (badge) name.append(badge);
    row.append(name);
    snapshot.columns.forEach((column, i) => {
      const cell = learner.cells[i]!;
      const td = el('td', { class: 'cell', 'data-status': cell.status, 'data-step': column.step, title: cellTitle(learner, column, cell.status, cell) }, SYMBOL[cell.status]);
      row.append(td);
    });
    body.append(row);
  }
  if (shown.length === 0) {
    const row = el('tr');
    const empty = snapshot.workshop.state === 'created' ? 'Start the workshop, then learners join with the code.' : removed ? `Everyone who joined was removed (${removed}): tick "Show removed" to see them.` : 'Nobody has joined yet.';
    row.append(el('td', { colspan: String(snapshot.columns.length + 1), class: 'empty' }, empty));
    body.append(row);
  }

  const foot = el('tfoot');
  const countRow = el('tr');
  countRow.append(el('th', { scope: 'row', class: 'name-col' }, 'Done / working / failing'));
  for (const c of countsOf(snapshot.columns, snapshot.learners)) {
    const td = el('td', { class: 'count', title: `${c.done} done, ${c.working} working, ${c.failing} failing, ${c.skipped} skipped, ${c.not_started} not started` });
    td.append(el('strong', {}, String(c.done)), document.createTextNode(` ${c.working}·${c.failing}`));
    countRow.append(td);
  }
  foot.append(countRow);
  table.replaceChildren(head, body, foot);
}

export function renderChart(svg: SVGSVGElement, caption: HTMLElement, snapshot: Snapshot, now = Date.now()): void {
  const width = 320;
  const height = 90;
  const { path, total, max, from, to } = chartPath(snapshot, width, height, now);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.innerHTML = `<line x1="0" y1="${height}" x2="${width}" y2="${height}" class="axis"/><path d="${path}" class="line"/>`;
  const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  caption.textContent = `${total} of ${max} steps done · ${time(from)}–${time(to)}`;
}

export function renderWarm(node: HTMLElement, warm: WarmProgress, snapshot: Snapshot | undefined): void {
  const state = snapshot?.workshop.state;
  const ready = warm.pooled;
  const lines = [
    state === 'running' ? `Pre-warmed: ${ready} ready${warm.creating ? `, ${warm.creating} starting` : ''} (target ${warm.target}) · in use: ${warm.inUse} · capacity: ${warm.capacity.total}` : `In use: ${warm.inUse} · capacity: ${warm.capacity.total}`,
  ];
  const progress = node.querySelector('progress');
  const text = node.querySelector('.warm-text');
  const details = node.querySelector('.warm-computation');
  if (progress) {
    progress.max = Math.max(1, warm.target);
    progress.value = Math.min(ready, warm.target);
    progress.hidden = state !== 'running' || warm.target === 0;
  }
  if (text) text.textContent = lines.join('');
  if (details) details.replaceChildren(...warm.capacity.computation.map((line) => el('li', {}, line)));
}
