// What the server reads and does of a swarm sandbox from outside it, through the engine of the
// node it runs on (the server cannot read a node's cgroups or /proc as the docker driver reads
// its own host's): its process count and limit from the node's stats, its inner engine's
// process from the node's process list (a new one means the engine restarted), out-of-memory
// kills from each node's events, and runaway programs stopped by a short-lived helper that joins
// the sandbox's process namespace from the node. The helper's processes are not in the
// sandbox's cgroup, so a fork bomb holding the sandbox at its limit does not stop it.
import type Docker from 'dockerode';
import { LABEL } from '../../labels.js';
import type { Logger } from '../../log.js';
import { runToEnd } from '../docker/helper-run.js';
import type { HostSignals, SandboxSignals } from '../driver.js';
import { EngineEvents } from '../engine-events.js';

export interface SignalParts {
  instance: string;
  /** The node engine and the container of a running sandbox; throws when it does not run. */
  placementOf(id: string): Promise<{ node: Docker; containerId: string }>;
  /** The image the runaway helper runs (the sandbox image: it has perl). */
  image(): string;
  /** A node's event stream came back after it broke: its engine may have restarted. */
  onReconnect(node: Docker): void;
  log: Logger;
}

/** Perl (in the sandbox image): kills what runs in a terminal session but the session's shell, in rounds, as docker/runaway.ts does from a host. */
const STOP_TERMINAL_PROGRAMS = String.raw`
my (%shells, $killed);
for my $round (1 .. 30) {
  opendir(my $dir, '/proc') or die "no /proc: $!";
  my @stats;
  for my $pid (grep { /^\d+$/ && $_ != $$ } readdir $dir) {
    open(my $file, '<', "/proc/$pid/stat") or next;
    my $line = <$file>;
    close $file;
    next unless defined $line && $line =~ /\)\s(.*)$/;
    my @fields = split / /, $1;
    push @stats, [$pid, $fields[3], $fields[4]];
  }
  closedir $dir;
  $shells{$_->[0]} = 1 for grep { $_->[0] == $_->[1] && $_->[2] != 0 } @stats;
  my @victims = grep { $shells{$_->[1]} && !$shells{$_->[0]} } @stats;
  last unless @victims;
  $killed += kill 'KILL', map { $_->[0] } @victims;
  select(undef, undef, undef, 0.02);
}
print "killed=", ($killed // 0), "\n";
`;

export class SwarmHostSignals implements HostSignals {
  private readonly watched = new Map<Docker, EngineEvents>();
  private readonly listeners = new Set<(sandboxId: string) => void>();

  constructor(private readonly parts: SignalParts) {}

  async read(id: string): Promise<SandboxSignals | undefined> {
    const placement = await this.parts.placementOf(id).catch(() => undefined);
    if (!placement) return undefined;
    const container = placement.node.getContainer(placement.containerId);
    const [stats, top] = await Promise.all([
      container.stats({ stream: false, 'one-shot': true } as { stream: false }) as Promise<{ pids_stats?: { current?: number; limit?: number } }>,
      container.top({ ps_args: '-o pid,comm' }) as Promise<{ Titles: string[]; Processes: string[][] }>,
    ]).catch(() => [undefined, undefined] as const);
    if (!stats || !top) return undefined;
    const { current, limit } = stats.pids_stats ?? {};
    const pid = top.Titles.indexOf('PID');
    const command = top.Titles.findIndex((t) => t === 'COMMAND' || t === 'CMD');
    const engine = top.Processes.find((p) => p[command] === 'dockerd')?.[pid] ?? null;
    return {
      // The node's stats give no count of refused forks: the limit reached is the sign.
      pids: current === undefined ? undefined : { current, max: limit || Infinity, refused: 0 },
      engine,
    };
  }

  watchOutOfMemory(listener: (sandboxId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Watches a node's engine for out-of-memory kills in this installation's sandboxes; once per node. */
  watchNode(node: Docker): void {
    if (this.watched.has(node)) return;
    const filters = { type: ['container'], event: ['oom'], label: [`${LABEL.instance}=${this.parts.instance}`, `${LABEL.role}=sandbox`] };
    const events = new EngineEvents(
      node,
      (event) => {
        if (event.Type === 'engine' && event.Action === 'reconnect') return this.parts.onReconnect(node);
        const id = event.Action === 'oom' ? event.Actor?.Attributes?.[LABEL.sandbox] : undefined;
        if (id) for (const listener of this.listeners) listener(id);
      },
      () => this.watched.has(node),
      this.parts.log,
      filters,
    );
    this.watched.set(node, events);
    events.start();
  }

  /** Stops watching a node (it is down; watched again once it is back). */
  unwatchNode(node: Docker): void {
    this.watched.get(node)?.stop();
    this.watched.delete(node);
  }

  async stopRunaway(id: string): Promise<number> {
    const { node, containerId } = await this.parts.placementOf(id);
    const helper = await node.createContainer({
      Image: this.parts.image(),
      Entrypoint: ['perl', '-e', STOP_TERMINAL_PROGRAMS],
      Cmd: [],
      Labels: { [LABEL.instance]: this.parts.instance, [LABEL.role]: 'probe' },
      HostConfig: { PidMode: `container:${containerId}`, NetworkMode: 'none', AutoRemove: false },
    });
    const ran = await runToEnd(helper);
    if (ran.statusCode !== 0) throw new Error(`the helper exited with code ${ran.statusCode}: ${ran.output.trim().slice(-200)}`);
    return Number(/killed=(\d+)/.exec(ran.output)?.[1] ?? 0);
  }
}
