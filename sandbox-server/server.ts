// Composition root: wires configuration, store, driver, the event feed, the scheduler, the
// sandbox lifecycle, checks, classroom and HTTP together. main.ts runs it for operators; tests
// run it in-process.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { LessonChecks } from './checks/service.js';
import { LessonSetup } from './checks/setup.js';
import { SetupAhead } from './classroom/setup-ahead.js';
import { SetupRunStore } from './store/setup-runs.js';
import { Classroom } from './classroom/classroom.js';
import { AuditTrail } from './classroom/audit.js';
import { InstructorAuth } from './classroom/instructor-auth.js';
import { Instructors } from './classroom/instructors.js';
import { Relinks } from './classroom/relink.js';
import { HelpDesk } from './classroom/help-desk.js';
import { WorkshopStore } from './classroom/store.js';
import type { Config } from './config/config.js';
import { createApp, SITE_DIR } from './http/app.js';
import { createFeed, type Feed } from './feed/index.js';
import { statusOf } from './http/errors.js';
import { auditor } from './http/audited.js';
import { instructorRoutes, learnerClassroomRoutes } from './http/classroom-routes.js';
import { relinkRoutes } from './http/relink-routes.js';
import { eventRoutes } from './http/events-route.js';
import { lessonRoutes } from './http/lesson-routes.js';
import { previewRoutes } from './http/preview-routes.js';
import { workspaceRoutes } from './http/workspace-routes.js';
import { sessionRoutes } from './http/session-routes.js';
import { terminalRoutes } from './http/terminal-routes.js';
import { LessonLibrary } from './lessons/library.js';
import { wantedPackages } from './packages/wanted.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics/metrics.js';
import { PreviewGrants } from './preview/grants.js';
import { Previews } from './preview/previews.js';
import { WorkspaceFiles } from './workspace/files.js';
import { OpenFiles } from './workspace/open-files.js';
import { learnerNamespaces } from './registry/learners.js';
import { serveWorkshopRegistry } from './registry/workshop-registry.js';
import { Scheduler } from './scheduler/scheduler.js';
import { createDriver } from './sandboxes/create-driver.js';
import type { SandboxDriver } from './sandboxes/driver.js';
import { SandboxManager } from './sandboxes/manager.js';
import { SandboxMonitor } from './sandboxes/monitor.js';
import { NoticeBoard } from './sandboxes/notices.js';
import { Sessions } from './sessions/sessions.js';
import { CommandStore } from './store/commands.js';
import { openDatabase, type Db } from './store/database.js';
import { ProgressStore } from './store/progress.js';
import { SandboxStore } from './store/sandboxes.js';
import { secret } from './store/secrets.js';
import { SessionStore } from './store/sessions.js';
import { createTerminals, type Terminals } from './terminal/index.js';

export interface SlipwayServer {
  config: Config;
  log: Logger;
  db: Db;
  /** The HTTP application (its router stack lists every endpoint, for tests that walk them all). */
  app: Express;
  driver: SandboxDriver;
  manager: SandboxManager;
  sessions: Sessions;
  /** Every event between the server's parts, on typed channels (feed/index.ts). */
  feed: Feed;
  /** The background rounds: liveness, expiry, disk, monitor, warm-up report. */
  scheduler: Scheduler;
  /** Learners' shells and the terminal WebSocket endpoint. */
  terminals: Terminals;
  /** The lessons in SLIPWAY_LESSONS_DIR. */
  lessons: LessonLibrary;
  /** The check engine: progress, automatic re-evaluation, the event stream. */
  checks: LessonChecks;
  /** Classroom workshops: join codes, the instructor's live dashboard, results. */
  classroom: Classroom;
  /** What happened to sandboxes without their learners asking (limits hit, engine restarted, disk, removal). */
  notices: NoticeBoard;
  /** Finds those happenings: reads sandboxes in use every few seconds. */
  monitor: SandboxMonitor;
  instructorAuth: InstructorAuth;
  /** Web previews of the apps learners run, each on a port of its own. */
  previews: Previews;
  /** A fresh one-time instructor link for the console (never for the log). */
  instructorLink(siteUrl: string): string;
  /** Prepares images and sandboxes, then listens. Resolves with the site's URL. */
  start(progress?: (line: string) => void): Promise<string>;
  /** Stops listening and background work. Sandboxes stay up for the next start to re-adopt. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  log?: Logger;
  siteDir?: string;
  /** A driver made elsewhere instead of the one the configuration names (the fast tests' in-memory fake). */
  driver?: SandboxDriver;
  /** The clock one-time links to another browser are made and checked by (tests move it past their expiry instead of waiting). */
  relinkClock?: () => number;
}

