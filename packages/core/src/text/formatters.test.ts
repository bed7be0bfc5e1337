import { describe, expect, it } from 'vitest';
import { formatChangeCounts, formatChangeSummary } from './format-changes.js';
import { formatCount } from './format-count.js';
import { formatDuration } from './format-duration.js';
import { formatStatusIcon, pickStatusColor, type DisplayStatus } from './format-status.js';
import { escapeTerminalText } from './escape-terminal-text.js';
import { formatTable } from './format-table.js';
import { isRemoteRepoUrl } from './is-remote-repo-url.js';
import { createPainter } from './paint.js';
import { formatApproveCommand } from './format-approve-command.js';
import { buildDecisionKey, groupRepeatedDecisions, type ListedDecision } from './group-repeated-decisions.js';

describe('formatDuration', () => {
  it('prints the two largest units, the second padded, a trailing zero unit left out', () => {
    const samples = [0, -5, 850, 999.4, 999.6, 1000, 1500, 12_300, 45_000, 59_940, 59_960, 62_000, 65_500, 1_800_000, 3_599_999, 3_600_000, 3_900_000, 5_400_000, 90_000_000];
    expect(Object.fromEntries(samples.map((ms) => [ms, formatDuration(ms)]))).toMatchInlineSnapshot(`
      {
        "-5": "0ms",
        "0": "0ms",
        "1000": "1s",
        "12300": "12.3s",
        "1500": "1.5s",
        "1800000": "30m",
        "3599999": "59m59s",
        "3600000": "1h",
        "3900000": "1h05m",
        "45000": "45s",
        "5400000": "1h30m",
        "59940": "59.9s",
        "59960": "1m",
        "62000": "1m02s",
        "65500": "1m05s",
        "850": "850ms",
        "90000000": "25h",
        "999.4": "999ms",
        "999.6": "1s",
      }
    `);
  });
});

describe('formatChangeCounts', () => {
  it('shows each non-zero count with its terraform symbol, replace on its own', () => {
    expect(formatChangeCounts({ create: 2, update: 1, delete: 0, replace: 0 })).toBe('+2 ~1');
    expect(formatChangeCounts({ create: 0, update: 0, delete: 1, replace: 1 })).toBe('-1 ±1');
    expect(formatChangeCounts({ create: 3, update: 2, delete: 1, replace: 4 })).toBe('+3 ~2 -1 ±4');
    expect(formatChangeCounts({ create: 0, update: 0, delete: 0, replace: 0 })).toBe('');
    expect(formatChangeCounts(undefined)).toBe('');
  });
  it('spells the counts out for report prose', () => {
    expect(formatChangeSummary({ create: 1, update: 2, delete: 0, replace: 1 })).toBe('1 to create, 2 to update, 1 to replace');
    expect(formatChangeSummary({ create: 0, update: 0, delete: 0, replace: 0 })).toBe('no resource changes');
    expect(formatChangeSummary(undefined)).toBe('');
  });
});

describe('status icons', () => {
  const statuses: DisplayStatus[] = ['succeeded', 'changed', 'unchanged', 'failed', 'denied', 'skipped', 'interrupted', 'running', 'queued', 'pending'];
  it('has one icon and colour per status, shared by CI logs (ANSI) and the UI (ink colour names)', () => {
    expect(statuses.map((status) => `${formatStatusIcon(status)} ${status} ${pickStatusColor(status) ?? '-'}`)).toMatchInlineSnapshot(`
      [
        "✓ succeeded green",
        "~ changed yellow",
        "= unchanged gray",
        "✗ failed red",
        "⊘ denied red",
        "↷ skipped gray",
        "! interrupted yellow",
        "● running cyan",
        "… queued -",
        "· pending -",
      ]
    `);
    expect(formatStatusIcon(undefined)).toBe(' ');
  });
  it('paints the plain form with ANSI only when colours are on', () => {
    const paintIcon = (enabled: boolean) => createPainter(enabled)(pickStatusColor('changed'), formatStatusIcon('changed'));
    expect(paintIcon(false)).toBe('~');
    expect(JSON.stringify(paintIcon(true))).toBe(JSON.stringify('\u001b[33m~\u001b[39m'));
  });
});

describe('createPainter', () => {
  it('wraps text in SGR codes when on, and leaves it alone when off or unstyled', () => {
    const on = createPainter(true);
    expect(JSON.stringify([on('red', 'x'), on('dim', 'x'), on('cyanBright', 'x'), on(undefined, 'x')])).toBe(
      JSON.stringify(['\u001b[31mx\u001b[39m', '\u001b[2mx\u001b[22m', '\u001b[96mx\u001b[39m', 'x']),
    );
    expect(createPainter(false)('red', 'x')).toBe('x');
  });
});

