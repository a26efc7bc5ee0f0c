// `npm run doctor`: one line per check (ok / warn / FAIL) with the fix, then the configuration.
// Exits non-zero when anything failed.
import Docker from 'dockerode';
import { ConfigError, describeConfig, loadConfig, type Config } from '../config/config.js';
import path from 'node:path';
import { LessonLibrary } from '../lessons/library.js';
import { wantedPackages } from '../packages/wanted.js';
import { checkBaseImage, checkDisk, checkEngine, checkFirewall, checkMirror, checkNestedDocker, checkNode, checkPackageCache, checkPort, checkPythonIndex, checkSysbox, type Finding } from './checks.js';
import { checkSwarm } from './swarm.js';

async function diagnose(config: Config): Promise<Finding[]> {
  const docker = new Docker();
  const findings: Finding[] = [await checkNode()];
  const engine = await checkEngine(docker);
  findings.push(engine);
  if (config.driver === 'docker') {
    findings.push(checkSysbox(engine.info));
    if (engine.status === 'ok') {
      findings.push(await checkNestedDocker(docker, config.isolation, config.instance));
      findings.push(await checkMirror(config, docker));
      const lessons = new LessonLibrary(path.resolve(config.lessonsDir)).list().map((l) => l.lesson);
      findings.push(await checkPackageCache(config, docker, wantedPackages(lessons, config.warmApt)));
      findings.push(await checkPythonIndex(config, docker));
      findings.push(await checkFirewall(docker, config));
    }
    if (engine.status === 'ok' && config.images !== 'online') findings.push(await checkBaseImage(docker));
  } else if (config.driver === 'swarm') {
    // This machine's engine builds the images and holds the workshop registry; the nodes run the sandboxes.
    findings.push(...(await checkSwarm(config)));
    if (engine.status === 'ok' && config.images !== 'online') findings.push(await checkBaseImage(docker));
  } else {
    findings.push({ status: 'warn', what: 'Driver', detail: 'local: learners get a shell on this machine, NOT isolated' });
  }
  findings.push(...(await checkDisk(config, engine.info)));
  findings.push(await checkPort(config));
  return findings;
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  console.log(`FAIL  Configuration  ${(err as Error).message}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
const findings = await diagnose(config);
const width = Math.max(...findings.map((f) => f.what.length));
for (const f of findings) {
  const label = f.status === 'fail' ? 'FAIL' : f.status;
  console.log(`${label.padEnd(5)} ${f.what.padEnd(width)}  ${f.detail}${f.fix ? `\n${' '.repeat(6 + width + 2)}fix: ${f.fix}` : ''}`);
}
console.log('\nConfiguration:');
for (const { env, value } of describeConfig(config)) console.log(`  ${env}=${value}`);
const failed = findings.filter((f) => f.status === 'fail').length;
console.log(failed ? `\n${failed} check(s) failed.` : '\nAll checks passed.');
process.exit(failed ? 1 : 0);
