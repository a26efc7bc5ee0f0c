// The workspace API (contract/workspace-api.ts): the learner's own sandbox only. A file's text
// is the raw body of a PUT (text/plain), so it is read here with a limit of its own instead of
// the API's small JSON one; the version it was based on comes in If-Match.
import express, { Router, type Request } from 'express';
import {
  BASE_VERSION_HEADER,
  MAX_EDITABLE_BYTES,
  VERSION_HEADER,
  WORKSPACE_ENTRIES_PATH,
  WORKSPACE_FILE_PATH,
  WORKSPACE_RENAME_PATH,
  WORKSPACE_TREE_PATH,
  entryBody,
  renameBody,
} from '../../contract/workspace-api.js';
import type { Sessions } from '../sessions/sessions.js';
import { ANY_VERSION, type WorkspaceFiles } from '../workspace/files.js';
import { currentSession } from './current-session.js';
import { HttpError } from './errors.js';

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

export function workspaceRoutes(files: WorkspaceFiles, sessions: Sessions): Router {
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

  return router;
}
