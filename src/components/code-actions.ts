// "Run" and "Copy" buttons on the shell code blocks of a lesson: Run types the command into
// the learner's terminal, Copy puts it on the clipboard.
import { reportUse } from '../lib/usage.js';
import { runInTerminal, terminalIdOf } from './TerminalRun.js';

const SHELL = ['sh', 'bash', 'shell', 'console'];

async function copy(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain http on a classroom network is not a secure context: the old way still works there.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function addCodeActions(root: ParentNode): void {
  for (const pre of root.querySelectorAll<HTMLPreElement>('pre[data-language]')) {
    if (!SHELL.includes(pre.dataset.language ?? '') || pre.parentElement?.classList.contains('code-block')) continue;
    const command = (pre.querySelector('code')?.textContent ?? pre.textContent ?? '').replace(/\n+$/, '');
    const wrapper = document.createElement('div');
    wrapper.className = 'code-block';
    pre.replaceWith(wrapper);
    const bar = document.createElement('div');
    bar.className = 'code-actions';
    const run = document.createElement('button');
    run.type = 'button';
    run.className = 'code-run';
    run.textContent = 'Run';
    // ```sh term=2 runs in terminal 2 (opened if needed); without it, in the terminal in view.
    const tab = /(?:^|\s)term=([1-9])(?:\s|$)/.exec(pre.dataset.meta ?? '')?.[1];
    const target = tab ? terminalIdOf(Number(tab)) : undefined;
    run.setAttribute('aria-label', `Run in ${tab ? `terminal ${tab}` : 'the terminal'}: ${command}`);
    if (tab) run.textContent = `Run in ${tab}`;
    // The whole block at once: bash runs it line by line, and here-documents stay intact.
    run.addEventListener('click', () => {
      runInTerminal(command, target ? { terminal: target } : {});
      reportUse({ kind: 'run' });
    });
    const copyButton = document.createElement('button');
    copyButton.type = 'button';
    copyButton.className = 'code-copy';
    copyButton.textContent = 'Copy';
    copyButton.setAttribute('aria-label', `Copy: ${command}`);
    copyButton.addEventListener('click', async () => {
      await copy(command).then(
        () => (copyButton.textContent = 'Copied'),
        () => (copyButton.textContent = 'Copy failed'),
      );
      setTimeout(() => (copyButton.textContent = 'Copy'), 1500);
    });
    bar.append(run, copyButton);
    wrapper.append(pre, bar);
  }
}
