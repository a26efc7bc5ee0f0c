// The workspace's refusals, each with a code from the shared list (contract/errors.ts) and plain
// words naming what is wrong; http/errors.ts alone turns the code into a status.
import { DomainError } from '../errors.js';

export type WorkspaceErrorCode = 'bad_path' | 'outside_workspace' | 'no_such_file' | 'is_folder' | 'file_changed' | 'file_exists' | 'too_large' | 'not_editable' | 'no_sandbox';

export class WorkspaceError extends DomainError<WorkspaceErrorCode> {}
