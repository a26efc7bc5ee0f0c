// The workspace API (contract/workspace-api.ts): the learner's own sandbox only. A file's text
// is the raw body of a PUT (text/plain), so it is read here with a limit of its own instead of
// the API's small JSON one; the version it was based on comes in If-Match. The page also says
// which file its editor shows; an instructor (authorised as for the terminal viewer) reads that
// file read-only, and follows which file it is and its saves as server-sent events.
import express, { Router, type Request, type Response } from 'express';
import {
  BASE_VERSION_HEADER,
  MAX_EDITABLE_BYTES,
  VERSION_HEADER,
  WORKSPACE_ENTRIES_PATH,
  WORKSPACE_FILE_PATH,
  WORKSPACE_OPEN_PATH,
  WORKSPACE_RENAME_PATH,
  WORKSPACE_TREE_PATH,
  entryBody,
  openBody,
  renameBody,
} from '../../contract/workspace-api.js';
import type { OpenFileView, WorkspaceEvent } from '../../contract/workspace-view.js';
import type { Classroom } from '../classroom/classroom.js';
import type { InstructorAuth } from '../classroom/instructor-auth.js';
import type { WorkspaceChannel } from '../feed/index.js';
import type { Sessions } from '../sessions/sessions.js';
import { WorkspaceError } from '../workspace/errors.js';
import { ANY_VERSION, type WorkspaceFiles } from '../workspace/files.js';
import type { OpenFiles } from '../workspace/open-files.js';
import { currentSession } from './current-session.js';
import { HttpError } from './errors.js';
import { streamEvents } from './event-stream.js';

/** What the instructor's read-only view needs besides the files. */
export interface InstructorFileAccess {
  classroom: Pick<Classroom, 'sandboxOf'>;
  auth: Pick<InstructorAuth, 'require'>;
  workspaces: WorkspaceChannel;
}

const param = (value: unknown) => String(value ?? '').slice(0, 80);

/** The sandbox of the request's session, or a refusal that says it has none. */
function sandboxOf(sessions: Sessions, req: Request): string {
  const sandbox = sessions.liveSandbox(currentSession(sessions, req));
  if (!sandbox) throw new HttpError('no_sandbox', 'You have no sandbox right now, so there are no files to show: start a fresh sandbox. Unsaved text stays in the editor until you copy it.');
  return sandbox.id;
}

function pathParam(req: Request): string {
  const value = req.query.path;
  if (typeof value !== 'string') throw new HttpError('invalid_input', 'path: give the file as ?path=, relative to your workspace.');
  return value;
}

/** If-Match: "version", W/"version" or *. */
function baseVersion(req: Request): string {
  const header = req.get(BASE_VERSION_HEADER)?.trim();
  if (!header) throw new HttpError('invalid_input', `${BASE_VERSION_HEADER}: say which version of the file your text is based on (the ${VERSION_HEADER} of the read), or * to overwrite whatever is there.`);
  if (header === ANY_VERSION) return ANY_VERSION;
  return header.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export function workspaceRoutes(files: WorkspaceFiles, sessions: Sessions, openFiles: OpenFiles, instructor: InstructorFileAccess): Router {
  const router = Router();
  // Any content type but JSON (which the app's parser took already): the body is the file.
  const rawText = express.raw({ type: (req) => !/json/i.test(String(req.headers['content-type'] ?? '')), limit: MAX_EDITABLE_BYTES + 1024 });

  router.get(WORKSPACE_TREE_PATH, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await files.tree(sandboxOf(sessions, req)));
  });

  router.get(WORKSPACE_FILE_PATH, async (req, res) => {
    const file = await files.read(sandboxOf(sessions, req), pathParam(req));
    res.set('Cache-Control', 'no-store').set(VERSION_HEADER, `"${file.version}"`).json(file);
  });

  router.put(WORKSPACE_FILE_PATH, rawText, async (req, res) => {
    if (!Buffer.isBuffer(req.body) && req.body !== undefined && Object.keys(req.body as object).length > 0) {
      throw new HttpError('invalid_input', 'Send the file\'s text as the body, with Content-Type: text/plain (not JSON).');
    }
    const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const saved = await files.write(sandboxOf(sessions, req), pathParam(req), content, baseVersion(req));
    res.set(VERSION_HEADER, `"${saved.version}"`).json(saved);
  });

  router.post(WORKSPACE_ENTRIES_PATH, async (req, res) => {
    // Who asks comes first: without a session the answer is 401, whatever the body.
    const sandbox = sandboxOf(sessions, req);
    const body = entryBody.parse(req.body ?? {});
    res.status(201).json(await files.create(sandbox, body.path, body.kind));
  });

  router.delete(WORKSPACE_ENTRIES_PATH, async (req, res) => {
    await files.remove(sandboxOf(sessions, req), pathParam(req));
    res.status(204).end();
  });

  router.post(WORKSPACE_RENAME_PATH, async (req, res) => {
    const sandbox = sandboxOf(sessions, req);
    const body = renameBody.parse(req.body ?? {});
    res.json(await files.rename(sandbox, body.from, body.to));
  });

  // The page's editor shows this file now (the path only; null: none).
  router.post(WORKSPACE_OPEN_PATH, (req, res) => {
    const sandbox = sandboxOf(sessions, req);
    const body = openBody.parse(req.body ?? {});
    openFiles.report(sandbox, body.path);
    res.status(204).end();
  });

  // The instructor's read-only view of the file open in a learner's editor: what it holds now.
  const learnerSandbox = async (req: Request) => instructor.classroom.sandboxOf(param(req.params.id), param(req.params.learner));
  router.get('/api/instructor/workshops/:id/learners/:learner/file', instructor.auth.require, async (req, res) => {
    const sandbox = await learnerSandbox(req);
    const path = openFiles.of(sandbox);
    let view: OpenFileView = { path, file: null };
    if (path !== null) {
      try {
        view = { path, file: await files.read(sandbox, path) };
      } catch (err) {
        // Deleted or replaced since it was opened: the view says so instead of failing.
        if (!(err instanceof WorkspaceError) || err.code === 'no_sandbox') throw err;
        view = { path, file: null, problem: err.message };
      }
    }
    res.set('Cache-Control', 'no-store').json(view);
  });

  // When to read it again: the learner opened another file or saved this one.
  router.get('/api/instructor/workshops/:id/learners/:learner/file/events', instructor.auth.require, async (req, res: Response) => {
    const sandbox = await learnerSandbox(req);
    streamEvents<WorkspaceEvent>(req, res, {
      follow: (subscription) => instructor.workspaces.subscribe(sandbox, subscription),
      initial: () => [openFiles.current(sandbox)],
    });
  });

  return router;
}
