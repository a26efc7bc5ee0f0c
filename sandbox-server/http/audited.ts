// The one place instructor actions reach the audit log: a middleware put on each instructor
// route that changes something or opens a learner's screen. It notes who asks (auth.require put
// them on res.locals) and the learner as named before the action (a rename or removal changes
// that), and records the entry as a successful answer goes out; a refused action is not logged
// as done.
import type { Request, RequestHandler, Response } from 'express';
import type { AuditAction } from '../../contract/instructors.js';
import type { AuditTrail } from '../classroom/audit.js';
import { currentInstructor } from '../classroom/instructor-auth.js';

export interface AuditDescription {
  /** The workshop acted on; by default the route's :id. */
  workshopId?: string | null;
  details?: string | null;
}

/** Words for the entry from the request and the JSON answered (a created workshop's id, say). */
export type Describe = (req: Request, answer: unknown) => AuditDescription;

const param = (req: Request, name: string) => (req.params[name] === undefined ? undefined : String(req.params[name]).slice(0, 80));

export function auditor(trail: AuditTrail) {
  /** `action`: the action, or how to tell it from the request (one route, two actions). */
  return function audited(action: AuditAction | ((req: Request) => AuditAction), describe?: Describe): RequestHandler {
    return (req: Request, res: Response, next) => {
      const instructor = currentInstructor(res);
      const workshopId = param(req, 'id') ?? null;
      const learnerParam = param(req, 'learner');
      const learner = workshopId && learnerParam ? (trail.learner(workshopId, learnerParam) ?? { id: learnerParam, name: learnerParam }) : null;
      let answer: unknown;
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        answer = body;
        return json(body);
      };
      // Recorded as the answer is about to go out, not after: a client that reads the log right
      // after its action finds the entry there.
      const end = res.end;
      let recorded = false;
      res.end = function (this: Response, ...args: unknown[]) {
        if (!recorded && res.statusCode < 400) {
          recorded = true;
          const described = describe?.(req, answer) ?? {};
          trail.record({ instructor, action: typeof action === 'function' ? action(req) : action, workshopId: described.workshopId !== undefined ? described.workshopId : workshopId, learner, details: described.details ?? null });
        }
        return Reflect.apply(end, this, args) as Response;
      } as Response['end'];
      next();
    };
  };
}

export type Audited = ReturnType<typeof auditor>;
