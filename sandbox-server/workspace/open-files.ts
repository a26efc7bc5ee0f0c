// Which file each sandbox's editor has open, as the learner's page reports it (the path only),
// for the instructor's read-only view of it. Each change, and each save of the file open, goes
// out on the feed's workspaces channel (keyed by sandbox), which the instructor's view follows;
// a sandbox that ends is forgotten.
import type { WorkspaceEvent } from '../../contract/workspace-view.js';
import type { WorkspaceChannel } from '../feed/index.js';
import type { PromptChannel } from '../feed/prompts.js';
import type { SandboxChannel } from '../feed/sandboxes.js';
import { WorkspaceError } from './errors.js';
import { checkPath } from './paths.js';

export interface OpenFilesDeps {
  workspaces: WorkspaceChannel;
  prompts: PromptChannel;
  sandboxes: SandboxChannel;
}

export class OpenFiles {
  private readonly open = new Map<string, string>();

  constructor(private readonly deps: OpenFilesDeps) {
    deps.prompts.on('saved', (saved) => {
      if (this.open.get(saved.sandboxId) === saved.path) this.publish(saved.sandboxId, saved.path, 'saved', saved.at);
    });
    deps.sandboxes.on('ended', (sandboxId) => this.open.delete(sandboxId));
  }

  /**
   * The page's editor shows this file now (null: none). The path follows the workspace's rules;
   * one that breaks them is refused as a bad path (400) naming what is wrong, whichever rule.
   */
  report(sandboxId: string, input: string | null, at = Date.now()): string | null {
    let path: string | null = null;
    if (input !== null) {
      try {
        path = checkPath(input);
      } catch (err) {
        if (err instanceof WorkspaceError) throw new WorkspaceError('bad_path', `path: ${err.message}`);
        throw err;
      }
    }
    if ((this.open.get(sandboxId) ?? null) === path) return path;
    if (path === null) this.open.delete(sandboxId);
    else this.open.set(sandboxId, path);
    this.publish(sandboxId, path, 'opened', at);
    return path;
  }

  /** The file open in the sandbox's editor, or null. */
  of(sandboxId: string): string | null {
    return this.open.get(sandboxId) ?? null;
  }

  /** What a viewer that starts following a sandbox is told first. */
  current(sandboxId: string): WorkspaceEvent {
    return { type: 'file', data: { path: this.of(sandboxId), reason: 'opened', at: Date.now() } };
  }

  private publish(sandboxId: string, path: string | null, reason: 'opened' | 'saved', at: number): void {
    this.deps.workspaces.publish(sandboxId, { type: 'file', data: { path, reason, at } });
  }
}
