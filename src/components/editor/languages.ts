// Which highlighting a file gets, by its name: the languages the lessons write (Dockerfiles,
// compose and other YAML, Python, shell scripts); anything else is plain text. All four are
// CodeMirror's stream modes: a tenth of the size of the full grammars (lang-python brings
// autocompletion along), which keeps the lesson page within its JavaScript budget.
import { StreamLanguage, indentUnit } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { python } from '@codemirror/legacy-modes/mode/python';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { yaml } from '@codemirror/legacy-modes/mode/yaml';
import type { Extension } from '@codemirror/state';

export type LanguageName = 'dockerfile' | 'yaml' | 'python' | 'shell' | 'text';

/** The language of a file name (the last part of its path). */
export function languageOf(path: string): LanguageName {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name === 'dockerfile' || name.startsWith('dockerfile.') || name.endsWith('.dockerfile') || name === 'containerfile') return 'dockerfile';
  if (/\.(ya?ml)$/.test(name)) return 'yaml';
  if (/\.(py|pyw)$/.test(name)) return 'python';
  if (/\.(sh|bash)$/.test(name) || name === '.bashrc' || name === '.profile' || name.endsWith('.env')) return 'shell';
  return 'text';
}

/** Highlighting and indentation for a language: YAML indents by two spaces, Python by four. */
export function languageExtension(language: LanguageName): Extension {
  switch (language) {
    case 'dockerfile':
      return [StreamLanguage.define(dockerFile), indentUnit.of('    ')];
    case 'yaml':
      return [StreamLanguage.define(yaml), indentUnit.of('  ')];
    case 'python':
      return [StreamLanguage.define(python), indentUnit.of('    ')];
    case 'shell':
      return [StreamLanguage.define(shell), indentUnit.of('  ')];
    default:
      return [];
  }
}
