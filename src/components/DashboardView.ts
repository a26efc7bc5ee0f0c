// Draws the instructor dashboard: the learners × steps grid (per-step counts; the rows sorted,
// filtered and searched as the instructor asks; removed learners only when asked, marked as
// such; every column named "L2·3" with its step's title), the class view (who fails which step
// and why), the completion chart with its axes, the projector view and the warm-up progress.
// Plain DOM, redrawn from the model on each change. Over 300 lines: one drawing module per
// dashboard keeps the page's pieces consistent (labels, clock, words) without a module per widget.
import type { Cell, CellStatus, DashboardView as Snapshot, LearnerView, StepColumn, WarmProgress } from '../../contract/dashboard.js';
import { countsOf, idleReason, stuckReason } from '../../contract/dashboard-rules.js';
import { timeLeft } from '../lib/classroom-api.js';
import { chartPath, columnLabels, visibleLearners, type GridView } from './DashboardModel.js';

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

function cellTitle(learner: LearnerView, column: StepColumn, label: string, status: CellStatus, cell: Cell): string {
  let text = `${learner.name} · ${label} ${column.title}: ${WORDS[status]}`;
  if (cell.attempts) text += ` (${cell.attempts} attempt${cell.attempts === 1 ? '' : 's'})`;
  if (cell.doneAt) text += `${cell.markedBy ? `, marked by ${cell.markedBy}` : ''} at ${new Date(cell.doneAt).toLocaleTimeString()}`;
  if (cell.skippedAt) text += ` at ${new Date(cell.skippedAt).toLocaleTimeString()}`;
  const help = [cell.hintsShown ? `${cell.hintsShown} hint${cell.hintsShown === 1 ? '' : 's'} shown` : '', cell.solutionOpenedAt ? 'solution opened' : '', cell.runs ? `${cell.runs} Run` : ''].filter(Boolean);
  if (help.length) text += `\nHelp used: ${help.join(', ')}`;
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

const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** "just now", "4 min ago", "1 h 5 min ago". */
export function ago(t: number, now = Date.now()): string {
  const minutes = Math.floor((now - t) / 60_000);
  if (minutes < 1) return 'just now';
  return minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

export function renderGrid(table: HTMLTableElement, snapshot: Snapshot, view: GridView, selection: ReadonlySet<string> = new Set(), now = Date.now()): number {
  enableNoticeTips(table);
  const live = snapshot.learners.filter((l) => !l.removed);
  const removed = snapshot.learners.length - live.length;
  const shown = visibleLearners(snapshot, view, now);
  const labels = columnLabels(snapshot.columns);
  const head = el('thead');
  // One header row for the lessons (spanning their steps), one for the steps: each step column
  // names itself ("L2·3") and shows its title, turned to fit a narrow column.
  const lessonRow = el('tr');
  lessonRow.append(el('th', { scope: 'col', rowspan: '2', class: 'name-col' }, `Learners (${shown.length === live.length ? live.length : `${shown.length} shown of ${live.length}`}${removed ? ` + ${removed} removed` : ''})`));
  const spans: Array<{ title: string; n: number; label: string }> = [];
  snapshot.columns.forEach((c, i) => {
    const last = spans.at(-1);
    if (last && last.title === c.lessonTitle) last.n++;
    else spans.push({ title: c.lessonTitle, n: 1, label: labels[i]!.split('·')[0]! });
  });
  for (const span of spans) lessonRow.append(el('th', { scope: 'colgroup', colspan: String(span.n), class: 'lesson-col', title: span.title }, `${span.label} ${span.title}`));
  const stepRow = el('tr');
  snapshot.columns.forEach((c, i) => {
    const th = el('th', { scope: 'col', class: 'step-col', title: `${labels[i]} ${c.title} (${c.lessonTitle})`, 'data-step': c.step });
    th.append(el('span', { class: 'step-label' }, labels[i]!), el('span', { class: 'step-title' }, c.title));
    stepRow.append(th);
  });
  head.append(lessonRow, stepRow);

  const body = el('tbody');
  for (const learner of shown) {
    const stuck = stuckReason(learner, snapshot.stuckRule);
    const idle = idleReason(learner, snapshot.stuckRule, now);
    const badge = learner.removed ? undefined : noticeBadge(learner, now);
    const row = el('tr', {
      'data-learner': learner.id,
      ...(learner.removed ? { 'data-removed': 'true' } : {}),
      ...(stuck ? { 'data-stuck': 'true' } : {}),
      ...(idle ? { 'data-idle': 'true' } : {}),
      ...(selection.has(learner.id) ? { 'data-selected': 'true' } : {}),
      ...(badge ? { 'data-notice': learner.notice!.kind } : {}),
    });
    const name = el('th', { scope: 'row', class: 'name-col' });
    const button = el('button', { type: 'button', class: 'learner-name', 'data-action': 'select', 'data-learner': learner.id, title: learner.name }, learner.name);
    name.append(button);
    const meta = el('span', { class: 'learner-meta' });
    const parts: string[] = [];
    if (learner.removed) parts.push(learner.removedAt ? `removed ${clock(learner.removedAt)}` : 'removed');
    else if (learner.queuePosition !== null) parts.push(`queued #${learner.queuePosition}`);
    else {
      if (stuck) parts.push(`stuck: ${stuck}`);
      if (idle) parts.push(`idle: ${idle}`);
      if (!stuck && !idle && learner.expiresAt) parts.push(snapshot.workshop.state === 'ended' ? `${learner.done} done` : `${timeLeft(learner.expiresAt - now)} left`);
    }
    // Last activity on the same line: 30 rows stay short.
    if (!learner.removed) parts.push(`active ${ago(learner.lastActivityAt, now)}`);
    meta.textContent = parts.join(' · ');
    meta.title = `${parts.join('\n')}\nlast input ${clock(learner.lastActivityAt)}`;
    name.append(meta);
    if (badge) name.append(badge);
    if (learner.hand) name.append(el('span', { class: 'hand-badge', title: `Hand up since ${clock(learner.hand.raisedAt)}${learner.hand.line ? `: ${learner.hand.line}` : ''}`, 'aria-label': `${learner.name} raised a hand` }, 'hand up'));
    row.append(name);
    snapshot.columns.forEach((column, i) => {
      const cell = learner.cells[i]!;
      const td = el('td', { class: 'cell', 'data-status': cell.status, 'data-step': column.step, ...(cell.markedBy ? { 'data-marked': 'true' } : {}), title: cellTitle(learner, column, labels[i]!, cell.status, cell) }, SYMBOL[cell.status]);
      row.append(td);
    });
    body.append(row);
  }
  if (shown.length === 0) {
    const row = el('tr');
    const narrowed = view.search.trim() !== '' || view.filter !== 'all';
    const empty = snapshot.workshop.state === 'created'
      ? 'Start the workshop, then learners join with the code.'
      : narrowed && snapshot.learners.length
        ? 'Nobody matches the search or the filter.'
        : removed
          ? `Everyone who joined was removed (${removed}): tick "Show removed" to see them.`
          : 'Nobody has joined yet.';
    row.append(el('td', { colspan: String(snapshot.columns.length + 1), class: 'empty' }, empty));
    body.append(row);
  }

  const foot = el('tfoot');
  const countRow = el('tr');
  countRow.append(el('th', { scope: 'row', class: 'name-col' }, 'Done / working / failing'));
  countsOf(snapshot.columns, snapshot.learners).forEach((c, i) => {
    const td = el('td', { class: 'count', title: `${labels[i]}: ${c.done} done, ${c.working} working, ${c.failing} failing, ${c.skipped} skipped, ${c.not_started} not started` });
    td.append(el('strong', {}, String(c.done)), document.createTextNode(` ${c.working}·${c.failing}`));
    countRow.append(td);
  });
  foot.append(countRow);
  table.replaceChildren(head, body, foot);
  return shown.length;
}

/**
 * The class view: per step, who is failing it and why ("L1·2 Run nginx — 2 of 30: host and
 * container ports swapped"), each group with a button that selects exactly its learners.
 */
export function renderFailures(list: HTMLElement, snapshot: Snapshot): void {
  const labels = columnLabels(snapshot.columns);
  const names = new Map(snapshot.learners.map((l) => [l.id, l.name]));
  if (snapshot.failures.length === 0) {
    list.replaceChildren(el('li', { class: 'muted' }, 'Nobody is failing a step right now.'));
    return;
  }
  list.replaceChildren(
    ...snapshot.failures.map((g) => {
      const column = snapshot.columns[g.column]!;
      const item = el('li', { class: 'failure', 'data-step': g.step, 'data-diagnosed': String(g.diagnosed) });
      const head = el('div', { class: 'failure-head' });
      head.append(
        el('strong', {}, `${labels[g.column]} ${column.title}`),
        document.createTextNode(` — ${g.learners.length} of ${g.of}: `),
        el('span', { class: 'failure-reason' }, g.reason),
      );
      const select = el('button', { type: 'button', class: 'select-group', 'data-learners': g.learners.join(' '), title: 'Select exactly these learners' }, `Select ${g.learners.length === 1 ? 'them' : `these ${g.learners.length}`}`);
      const who = el('div', { class: 'failure-who muted' }, g.learners.map((id) => names.get(id) ?? id).join(', '));
      item.append(head, who, select);
      if (g.diagnosed) item.append(el('details', {}, ''));
      const details = item.querySelector('details');
      if (details) details.append(el('summary', {}, 'What the check says'), el('p', { class: 'muted' }, g.example));
      return item;
    }),
  );
}

/** The projector view: the join code and its QR large, and the room's progress per step, without names. */
export function renderProjector(node: HTMLElement, snapshot: Snapshot): void {
  const labels = columnLabels(snapshot.columns);
  const active = snapshot.learners.filter((l) => !l.removed).length;
  node.querySelector('.pj-code')!.textContent = snapshot.workshop.code;
  node.querySelector('.pj-link')!.textContent = new URL(snapshot.workshop.joinPath, location.href).href;
  const qr = node.querySelector<HTMLImageElement>('.pj-qr')!;
  if (!qr.getAttribute('src')) qr.src = `/api/instructor/workshops/${snapshot.workshop.id}/qr.svg`;
  node.querySelector('.pj-count')!.textContent = `${active} ${active === 1 ? 'person has' : 'people have'} joined`;
  const counts = countsOf(snapshot.columns, snapshot.learners);
  node.querySelector('.pj-steps')!.replaceChildren(
    ...snapshot.columns.map((c, i) => {
      const row = el('li', { class: 'pj-step' });
      const done = counts[i]!.done;
      const bar = el('span', { class: 'pj-bar' });
      bar.style.setProperty('--share', String(active ? done / active : 0));
      row.append(el('span', { class: 'pj-label' }, `${labels[i]} ${c.title}`), bar, el('span', { class: 'pj-done' }, `${done} of ${active}`));
      return row;
    }),
  );
}

/** The completion chart: steps done (y) over time (x), both axes labelled. */
export function renderChart(svg: SVGSVGElement, caption: HTMLElement, snapshot: Snapshot, now = Date.now()): void {
  const width = 360;
  const height = 150;
  const left = 34;
  const bottom = 30;
  const plotW = width - left - 10;
  const plotH = height - bottom - 8;
  const { path, total, max, from, to } = chartPath(snapshot, plotW, plotH, now);
  const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const mid = from + (to - from) / 2;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.innerHTML = [
    `<g transform="translate(${left},8)">`,
    `<line x1="0" y1="${plotH}" x2="${plotW}" y2="${plotH}" class="axis"/>`,
    `<line x1="0" y1="0" x2="0" y2="${plotH}" class="axis"/>`,
    `<line x1="0" y1="0" x2="${plotW}" y2="0" class="grid-line"/>`,
    `<path d="${path}" class="line"/>`,
    `<text x="-4" y="${plotH}" class="tick" text-anchor="end" dominant-baseline="middle">0</text>`,
    `<text x="-4" y="0" class="tick" text-anchor="end" dominant-baseline="middle">${max}</text>`,
    `<text x="0" y="${plotH + 13}" class="tick" text-anchor="start">${time(from)}</text>`,
    `<text x="${plotW / 2}" y="${plotH + 13}" class="tick" text-anchor="middle">${time(mid)}</text>`,
    `<text x="${plotW}" y="${plotH + 13}" class="tick" text-anchor="end">${time(to)}</text>`,
    `<text x="${plotW / 2}" y="${plotH + 26}" class="axis-title" text-anchor="middle">time</text>`,
    `<text transform="translate(-24,${plotH / 2}) rotate(-90)" class="axis-title" text-anchor="middle">steps done</text>`,
    `</g>`,
  ].join('');
  caption.textContent = `${total} of ${max} steps done (every learner × every step) · ${time(from)}–${time(to)}`;
}

export function renderWarm(node: HTMLElement, warm: WarmProgress, snapshot: Snapshot | undefined): void {
  const state = snapshot?.workshop.state;
  const ready = warm.pooled;
  const { queued, starting } = warm.engines;
  // Learners have their prompts already; this says how far their Docker Engines are.
  const engines = queued + starting ? ` · Docker Engines starting: ${starting}${queued ? `, ${queued} waiting their turn` : ''}` : '';
  // Standby sandboxes give a prompt at once too; their engines start when a learner takes one.
  const standby = warm.standby.target ? ` · on standby: ${warm.standby.ready} of ${warm.standby.target}` : '';
  const lines = [
    (state === 'running' ? `Pre-warmed: ${ready} ready${warm.creating ? `, ${warm.creating} starting` : ''} (target ${warm.target})${standby} · in use: ${warm.inUse} · capacity: ${warm.capacity.total}` : `In use: ${warm.inUse} · capacity: ${warm.capacity.total}`) + engines,
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
