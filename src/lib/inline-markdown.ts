// Hints are short Markdown: `code`, **bold**, *emphasis*, [links](url), and links that open a
// file of the workspace in the editor at a line, [label](open:path#L12) (contract/hint-links.ts),
// rendered as buttons the step list wires to the editor. Rendered at build time to escaped HTML,
// so the page needs no Markdown library.
import { hintPieces } from '../../contract/hint-links.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);

function markdown(text: string): string {
  // Code spans first, so their content is never read as other Markdown.
  return text
    .split(/(`[^`]+`)/g)
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return `<code>${escape(part.slice(1, -1))}</code>`;
      return escape(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\*([^*]+)\*/g, '<em>$1</em>')
        .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+|\/[^)\s]*)\)/g, '<a href="$2">$1</a>');
    })
    .join('');
}

export function inlineMarkdown(text: string): string {
  return hintPieces(text)
    .map((piece) => {
      if ('text' in piece) return markdown(piece.text);
      // The schema refuses a malformed link before a page is built; shown as written all the same.
      if ('bad' in piece) return escape(piece.bad.raw);
      const { label, path, line } = piece.link;
      const where = line ? `${path} at line ${line}` : path;
      return `<button type="button" class="hint-open" data-open-path="${escape(path)}"${line ? ` data-open-line="${line}"` : ''} title="Open ${escape(where)} in the editor">${escape(label)}</button>`;
    })
    .join('');
}
