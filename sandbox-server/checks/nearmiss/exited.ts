// A container that is there but not in the state the step wants: when it stopped, with which
// code, what that code usually means, and the last line it printed, so the learner sees why
// (a command that simply finished, a command not found, a container that was stopped).
import { q } from '../describe.js';

export interface StoppedState {
  Status: string;
  ExitCode?: number;
  OOMKilled?: boolean;
  /** Why Docker could not start it, in Docker's words (a command not found, a bad mount...). */
  Error?: string;
}

/** The useful end of Docker's start error: `exec: "notacommand": executable file not found in $PATH`. */
function startError(error: string): string {
  const reason = error.split('unable to start container process: ').at(-1)!.replace(/: unknown$/, '').trim();
  return reason.length > 160 ? `${reason.slice(0, 159)}…` : reason;
}

/** What an exit code usually means, for a container whose main command ended. */
export function exitMeaning(state: StoppedState): string {
  if (state.OOMKilled) return 'it ran out of memory and was stopped';
  switch (state.ExitCode) {
    case 0:
      return 'its command finished, and a container stops when its command does';
    case 130:
      return 'it was interrupted (Ctrl+C)';
    case 137:
      return 'it was killed (docker kill, or docker stop once the container did not stop by itself)';
    case 143:
      return 'it was stopped (docker stop)';
    case 126:
      return 'its command could not be run (it is not executable)';
    case 127:
      return 'its command was not found in the image';
    default:
      return 'its command ended with an error';
  }
}

/**
 * What to add after "one with that name exited 3 seconds ago with code 0" (or "was created but
 * never started"), starting with a colon; empty for states that need no explanation.
 */
export function notRunningNote(name: string, state: StoppedState, lastOutput: string | undefined): string {
  const printed = lastOutput !== undefined ? `the last line it printed was ${q(lastOutput)}` : 'it printed nothing';
  switch (state.Status) {
    case 'exited':
    case 'dead':
      return `: ${exitMeaning(state)}; ${printed}`;
    case 'created':
      return state.Error ? `: Docker could not start it (${startError(state.Error)})` : `: docker start ${name} starts it`;
    case 'paused':
      return `: docker unpause ${name} lets it carry on`;
    case 'restarting':
      return `: ${exitMeaning(state)} and Docker starts it again each time; ${printed}`;
    default:
      return '';
  }
}
