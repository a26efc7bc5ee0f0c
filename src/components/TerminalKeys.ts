// Copy and paste with the keys people expect. Ctrl/Cmd+C copies when text is selected and
// interrupts (^C) when not; Ctrl/Cmd+V, Ctrl+Shift+V and Shift+Insert paste. Copy and paste go
// through the browser's own clipboard events (xterm answers them), which work on plain-http
// classroom servers where the async Clipboard API is unavailable.
import type { Terminal } from '@xterm/xterm';

const isMac = /Mac|iPhone|iPad/.test(navigator.platform);

export function clipboardKeys(term: Terminal, interrupt: () => void): (event: KeyboardEvent) => boolean {
  return (event) => {
    if (event.type !== 'keydown') return true;
    const key = event.key.toLowerCase();
    const command = isMac ? event.metaKey : event.ctrlKey;
    if (command && !event.altKey && key === 'c') {
      // Returning false lets the browser run its copy, which xterm fills with the selection.
      if (term.hasSelection()) return false;
      if (event.shiftKey) return false; // Ctrl+Shift+C is "copy" in Linux terminals: nothing to copy
      if (isMac) {
        // Cmd+C without a selection: xterm would send nothing.
        event.preventDefault();
        interrupt();
        return false;
      }
      return true; // Ctrl+C: xterm sends ^C
    }
    if (command && !event.altKey && key === 'v') return false; // the browser fires paste
    if (event.shiftKey && event.key === 'Insert') return false;
    return true;
  };
}
