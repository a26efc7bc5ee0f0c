// "Open in editor" and "Write to file" on a lesson's code blocks that name a file
// (```yaml title="compose.yaml"): Open puts the block's text in the editor where the file is new
// or empty, for the learner to read and save; Write saves it to the file at once (asking first
// when the file holds other text). Paths are relative to the workspace (~/workshop).
import { fileOf } from './file-meta.js';
import { openInEditor } from './WorkspaceEditor.js';

function button(label: string, className: string, aria: string, action: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = className;
  element.textContent = label;
  element.setAttribute('aria-label', aria);
  element.addEventListener('click', action);
  return element;
}

export function addFileActions(root: ParentNode): void {
  for (const pre of root.querySelectorAll<HTMLPreElement>('pre[data-meta]')) {
    const path = fileOf(pre.dataset.meta);
    if (!path || pre.dataset.fileActions) continue;
    pre.dataset.fileActions = 'true';
    const text = `${(pre.querySelector('code')?.textContent ?? pre.textContent ?? '').replace(/\n+$/, '')}\n`;
    // A shell block already has a bar (Run, Copy): the file's actions join it.
    let wrapper = pre.parentElement?.classList.contains('code-block') ? pre.parentElement : undefined;
    if (!wrapper) {
      wrapper = document.createElement('div');
      wrapper.className = 'code-block';
      pre.replaceWith(wrapper);
      wrapper.append(pre);
    }
    wrapper.classList.add('file-block');
    let bar = wrapper.querySelector<HTMLElement>('.code-actions');
    if (!bar) {
      bar = document.createElement('div');
      bar.className = 'code-actions';
      wrapper.append(bar);
    }
    const name = document.createElement('span');
    name.className = 'code-file';
    name.textContent = path;
    wrapper.prepend(name);
    bar.append(
      button('Open in editor', 'code-open', `Open ${path} in the editor`, () => openInEditor({ path, text })),
      button('Write to file', 'code-write', `Write this text to ${path}`, () => openInEditor({ path, text, write: true })),
    );
  }
}