describe('formatTable', () => {
  it('pads every column but the last to its widest cell and trims trailing spaces', () => {
    expect(
      formatTable({
        header: ['STACK', 'STATUS', 'DETAIL'],
        rows: [
          ['network', 'changed', '+2 ~1'],
          ['db', 'skipped', ''],
        ],
      }),
    ).toMatchInlineSnapshot(`
      "STACK    STATUS   DETAIL
      network  changed  +2 ~1
      db       skipped
      "
    `);
  });
  it('aligns a bare listing with another gap', () => {
    expect(formatTable({ rows: [['vpc_id', '=', 'vpc-1'], ['id', '=', '7']], gap: ' ' })).toBe('vpc_id = vpc-1\nid     = 7\n');
  });
  it('measures widths before painting, so colour never shifts a column', () => {
    const rows = [[{ text: 'failed', style: 'red' as const }, 'x'], ['ok', 'y']];
    const painted = formatTable({ rows, paint: createPainter(true) });
    expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(formatTable({ rows, paint: createPainter(false) }));
    expect(painted).toContain('\u001b[31mfailed\u001b[39m  x');
  });
});

describe('isRemoteRepoUrl', () => {
  it('follows git: a scheme, or [user@]host:path with the colon before any slash, is cloned', () => {
    const urls = [
      'github.com:org/repo.git',
      'git@host:x',
      'ssh://git@host/org/repo.git',
      'https://github.com/org/repo.git',
      'file:///srv/repos/infra.git',
      '../local',
      './a:b',
      '/abs/path',
      'infra',
      'C:\\repos\\infra',
      'C:/repos/infra',
    ];
    expect(Object.fromEntries(urls.map((url) => [url, isRemoteRepoUrl(url) ? 'remote' : 'local']))).toMatchInlineSnapshot(`
      {
        "../local": "local",
        "./a:b": "local",
        "/abs/path": "local",
        "C:/repos/infra": "local",
        "C:\\repos\\infra": "local",
        "file:///srv/repos/infra.git": "remote",
        "git@host:x": "remote",
        "github.com:org/repo.git": "remote",
        "https://github.com/org/repo.git": "remote",
        "infra": "local",
        "ssh://git@host/org/repo.git": "remote",
      }
    `);
  });
});

describe('formatCount', () => {
  it('says 1 stack, never 1 stacks', () => {
    expect(formatCount(1, 'stack')).toBe('1 stack');
    expect(formatCount(0, 'stack')).toBe('0 stacks');
    expect(formatCount(6, 'stack')).toBe('6 stacks');
    expect(formatCount(2, 'dependency', 'dependencies')).toBe('2 dependencies');
  });
});

describe('escapeTerminalText', () => {
  it('shows a newline as ⏎, a tab as a space, and escapes ESC, other C0/C1 controls, DEL and bidi overrides', () => {
    expect(escapeTerminalText('line1\nFAKE: all good\u001b[31mRED')).toBe('line1⏎FAKE: all good\\u001b[31mRED');
    expect(escapeTerminalText('a\tb\r\u0007\u0000\u007f\u009b2J\u202eevil\u2028x')).toBe('a b\\u000d\\u0007\\u0000\\u007f\\u009b2J\\u202eevil\\u2028x');
    expect(escapeTerminalText('plain text, ünïcödé ✓ and emoji 🚀')).toBe('plain text, ünïcödé ✓ and emoji 🚀');
  });

  it('keeps a table row on one line whatever its cells hold', () => {
    const table = formatTable({ header: ['STACK', 'DETAIL'], rows: [['db', 'denied: a\nb\u001b[2J'], ['app', 'ok']] });
    expect(table).toBe('STACK  DETAIL\ndb     denied: a⏎b\\u001b[2J\napp    ok\n');
  });
});

describe('groupRepeatedDecisions', () => {
  it('lists identical decisions once, in the order first made, with how many times they were made', () => {
    const warn = { stack: 'a', policy: 'p', rule: 'r', effect: 'warn' as const, message: 'm' };
    const approved = { ...warn, effect: 'require_approval' as const, approvedBy: ['bob'] };
    const decisions: ListedDecision[] = [warn, { ...warn, stack: null }, approved, { ...warn }, { ...approved, approvedBy: [] }, { ...warn }];
    const grouped = groupRepeatedDecisions(decisions);
    expect(grouped.map(({ decision, count }) => `${decision.stack} ${decision.effect} ${decision.approvedBy?.join(',')} ×${count}`)).toEqual([
      'a warn undefined ×3',
      'null warn undefined ×1',
      'a require_approval bob ×1',
      'a require_approval  ×1',
    ]);
    // A missing stack is the run's, as `null` is.
    expect(buildDecisionKey({ ...warn, stack: undefined })).toBe(buildDecisionKey({ ...warn, stack: null }));
  });
});

describe('formatApproveCommand', () => {
  it('names the run, with or without the optional flags', () => {
    expect(formatApproveCommand('r1')).toBe('stackfleet approve r1 [--stack GLOB] [--comment TEXT]');
    expect(formatApproveCommand('r1', { short: true })).toBe('stackfleet approve r1');
  });
});
