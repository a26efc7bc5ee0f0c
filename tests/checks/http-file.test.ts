// `http` checks (requests made inside the sandbox) and `file` checks (the workspace).
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

// A visit counter as a CGI script for busybox httpd.
const COUNTER = `#!/bin/sh
n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /tmp/n
printf 'Content-Type: text/plain\\r\\n\\r\\nVisits: %s\\n' "$n"
`;

describe('http and file checks', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
  });
  after(async () => server && stopAndClean(server));

  it('checks status and body of a page served in the sandbox', async () => {
    const page = { kind: 'http', url: 'http://localhost:8080/', status: 200, contains: 'Hello, Slipway' };
    await c.fails(page, /^No answer from http:\/\/localhost:8080\/: nothing answers there \(connection refused\)/);
    await sh(server, sandbox, `mkdir -p www/cgi-bin && echo '<h1>Hello, Slipway</h1>' > www/index.html && cat > www/cgi-bin/count <<'EOF'\n${COUNTER}EOF\nchmod +x www/cgi-bin/count
      docker run -d --name web -p 8080:80 -v "$PWD/www":/www busybox httpd -f -p 80 -h /www >/dev/null`);
    await c.eventuallyPasses(page, /^http:\/\/localhost:8080\/ answered 200 with a body that contains 'Hello, Slipway'\.$/, 10_000);
    await c.fails({ ...page, contains: 'Goodbye' }, /answered 200, but the body does not contain 'Goodbye' \(it starts '<h1>Hello, Slipway<\/h1>'\)/);
    await c.passes({ kind: 'http', label: 'The page greets in a heading', url: 'http://localhost:8080/', matches: '/<H1>hello/i' });
    await c.fails({ kind: 'http', url: 'http://localhost:8080/missing' }, /answered 404, .*expected a 2xx status/);
    await c.passes({ kind: 'http', url: 'http://localhost:8080/missing', status: 404 });
    await c.fails({ kind: 'http', url: 'http://no-such-host.invalid/' }, /does not resolve|nothing answers|no answer came/);
  });

  it('tells a page that changes between requests from one that does not', async () => {
    await c.fails({ kind: 'http', url: 'http://localhost:8080/', changes: true }, /answered the same body twice \('<h1>Hello, Slipway<\/h1>'\); expected it to change/);
    await c.passes({ kind: 'http', url: 'http://localhost:8080/cgi-bin/count', changes: true, contains: 'Visits' }, /a different body the second time \('Visits: \d+' then 'Visits: \d+'\)/);
  });

  it('checks files in the workspace', async () => {
    const file = { kind: 'file', path: 'notes/todo.txt', contains: 'volumes' };
    await c.fails(file, /^There is no notes\/todo\.txt in the workspace\.$/);
    await sh(server, sandbox, 'mkdir -p notes && printf "learn images\\nlearn containers\\n" > notes/todo.txt');
    await c.fails(file, /^notes\/todo\.txt does not contain 'volumes' \(its last line is 'learn containers'\)\.$/);
    await sh(server, sandbox, 'echo "learn volumes" >> notes/todo.txt');
    await c.passes(file, /contains 'volumes'/);
    await c.passes({ kind: 'file', label: 'The to-do list says learn volumes', path: 'notes/todo.txt', matches: '^learn volumes$' });
    await c.passes({ kind: 'file', path: 'notes' }, /Folder notes exists/);
    await c.fails({ kind: 'file', path: 'notes', contains: 'x' }, /notes is a folder, not a file/);
    await c.passes({ kind: 'file', path: '/root/workshop/www/index.html' });
    // Odd names are arguments, never shell text.
    await c.fails({ kind: 'file', path: '$(touch /tmp/pwned); x' }, /There is no/);
    await c.fails({ kind: 'file', path: '/tmp/pwned' }, /There is no/);
    const gone = { kind: 'file', path: 'notes/todo.txt', exists: false };
    await c.fails(gone, /still exists/);
    await sh(server, sandbox, 'rm notes/todo.txt');
    await c.passes(gone, /it is gone/);
  });
});
