// Links in a lesson's hints that open a file of the learner's workspace in the editor, at a
// line: `[the CMD line](open:first-dockerfile/sayhello/Dockerfile#L2)`. Pure and shared: the
// lesson schema refuses a malformed one (lessons/schema.ts), the server's lesson loader checks
// the file and line exist, and the site renders each as a button (src/lib/inline-markdown.ts).
// Code spans are left alone, as the renderer leaves them: a link inside backticks is text.
import { checkWorkspacePath, quote } from './workspace-paths.js';

/** What a link's target starts with. */
export const OPEN_SCHEME = 'open:';

export interface HintFileLink {
  /** The link as written. */
  raw: string;
  label: string;
  /** Canonical, relative to the workspace. */
  path: string;
  /** 1-based; absent: the top of the file. */
  line?: number;
}

export interface HintLinkProblem {
  raw: string;
  problem: string;
}

/** A piece of a hint: plain Markdown text (code spans included) or an open-file link. */
export type HintPiece = { text: string } | { link: HintFileLink } | { bad: HintLinkProblem };

const LINK = /\[([^\]]+)\]\(open:([^)]*)\)/g;
const MAX_LINE = 100_000;

function readLink(raw: string, label: string, target: string): HintFileLink | HintLinkProblem {
  const hash = target.indexOf('#');
  const file = hash < 0 ? target : target.slice(0, hash);
  const fragment = hash < 0 ? undefined : target.slice(hash + 1);
  if (/\s/.test(target)) return { raw, problem: `${raw}: the target holds a space; write [label](open:path#L12) with no spaces (rename a file whose name has one)` };
  const checked = checkWorkspacePath(file);
  if (!('path' in checked)) return { raw, problem: `${raw}: ${checked.message}` };
  if (fragment === undefined) return { raw, label, path: checked.path };
  const line = /^L([1-9]\d*)$/.exec(fragment);
  if (!line || Number(line[1]) > MAX_LINE) return { raw, problem: `${raw}: after "#" comes the line, as L and a number from 1 (such as #L12), not ${quote(fragment)}` };
  return { raw, label, path: checked.path, line: Number(line[1]) };
}

/** The hint cut into text and links, in order; a malformed link is a `bad` piece saying what is wrong. */
export function hintPieces(hint: string): HintPiece[] {
  const pieces: HintPiece[] = [];
  const text = (value: string) => {
    if (!value) return;
    const last = pieces.at(-1);
    if (last && 'text' in last) last.text += value;
    else pieces.push({ text: value });
  };
  for (const part of hint.split(/(`[^`]+`)/g)) {
    if (/^`[^`]+`$/.test(part)) {
      text(part);
      continue;
    }
    let at = 0;
    for (const match of part.matchAll(LINK)) {
      text(part.slice(at, match.index));
      const read = readLink(match[0], match[1]!, match[2]!);
      pieces.push('problem' in read ? { bad: read } : { link: read });
      at = match.index + match[0].length;
    }
    const rest = part.slice(at);
    // An open: target that is no whole link (a missing bracket or parenthesis) is a mistake too.
    if (/\]\(open:|\(open:/.test(rest)) pieces.push({ bad: { raw: rest.trim(), problem: `${quote(rest.trim())}: an open-file link is written [label](open:path#L12)` } });
    else text(rest);
  }
  return pieces;
}

/** The open-file links of a hint. */
export function hintFileLinks(hint: string): HintFileLink[] {
  return hintPieces(hint).flatMap((piece) => ('link' in piece ? [piece.link] : []));
}

/** What is wrong with each malformed open-file link of a hint (none: an empty list). */
export function hintLinkProblems(hint: string): string[] {
  return hintPieces(hint).flatMap((piece) => ('bad' in piece ? [piece.bad.problem] : []));
}
