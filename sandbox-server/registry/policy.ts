// Who may do what in the workshop registry: everyone reads everything (pulls of each other's
// images are the point of the lesson), and a learner writes only under their own namespace.
// Refusals are in the registry's own error format, so `docker push` prints their message.

export type Verdict = { allowed: true } | { allowed: false; status: number; body: RegistryErrors };

export interface RegistryErrors {
  errors: Array<{ code: string; message: string }>;
}

const READS = new Set(['GET', 'HEAD']);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One part of a repository name, as the registry's own grammar has it. */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/**
 * The registry endpoints that write: blob uploads (start, continue, finish, cancel), manifests,
 * blob deletion. Anything else (encoded or dotted paths included) is refused for writes.
 */
const WRITE_PATH = new RegExp(`^/v2/(${COMPONENT}(?:/${COMPONENT})*)/(?:blobs/uploads/[A-Za-z0-9-]*|blobs/[a-z0-9]+:[a-f0-9]+|manifests/[A-Za-z0-9_.:-]+)$`);

export interface RegistryRequest {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  /** The learner's namespace, when the request comes from a sandbox a learner holds. */
  namespace: string | undefined;
}

/**
 * @param registry How learners write the registry's address (`registry.workshop:5000`), for
 * the messages.
 */
export function judge(request: RegistryRequest, registry: string): Verdict {
  const method = request.method.toUpperCase();
  if (READS.has(method)) return { allowed: true };
  if (!WRITES.has(method)) return refuse(405, 'UNSUPPORTED', `the workshop registry does not take ${method} requests`);
  const path = request.url.split('?')[0]!;
  const repository = WRITE_PATH.exec(path)?.[1];
  const { namespace } = request;
  if (!namespace) {
    return refuse(403, 'DENIED', `this sandbox does not belong to a learner right now, so it has no namespace to push to in ${registry}; reload the lesson page and try again`);
  }
  if (repository && repository.startsWith(`${namespace}/`)) return { allowed: true };
  const where = `${registry}/${namespace}/`;
  if (!repository) return refuse(403, 'DENIED', `you can push only under ${where} (your own namespace in this workshop, also in $ME)`);
  return refuse(403, 'DENIED', `you can push only under ${where} (your own namespace in this workshop, also in $ME), not to ${registry}/${repository}: tag the image ${where}${suggestedRepository(repository)} and push that`);
}

/** "ada42/card" → "card"; "card" → "card": the name the learner meant, without someone else's namespace. */
function suggestedRepository(repository: string): string {
  const parts = repository.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : repository;
}

function refuse(status: number, code: string, message: string): Verdict {
  return { allowed: false, status, body: { errors: [{ code, message }] } };
}
