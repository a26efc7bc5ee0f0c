// Light and dark colours for the terminal. The theme follows, in order: a data-theme attribute
// on the element or an ancestor (the site's own switch), else the system's prefers-color-scheme.
import type { ITheme } from '@xterm/xterm';

export type ThemeName = 'light' | 'dark';

export const THEMES: Record<ThemeName, ITheme> = {
  dark: {
    background: '#10171e',
    foreground: '#dce6ef',
    cursor: '#5aa9f5',
    cursorAccent: '#10171e',
    selectionBackground: '#2f5d8a',
    selectionForeground: '#ffffff',
    black: '#1c252e', red: '#f0716f', green: '#7fcf7a', yellow: '#e5c26b',
    blue: '#6ab0f3', magenta: '#c99af0', cyan: '#5fd3d3', white: '#d5dde5',
    brightBlack: '#5c6b79', brightRed: '#ff9896', brightGreen: '#a4e59f', brightYellow: '#f2d98f',
    brightBlue: '#93c8fa', brightMagenta: '#dcbcf7', brightCyan: '#8ee8e8', brightWhite: '#ffffff',
  },
  light: {
    background: '#fbfcfd',
    foreground: '#1d2731',
    cursor: '#0b6bcb',
    cursorAccent: '#fbfcfd',
    selectionBackground: '#b5d4f4',
    selectionForeground: '#0b1620',
    // Darker than usual so that every colour keeps a readable contrast on white.
    black: '#1d2731', red: '#b3261e', green: '#23702b', yellow: '#7a5d00',
    blue: '#0b5cad', magenta: '#8a3fa0', cyan: '#0f6f77', white: '#6b7885',
    brightBlack: '#4d5a66', brightRed: '#c9372c', brightGreen: '#2e8736', brightYellow: '#8f6d00',
    brightBlue: '#1769c2', brightMagenta: '#a04cb8', brightCyan: '#138891', brightWhite: '#2b3640',
  },
};

const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

export function themeFor(element: Element): ThemeName {
  const chosen = element.closest('[data-theme]')?.getAttribute('data-theme');
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return systemDark() ? 'dark' : 'light';
}

/** Calls `apply` whenever the theme that `element` should use may have changed. */
export function watchTheme(element: Element, apply: (theme: ThemeName) => void): () => void {
  const update = () => apply(themeFor(element));
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', update);
  const observer = new MutationObserver(update);
  for (let node: Element | null = element; node; node = node.parentElement) {
    observer.observe(node, { attributes: true, attributeFilter: ['data-theme'] });
  }
  update();
  return () => {
    media.removeEventListener('change', update);
    observer.disconnect();
  };
}
