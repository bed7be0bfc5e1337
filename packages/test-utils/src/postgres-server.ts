/**
 * A real, throw-away PostgreSQL server for tests: `initdb` into a temp dir and
 * `postgres` on a free loopback port, stopped by its own pid and removed.
 * PostgreSQL refuses to run as root, so when the tests run as root the server
 * runs as the `postgres` system user through `setpriv`, which execs (unlike
 * `runuser`, which forks and waits), so the pid we hold is the postmaster's own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** `postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  password: string;
  /** The postmaster's pid (benchmarks read the server's CPU time from /proc). */
  pid: number;
  /** A URL for another database on this server (created by `createDatabase`). */
  urlFor(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (SIGINT to the postmaster), then the data directory is removed. */
  stop(): Promise<void>;
}

const requiredBinaries = ['initdb', 'postgres', 'psql'];

/** Fails with what to install when the server binaries are missing (never a silent skip). */
function assertBinaries(): void {
  const missing = requiredBinaries.filter((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `PostgreSQL server binaries not found on PATH: ${missing.join(', ')}. ` +
        'Install them (Debian: apt-get install postgresql-15, then put /usr/lib/postgresql/15/bin on PATH) to run the PostgreSQL tests.',
    );
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** argv prefix that runs a command as the `postgres` user when we are root. */
function asServerUser(): string[] {
  if (process.getuid?.() !== 0) return [];
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) throw new Error('running as root but there is no `postgres` system user to run the test server as');
  return ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--'];
}

function serverUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

export interface StartPostgresOptions {
  /** @default 30000 */
  startTimeoutMs?: number;
  /**
   * More server settings (`-c name=value`), e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`
   * for a benchmark that reads which statements dominate.
   */
  settings?: Record<string, string>;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  assertBinaries();
  const root = mkdtempSync(join(tmpdir(), 'stackfleet-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  mkdirSync(socketDir);
  const ids = serverUserIds();
  if (ids) {
    chownSync(root, ids.uid, ids.gid);
    chownSync(socketDir, ids.uid, ids.gid);
  }
  const password = `pw-${Math.random().toString(36).slice(2)}-${process.pid}`;
  const passwordFile = join(root, 'pwfile');
  spawnSync('sh', ['-c', 'umask 077; cat > "$1"', 'sh', passwordFile], { input: password });
  if (ids) chownSync(passwordFile, ids.uid, ids.gid);
  const prefix = asServerUser();
  const init = spawnSync(
    prefix[0] ?? 'initdb',
    [...prefix.slice(1), ...(prefix.length > 0 ? ['initdb'] : []), '-D', dataDir, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${passwordFile}`, '--no-sync', '-E', 'UTF8', '--locale=C'],
    { encoding: 'utf8' },
  );
  if (init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.status}): ${init.stderr}`);
  }
  const port = await findFreePort();
  const serverArgs = [
    'postgres', '-D', dataDir, '-p', String(port), '-k', socketDir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=200',
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  const argv = [...prefix, ...serverArgs];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const urlFor = (database: string): string => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const psql = (sql: string): { status: number | null; stderr: string } =>
    spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' });

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(root, { recursive: true, force: true });
      throw new Error(`postgres exited during start-up (code ${child.exitCode}):\n${log}`);
    }
    if (psql('SELECT 1').status === 0) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
      throw new Error(`postgres did not accept connections within the start timeout:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    password,
    pid: child.pid ?? 0,
    urlFor,
    async createDatabase(name: string): Promise<string> {
      const result = psql(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      if (result.status !== 0) throw new Error(`CREATE DATABASE ${name} failed: ${result.stderr}`);
      return urlFor(name);
    },
    async stop(): Promise<void> {
      if (child.exitCode === null) {
        // SIGINT is PostgreSQL's "fast" shutdown: sessions are cut, no waiting for clients.
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
