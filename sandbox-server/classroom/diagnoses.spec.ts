// The class view names what the check engine's near-miss detectors say: each detector's real
// output, made here from plain data, must map to its diagnosis (contract/diagnoses.ts), so a
// detector reworded without the table fails here rather than dropping out of the grouping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnosisOf, DIAGNOSES } from '../../contract/diagnoses.js';
import { missingVariable, wrongValue } from '../checks/nearmiss/env.js';
import { exitMeaning } from '../checks/nearmiss/exited.js';
import { missingExpose, otherBase } from '../checks/nearmiss/image-build.js';
import { containerImageNearMiss, imageNearMiss } from '../checks/nearmiss/image-tag.js';
import { mountedElsewhere, wrongMountType } from '../checks/nearmiss/mounts.js';
import { portNearMiss } from '../checks/nearmiss/ports.js';
import { resourceNearMiss } from '../checks/nearmiss/spelling.js';
import { unhealthyService } from '../checks/nearmiss/compose.js';

const must = (text: string | undefined): string => {
  assert.ok(text, 'the detector saw no near miss');
  return text;
};

describe('near-miss diagnoses named for the class view', () => {
  const cases: Array<[string, string]> = [
    [must(portNearMiss({ container: 80, host: 8080, protocol: 'tcp' }, [{ container: 8080, host: 80, protocol: 'tcp' }], false)), 'host and container ports swapped'],
    [must(portNearMiss({ container: 80, host: 8080, protocol: 'tcp' }, [{ container: 8080, host: 80, protocol: 'tcp' }], true)), 'host and container ports swapped'],
    [must(portNearMiss({ container: 80, host: 8080, protocol: 'tcp' }, [{ container: 80, host: 8081, protocol: 'tcp' }], false)), 'the right container port on another host port'],
    [must(portNearMiss({ container: 80, host: 8080, protocol: 'tcp' }, [{ container: 81, host: 8080, protocol: 'tcp' }], false)), 'the right host port leading to another container port'],
    [must(portNearMiss({ container: 53, host: 5353, protocol: 'udp' }, [{ container: 53, host: 5353, protocol: 'tcp' }], false)), 'a port over another protocol'],
    [must(missingVariable('GREETING', 'hello', new Map([['greeting', 'hello']]))), 'a variable name in other capitals'],
    [must(missingVariable('GREETING', 'hello', new Map([['GREETNG', 'hello']]))), 'a variable name misspelled'],
    [wrongValue('GREETING', '"hello"', 'hello'), 'quotes kept in an --env-file value'],
    [wrongValue('GREETING', ' hello ', 'hello'), 'spaces around a value'],
    [wrongValue('GREETING', 'Hello', 'hello'), 'a value in other capitals'],
    [exitMeaning({ Status: 'exited', ExitCode: 0 }), 'the container exited: its command finished'],
    [exitMeaning({ Status: 'exited', ExitCode: 127 }), "the container's command is not in the image"],
    [exitMeaning({ Status: 'exited', ExitCode: 1 }), "the container's command failed"],
    [exitMeaning({ Status: 'exited', ExitCode: 137, OOMKilled: true }), 'the container ran out of memory'],
    [otherBase('python:3.12-slim', 'debian:trixie'), 'built from another base image'],
    [missingExpose(['8000/tcp'], []), 'a port not declared with EXPOSE'],
    [must(imageNearMiss('greeter:1.0', ['greeter:latest'])), 'the right image with another tag'],
    [must(containerImageNearMiss('nginx:1.26', [{ name: 'old', image: 'nginx:1.25', status: 'running' }])), 'the right image with another tag'],
    [must(resourceNearMiss('volume', 'notes', ['ntoes'])), 'a name off by a typo'],
    [must(mountedElsewhere({ destination: '/usr/share/nginx/html', source: './site' }, [{ Type: 'bind', Source: '/home/learner/site', Destination: '/usr/share/nginx' }])), 'mounted at another path in the container'],
    [must(wrongMountType({ destination: '/www', type: 'bind', source: './site' }, { Type: 'volume', Name: 'site', Destination: '/www' })), 'a volume where a folder was meant'],
    [unhealthyService('db', undefined, undefined), 'a service without a health check'],
  ];
  for (const [message, label] of cases) {
    it(`"${label}"`, () => assert.equal(diagnosisOf(message), label, message));
  }

  it('names nothing in a plain failure, and every label once', () => {
    assert.equal(diagnosisOf("No container named 'web'."), undefined);
    assert.equal(diagnosisOf(null), undefined);
    const labels = DIAGNOSES.map((d) => d.label);
    assert.equal(new Set(labels).size, labels.length);
  });
});