export function createSlipwayServer(config: Config, options: ServerOptions = {}): SlipwayServer {
  const log = options.log ?? createLogger(config.logLevel);
  const db = openDatabase(config.dataPath);
  const metrics = createMetrics();
  const driver = options.driver ?? createDriver(config, log);
  const sandboxStore = new SandboxStore(db);
  const feed = createFeed(log);
  const scheduler = new Scheduler(log);
  const manager = new SandboxManager({ config, driver, store: sandboxStore, metrics, log, events: feed.sandboxes, scheduler });
  const notices = new NoticeBoard(feed.learners);
  const sessions = new Sessions(new SessionStore(db), sandboxStore, manager, driver.isolated, notices);
  const cookieSecret = secret(db, 'cookie');
  let server: http.Server | undefined;
  const terminals = createTerminals({
    driver,
    sessions,
    prompts: feed.prompts,
    cookieSecret,
    graceMs: config.terminalGrace,
    log,
    touch: (id) => manager.touch(id),
    sandboxEnded: (id) => {
      const row = sandboxStore.get(id);
      return row?.ended_at ? (row.end_reason ?? 'The sandbox ended.') : null;
    },
    checkSandbox: (id, code) => manager.confirmAlive(id, code),
    statusOf,
  });

  // Each learner pushes into a namespace of their own in the workshop registry ($ME in their
  // shell); its gate refuses writes anywhere else. Only a driver with the registry capability has one.
  const namespaceOf = learnerNamespaces(sandboxStore, sessions);
  const workshopRegistry = driver.capabilities.registry ? serveWorkshopRegistry(driver.capabilities.registry, config, namespaceOf, log) : undefined;
  feed.sandboxes.on('assigned', (id) => {
    const namespace = namespaceOf(id);
    if (!workshopRegistry || !namespace) return;
    try {
      workshopRegistry.give(id, namespace);
    } catch (err) {
      log.warn({ sandbox: id, err: (err as Error).message }, 'could not tell a sandbox its registry namespace');
    }
  });

  // A pooled sandbox's shell starts while it waits, so its learner finds a prompt at once.
  feed.sandboxes.on('pooled', (id) => {
    terminals.hub.preopen(id).catch((err: Error) => log.warn({ sandbox: id, err: err.message }, 'could not open the shell of a pooled sandbox ahead'));
  });

  const lessons = new LessonLibrary(path.resolve(config.lessonsDir));
  const progressStore = new ProgressStore(db);
  // Lessons' and steps' setups, told to the sandbox's learner when they fail.
  const setup = new LessonSetup({ driver, runs: new SetupRunStore(db), log: log.child({ component: 'setup' }), notify: (notice) => notices.publish(notice, sandboxStore.get(notice.sandbox)?.session_id ?? null) });
  const checks = new LessonChecks({
    library: lessons,
    progress: progressStore,
    commands: new CommandStore(db),
    driver,
    sessions,
    prompts: feed.prompts,
    learners: feed.learners,
    sandboxes: feed.sandboxes,
    engineState: (id) => manager.engines.state(id),
    setup,
    log: log.child({ component: 'checks' }),
  });
  const monitor = new SandboxMonitor({ config, driver, store: sandboxStore, sandboxes: feed.sandboxes, scheduler, board: notices, metrics, log: log.child({ component: 'monitor' }) });

  const instructorAuth = new InstructorAuth(secret(db, 'instructor'), config.instructorPassword, new Instructors(db));
  const workshopStore = new WorkshopStore(db);
  // Sandboxes warmed for a running workshop get its first lesson's setup ahead.
  const setupAhead = new SetupAhead({ workshops: workshopStore, sandboxes: sandboxStore, library: lessons, driver, setup, log: log.child({ component: 'setup' }) });
  feed.sandboxes.on('pooled', (id) => setupAhead.pooled(id));
  const auditTrail = new AuditTrail(db, workshopStore);
  const audited = auditor(auditTrail);
  const relinks = new Relinks(db, workshopStore, options.relinkClock);
  const classroom = new Classroom({
    config,
    store: workshopStore,
    sessions,
    sandboxes: sandboxStore,
    manager,
    checks,
    progress: progressStore,
    library: lessons,
    help: new HelpDesk(db),
    learners: feed.learners,
    workshops: feed.workshops,
    sandboxEvents: feed.sandboxes,
    scheduler,
    setupAhead,
    log: log.child({ component: 'classroom' }),
  });

  const previews = new Previews({ config, driver, store: sandboxStore, grants: new PreviewGrants(secret(db, 'preview')), sandboxes: feed.sandboxes, metrics, log: log.child({ component: 'preview' }) });

  const app = createApp({
    log,
    metrics,
    cookieSecret,
    siteDir: options.siteDir ?? SITE_DIR,
    routers: [sessionRoutes(sessions, driver, config, (id) => classroom.sandboxRefusal(id), (id) => manager.engines.state(id)), lessonRoutes(checks, lessons, sessions, progressStore), eventRoutes(checks, sessions, feed.learners, log), learnerClassroomRoutes(classroom, sessions, config), relinkRoutes(relinks, classroom, instructorAuth, audited, config), instructorRoutes(classroom, feed.workshops, instructorAuth, terminals, config, auditTrail, audited), previewRoutes(previews, sessions, classroom, instructorAuth, audited), workspaceRoutes(new WorkspaceFiles({ driver, prompts: feed.prompts }), sessions, new OpenFiles({ workspaces: feed.workspaces, prompts: feed.prompts, sandboxes: feed.sandboxes }), { classroom, auth: instructorAuth, workspaces: feed.workspaces }), terminalRoutes(sessions, terminals.hub)],
    health: () => ({
      ...driver.describe(),
      sandboxes: sandboxStore.countByState(),
      pool: { target: config.poolSize },
    }),
  });

  return {
    config,
    log,
    db,
    app,
    driver,
    manager,
    sessions,
    feed,
    scheduler,
    terminals,
    lessons,
    checks,
    classroom,
    notices,
    monitor,
    instructorAuth,
    previews,
    instructorLink(siteUrl) {
      return `${siteUrl}/instructor/?token=${instructorAuth.issueToken()}`;
    },
    async start(progress = (line) => log.info(line)) {
      await driver.prepare(progress);
      await driver.warmPackages?.(wantedPackages(lessons.list().map((l) => l.lesson), config.warmApt), progress);
      await manager.start();
      monitor.start();
      for (const problem of lessons.problems()) log.error({ file: problem.file }, problem.message);
      checks.start();
      classroom.start();
      scheduler.start();
      previews.start();
      // In subdomain mode the site's own server does not listen itself: a front server serves
      // preview hosts first, before any of the site's middleware, routes or WebSocket endpoints.
      const site = http.createServer(app);
      terminals.attach(site);
      server = previews.front(site);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.port, config.host, resolve);
      });
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    },
    async stop() {
      await terminals.stop();
      await classroom.stop();
      // Ends the event streams: server.close() waits for every open connection.
      await checks.stop();
      await setupAhead.stop();
      await setup.settle();
      feed.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
      await previews.stop();
      await scheduler.stop();
      await monitor.stop();
      await manager.stop();
      await workshopRegistry?.stop();
      db.close();
    },
  };
}
