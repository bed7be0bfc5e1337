import { describe, expect, it } from 'vitest';
import { renderJunitReport } from './render-junit-report.js';
import { renderMarkdownReport } from './render-markdown-report.js';
import { buildLargeSweep, MIXED_SWEEP } from './drift-sweeps.fixtures.js';

describe('renderMarkdownReport', () => {
  it('renders a table per repository and collapsed details for every stack that is not clean', () => {
    expect(renderMarkdownReport(MIXED_SWEEP)).toMatchInlineSnapshot(`
      "# Drift report

      Run \`r-20240502-0300\` at 2024-05-02T03:00:00.000Z: 6 stacks, 3 drifted, 1 clean, 1 error, 1 skipped, 1 remediated, 1 needs a human.

      ## Manifest repository

      | Stack | Status | Changes |
      |---|---|---|
      | db | needs a human | -1 ±1 |
      | cache | remediated | +1 |
      | app | error |  |
      | smoke | skipped |  |

      <details><summary>db: needs a human: 1 to delete, 1 to replace</summary>

      Remediation: plan deletes 2 resources, more than drift.maxDeletes (0)
      - \`-\` delete \`terraform_data.a\`
      - \`-/+\` replace \`terraform_data.b\`
      </details>

      <details><summary>cache: remediated: 1 to create</summary>

      Remediation: applied the plan made by this sweep.
      </details>

      <details><summary>app: error</summary>

      <pre>plan failed: exit code 1
      Error: &lt;bad&gt; &amp; "quoted" red</pre>
      </details>

      <details><summary>smoke: skipped</summary>

      <pre>dependency app failed</pre>
      </details>

      ## Repository \`platform\`

      | Stack | Status | Changes |
      |---|---|---|
      | network | clean |  |
      | dns | drifted | +1 ~1 |

      <details><summary>dns: drifted: 1 to create, 1 to update</summary>

      - \`+\` create \`terraform_data.record["www"]\`
      - \`~\` update \`terraform_data.zone\`
      </details>
      "
    `);
  });

  it('stays under 60,000 characters with 2,000 drifted stacks by cutting details, never table rows', () => {
    const report = renderMarkdownReport(buildLargeSweep(2000));
    expect(report.length).toBeLessThanOrEqual(60_000);
    for (let index = 0; index < 2000; index += 1) expect(report).toContain(`| s${String(index).padStart(4, '0')} | drifted | +1 |`);
    const kept = report.match(/<details>/g)?.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(report).toContain(`> ${2000 - kept} of 2000 stack details were cut to keep this report under 60,000 characters`);
    expect(report.endsWith('them.\n')).toBe(true);
  });

  it('keeps every detail and adds no note when the report fits', () => {
    const report = renderMarkdownReport(buildLargeSweep(20));
    expect(report.match(/<details>/g)).toHaveLength(20);
    expect(report).not.toContain('were cut');
  });

  it('folds clean stacks into a count only when the tables alone would break the cap', () => {
    const sweep = buildLargeSweep(3);
    sweep.stacks.push(...Array.from({ length: 50 }, (_, index) => ({ stack: `clean-${index}`, status: 'clean' as const })));
    const report = renderMarkdownReport(sweep, { maxLength: 600 });
    expect(report.length).toBeLessThanOrEqual(600);
    expect(report).toContain('| 50 more | clean | |');
    expect(report).toContain('| s0002 | drifted | +1 |');
  });
});

describe('a remediation refused by policy', () => {
  const sweep = {
    runId: 'r-1',
    checkedAt: '2024-05-02T03:00:00.000Z',
    stacks: [
      { stack: 'db', status: 'drifted' as const, changes: { create: 3, update: 0, delete: 0, replace: 0 }, remediation: { status: 'needs-human' as const, reason: 'remediation denied by policy: creates 3 resources' } },
    ],
  };

  it('says "Remediation: denied by policy", not "Remediation: remediation denied by policy", in both reports', () => {
    expect(renderMarkdownReport(sweep)).toContain('\nRemediation: denied by policy: creates 3 resources\n');
    expect(renderJunitReport(sweep)).toContain('remediation: denied by policy: creates 3 resources');
    expect(renderMarkdownReport(sweep) + renderJunitReport(sweep)).not.toMatch(/remediation: remediation/i);
  });
});

describe('renderJunitReport', () => {
  it('renders one test case per stack: drift is a failure, a failed plan an error, XML escaped', () => {
    expect(renderJunitReport(MIXED_SWEEP)).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="stackfleet drift" tests="6" failures="2" errors="1" skipped="1" time="3.700">
        <testsuite name="drift" tests="4" failures="1" errors="1" skipped="1" time="0.000" timestamp="2024-05-02T03:00:00.000Z">
          <testcase classname="drift" name="db" time="0.000">
            <failure message="needs a human: 1 to delete, 1 to replace" type="drift">remediation: plan deletes 2 resources, more than drift.maxDeletes (0)
      delete terraform_data.a
      replace terraform_data.b</failure>
          </testcase>
          <testcase classname="drift" name="cache" time="0.000"/>
          <testcase classname="drift" name="app" time="0.000">
            <error message="error: plan failed: exit code 1" type="error">plan failed: exit code 1
      Error: &lt;bad&gt; &amp; &quot;quoted&quot; red</error>
          </testcase>
          <testcase classname="drift" name="smoke" time="0.000">
            <skipped message="dependency app failed"/>
          </testcase>
        </testsuite>
        <testsuite name="drift.platform" tests="2" failures="1" errors="0" skipped="0" time="3.700" timestamp="2024-05-02T03:00:00.000Z">
          <testcase classname="drift.platform" name="network" time="1.200"/>
          <testcase classname="drift.platform" name="dns" time="2.500">
            <failure message="drifted: 1 to create, 1 to update" type="drift">create terraform_data.record[&quot;www&quot;]
      update terraform_data.zone</failure>
          </testcase>
        </testsuite>
      </testsuites>
      "
    `);
  });
});
