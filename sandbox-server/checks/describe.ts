// Wording shared by the check kinds: times, lists, quotes and container states in plain words,
// so every message reads the same way.

/** "just now", "12 seconds ago", "3 minutes ago", "2 hours ago", "4 days ago". */
export function ago(then: number, now = Date.now()): string {
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 2) return 'just now';
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(Math.round(seconds / 60), 'minute');
  if (seconds < 86_400) return unit(Math.round(seconds / 3600), 'hour');
  return unit(Math.round(seconds / 86_400), 'day');
}

/** "3 minutes", for durations. */
export function duration(ms: number): string {
  return ago(0, ms).replace(/ ago$/, '').replace('just now', 'a moment');
}

/** Quotes a value for a message, shortened to one readable line. */
export function q(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `'${line.length > max ? `${line.slice(0, max - 1)}…` : line}'`;
}

/** "a", "a and b", "a, b and c"; long lists end with "and N more". */
export function list(items: string[], max = 6, conjunction = 'and'): string {
  const shown = items.length > max ? [...items.slice(0, max - 1), `${items.length - max + 1} more`] : items;
  if (shown.length <= 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} ${conjunction} ${shown.at(-1)}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The last non-empty line of some output, for "its last line was ..." observations. */
export function lastLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
}

export function firstLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).find(Boolean);
}

export interface StateLike {
  Status: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  ExitCode?: number;
  StartedAt?: string;
  FinishedAt?: string;
}

const time = (iso: string | undefined): number | undefined => {
  if (!iso || iso.startsWith('0001-')) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/** A container's state as a verb phrase: "is running (up 3 minutes)", "exited 2 minutes ago with code 137". */
export function statePhrase(state: StateLike, now = Date.now()): string {
  switch (state.Status) {
    case 'running': {
      const started = time(state.StartedAt);
      return started ? `is running (up ${duration(now - started)})` : 'is running';
    }
    case 'exited': {
      const finished = time(state.FinishedAt);
      return `exited ${finished ? `${ago(finished, now)} ` : ''}with code ${state.ExitCode ?? '?'}`;
    }
    case 'created':
      return 'was created but never started';
    case 'paused':
      return 'is paused';
    case 'restarting':
      return `keeps restarting (last exit code ${state.ExitCode ?? '?'})`;
    case 'removing':
      return 'is being removed';
    case 'dead':
      return 'is dead (Docker could not stop or remove it)';
    default:
      return `is ${state.Status}`;
  }
}

/** The short form used in lists of containers: "web (running)", "job (exited 1 minute ago with code 1)". */
export function stateShort(state: StateLike, now = Date.now()): string {
  if (state.Status === 'running') return 'running';
  return statePhrase(state, now).replace(/^(is|was) /, '');
}

/** Adjective for an expected state, as in "No running container named ...". */
export const stateAdjective: Record<string, string> = {
  created: 'created (not started)',
  running: 'running',
  paused: 'paused',
  restarting: 'restarting',
  exited: 'exited',
  dead: 'dead',
};
