// What counts as an attempt at a step, without a sandbox: the command family of a line (program,
// docker subcommand, synonyms folded, wrappers and redirects), the families of a step's ways,
// and the observation signature that tells a real change from time passing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandFamily, matchesFamily, observation, stepFamilies } from './attempts.js';

describe('command family', () => {
  it('folds docker synonyms into one family', () => {
    const same: Array<[string, string]> = [
      ['docker image ls', 'docker images'],
      ['docker image list -q', 'docker images'],
      ['docker image rm web:1', 'docker rmi'],
      ['docker container rm -f web', 'docker rm'],
      ['docker buildx build -t app .', 'docker build'],
      ['docker builder build .', 'docker build'],
      ['docker image push localhost:5000/app', 'docker push'],
      ['docker image tag app app:2', 'docker tag'],
      ['docker container inspect web', 'docker inspect'],
      ['docker container logs web', 'docker logs'],
      ['docker container stop web', 'docker stop'],
    ];
    for (const [line, family] of same) assert.equal(commandFamily(line), family, line);
  });

  it('keeps the group of docker subcommands that have no synonym', () => {
    assert.equal(commandFamily('docker volume create notes'), 'docker volume');
    assert.equal(commandFamily('docker network ls'), 'docker network');
    assert.equal(commandFamily('docker image prune -a'), 'docker image');
    assert.equal(commandFamily('docker compose -f other.yaml up -d'), 'docker compose');
    assert.equal(commandFamily('docker'), 'docker');
    assert.equal(commandFamily('docker --version'), 'docker');
  });

  it('looks past wrappers and paths: sudo, time, env assignments, timeout, /usr/bin/', () => {
    assert.equal(commandFamily('DOCKER_BUILDKIT=1 docker build .'), 'docker build');
    assert.equal(commandFamily('time docker run hello-world'), 'docker run');
    assert.equal(commandFamily('timeout 5 docker logs -f web'), 'docker logs');
    assert.equal(commandFamily('timeout --preserve-status 5 docker logs -f web'), 'docker logs');
    assert.equal(commandFamily('/usr/bin/docker ps'), 'docker ps');
    assert.equal(commandFamily('  sed -i s/a/b/ app.py'), 'sed');
  });

  it('takes only the first line of a multi-line command', () => {
    assert.equal(commandFamily("docker compose up -d\ncurl localhost"), 'docker compose');
  });

  it('counts a looking-around command as an attempt only when it writes a file', () => {
    assert.equal(commandFamily('ls'), undefined);
    assert.equal(commandFamily('cat app.py | wc -l'), undefined);
    assert.equal(commandFamily('cat app.py 2>&1'), undefined, 'a redirect between streams writes no file');
    assert.equal(commandFamily('ls > listing.txt'), 'ls');
    assert.equal(commandFamily('cat >> compose.yaml'), 'cat');
    assert.equal(commandFamily(''), undefined);
    assert.equal(commandFamily('   '), undefined);
  });
});

describe('step families', () => {
  const step = {
    solution: ['cd ~/workshop', 'docker image build -t web .', 'docker run -d --name web web'],
    alternatives: [['docker buildx build -t web .', 'docker container run -d --name web web'], ['ls']],
  };

  it('gathers the families of the solution and every alternative, without looking around', () => {
    assert.deepEqual([...stepFamilies(step)].sort(), ['docker build', 'docker run']);
    assert.deepEqual([...stepFamilies({ solution: [] })], []);
  });

  it('matches a command of any of those families, spelled any way', () => {
    assert.ok(matchesFamily(step, ['docker build --no-cache -t web .']));
    assert.ok(matchesFamily(step, ['ls', 'docker container run web']), 'one related command among others is enough');
    assert.ok(!matchesFamily(step, ['docker ps', 'docker logs web']));
    assert.ok(!matchesFamily(step, ['ls', 'cd ~/workshop']));
  });
});

describe('observation', () => {
  it('is the same when only times in the messages changed', () => {
    const at = (message: string) => observation([{ kind: 'container', passed: false, message }]);
    assert.equal(at('Container web: Up Less than a second.'), at('Container web: Up 3 minutes.'));
    assert.equal(at('exited an hour ago with code 1'), at('exited 2 days ago with code 1'));
    assert.equal(at('created just now'), at('created 5 seconds ago'));
    assert.equal(at('Up a moment'), at('Up 2 hours'));
  });

  it('differs when the pass, the kind or the words changed', () => {
    const base = observation([{ kind: 'image', passed: false, message: 'No image web:1.' }]);
    assert.notEqual(base, observation([{ kind: 'image', passed: true, message: 'No image web:1.' }]));
    assert.notEqual(base, observation([{ kind: 'volume', passed: false, message: 'No image web:1.' }]));
    assert.notEqual(base, observation([{ kind: 'image', passed: false, message: 'No image api:1.' }]));
  });

  it('ignores command checks, alone or inside a combination, and a combination\'s own message', () => {
    const withCommand = (last: string, own: string) =>
      observation([
        {
          kind: 'all',
          passed: false,
          message: own,
          checks: [
            { kind: 'file', passed: true, message: 'compose.yaml exists.' },
            { kind: 'any', passed: false, message: last, checks: [{ kind: 'command', passed: false, message: `Your last command was '${last}'.` }] },
          ],
        },
      ]);
    assert.equal(withCommand('ls', 'one of two'), withCommand('docker ps', 'still one of two'));
  });
});
