// How a page types into the learner's terminal ("run this" buttons in lessons), without
// holding a reference to it: a window event that the terminal on the page answers.
export const RUN_EVENT = 'slipway:run';

/** The element id of the learner's terminal tab `n`: tab 1 keeps the page's historical #terminal. */
export const terminalIdOf = (n: number) => (n === 1 ? 'terminal' : `terminal-${n}`);

export interface RunRequest {
  command: string;
  /** Press Enter after typing (default true). */
  enter?: boolean;
  /** The id of one <slipway-terminal>, when a page has several. */
  terminal?: string;
  /** Set by the terminal that took the request, so only one runs it. */
  handled?: boolean;
}

/** Types `command` into the page's terminal; false when no terminal took it. */
export function runInTerminal(command: string, options: Omit<RunRequest, 'command' | 'handled'> = {}): boolean {
  const request: RunRequest = { command, ...options };
  window.dispatchEvent(new CustomEvent<RunRequest>(RUN_EVENT, { detail: request }));
  return request.handled === true;
}
