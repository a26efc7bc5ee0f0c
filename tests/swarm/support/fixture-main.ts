// `npm run swarm:fixture -- up` starts the three-node swarm of fixture.ts on this machine and
// says how to reach each node's engine and how to run Slipway on it; `npm run swarm:fixture -- down` removes it again. An
// optional second argument names the installation (default "swarmfix"), so that two can run.
import { removeSwarmFixture, startSwarmFixture } from './fixture.js';

const [command, instance] = process.argv.slice(2);

try {
  if (command === 'up') {
    const started = performance.now();
    const fixture = await startSwarmFixture({ instance, progress: (line) => console.log(`swarm fixture: ${line}`) });
    console.log(`swarm fixture "${fixture.instance}" ready in ${((performance.now() - started) / 1000).toFixed(1)} s:`);
    for (const node of fixture.nodes) console.log(`  ${node.container} (${node.role}, ${node.address}): DOCKER_HOST=unix://${node.socketPath} docker node ls`);
    const nodes = fixture.nodes.map((n) => `${n.hostname}=unix://${n.socketPath}`).join(',');
    console.log(`Run Slipway on it with:\n  SLIPWAY_DRIVER=swarm SLIPWAY_SWARM_MANAGER=unix://${fixture.manager.socketPath} SLIPWAY_SWARM_NODES=${nodes} SLIPWAY_SWARM_ADVERTISE=${fixture.hostAddress} npm start`);
    console.log(`Remove it with: npm run swarm:fixture -- down${instance ? ` ${instance}` : ''}`);
  } else if (command === 'down') {
    await removeSwarmFixture(instance);
    console.log(`swarm fixture "${instance ?? 'swarmfix'}" removed`);
  } else {
    console.error('usage: npm run swarm:fixture -- up|down [instance]');
    process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
