// `http` checks: curl inside the sandbox, so the request comes from where the learner is
// (`localhost:8080` is the port they published in their sandbox, not on this server). One exec
// makes both requests of a `changes` check.
import crypto from 'node:crypto';
import type { HttpCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { firstLine, q } from '../describe.js';
import { fail, pass, type Verdict } from '../result.js';
import { textFacts, textProblem, wantsText } from './text.js';

const DEFAULT_TIMEOUT_S = 3;
const MAX_BODY = 256 * 1024;

/** curl's exit codes that a learner can cause, in their words. */
const CURL_ERRORS: Record<number, string> = {
  3: 'the URL is malformed',
  6: 'that host name does not resolve inside the sandbox',
  7: 'nothing answers there (connection refused): no container publishes that port, or the program inside is not listening yet',
  28: 'no answer came in time',
  35: 'the TLS handshake failed',
  52: 'the server closed the connection without answering',
  56: 'the connection broke while reading the answer',
  60: 'the server\'s TLS certificate is not trusted',
};

interface Response {
  status: number;
  body: string;
}

export async function checkHttp(check: HttpCheck, ctx: CheckContext): Promise<Verdict> {
  const timeout = check.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  const times = check.changes ? 2 : 1;
  // A random marker separates the bodies from the status codes; no page will contain it.
  const marker = `--slipway-${crypto.randomBytes(6).toString('hex')}--`;
  const result = await ctx.exec(
    ['curl', '--silent', '--show-error', '--globoff', '--max-time', String(timeout), '--write-out', `\n${marker}%{http_code}\n`, ...Array<string>(times).fill(check.url)],
    { timeoutMs: (timeout * times + 3) * 1000, maxOutputBytes: MAX_BODY * times },
  );
  const responses: Response[] = [];
  const parts = result.stdout.split(new RegExp(`\\n${marker}(\\d{3})\\n`));
  for (let i = 0; i + 1 < parts.length; i += 2) responses.push({ body: parts[i]!, status: Number(parts[i + 1]) });

  const first = responses[0];
  if (!first || first.status === 0) {
    const code = /curl: \((\d+)\)/.exec(result.stderr)?.[1];
    const why = (code && CURL_ERRORS[Number(code)]) ?? (result.timedOut ? 'no answer came in time' : firstLine(result.stderr) ?? `curl exited with code ${result.exitCode}`);
    return fail(`No answer from ${check.url}: ${why}.`);
  }

  const snippet = (r: Response) => (firstLine(r.body) ? `, body starts ${q(firstLine(r.body)!, 60)}` : ', empty body');
  const statusOk = check.status !== undefined ? first.status === check.status : first.status >= 200 && first.status < 300;
  if (!statusOk) return fail(`${check.url} answered ${first.status}${snippet(first)}; expected ${check.status ?? 'a 2xx status'}.`);

  if (wantsText(check)) {
    const problem = textProblem(first.body, check);
    const start = firstLine(first.body);
    if (problem) return fail(`${check.url} answered ${first.status}, but the body ${problem} (${start ? `it starts ${q(start, 60)}` : 'it is empty'}).`);
  }

  if (check.changes) {
    const second = responses[1];
    if (!second || second.status === 0) return fail(`${check.url} answered once, then not again.`);
    if (second.body === first.body) return fail(`${check.url} answered the same body twice (${firstLine(first.body) ? q(firstLine(first.body)!, 60) : 'empty'}); expected it to change between requests.`);
    return pass(`${check.url} answered ${first.status} and a different body the second time (${q(firstLine(first.body) ?? '', 40)} then ${q(firstLine(second.body) ?? '', 40)}).`);
  }
  return pass(`${check.url} answered ${first.status}${wantsText(check) ? ` with a body that ${textFacts(check)}` : ''}.`);
}
