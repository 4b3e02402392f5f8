// End to end on a real systemd (docs/systemd-e2e.md): each case in test/systemd-e2e/cases/ boots
// Debian 12's systemd in systemd-nspawn, starts a unit whose seccomp settings kill the trigger
// program, pipes the journal into `seccomp-explain suggest --write` and restarts the unit, until
// it runs. Needs root, Linux on x86_64, systemd-nspawn and test/systemd-e2e/prepare-rootfs's
// cache; without them it is skipped. SECCOMP_EXPLAIN_E2E=1 prepares the cache when missing;
// SECCOMP_EXPLAIN_E2E=required (.ci/run as root) fails instead of skipping.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, decodeAll } from './support/run.js';

const HARNESS = join(REPO, 'test', 'systemd-e2e');
const CASES = join(HARNESS, 'cases');
const CACHE = process.env.SECCOMP_EXPLAIN_E2E_CACHE ?? '/var/cache/seccomp-explain-e2e';
const MODE = process.env.SECCOMP_EXPLAIN_E2E ?? '';
const CASE_TIMEOUT_MS = 120_000;

/** A case's expect.json: one entry per run of the unit, the last one a success. */
interface Expectation {
  runs: {
    outcome: 'killed' | 'success';
    /** The denials in the journal after this run, "ABI syscall" (our own decoder's reading). */
    denied?: string[];
    /** The drop-in's settings after this run's `suggest --write`, comments and [Service] left out. */
    dropin?: string[];
    /** suggest's exit status; 0 when not given. */
    suggest_exit?: number;
    /** Lines suggest must print, each whole. */
    said?: string[];
  }[];
}

/**
 * A `run` case's expect.json (a case with a `script`): per step of the script, run's exit
 * status, lines of its report (stderr) and of the command's own output, and from its --json
 * the verdict and the calls outside the filter ("ABI syscall").
 */
interface ScriptExpectation {
  /** Files the script wrote, each with a pattern its text must match. */
  files?: Record<string, string>;
  steps: Record<string, {
    exit: number;
    said?: string[];
    output?: string[];
    verdict?: string;
    calls?: string[];
    /** Files the script wrote, each with a pattern its text must match. */
    file_matches?: Record<string, string>;
  }>;
}

/** Checks what a `run` case's script left in `out`, step by step. */
function checkScriptCase(expected: ScriptExpectation, out: string, where: string): void {
  const text = (name: string): string => readFileSync(join(out, name), 'utf8');
  for (const [name, want] of Object.entries(expected.steps)) {
    const what = `step ${name} ${where}`;
    const report = text(`${name}.err`);
    expect(text(`${name}.rc`).trim(), `${what}: run's exit status; it said:\n${report}`).toBe(String(want.exit));
    for (const line of want.said ?? []) expect(report.split('\n'), `${what}: run said`).toContain(line);
    for (const line of want.output ?? []) expect(text(`${name}.out`).split('\n'), `${what}: the command's own output`).toContain(line);
    if (want.verdict !== undefined || want.calls !== undefined) {
      const json = JSON.parse(text(`${name}.json`)) as { verdict: string; findings: { abi: string; syscall: string }[] };
      if (want.verdict !== undefined) expect(json.verdict, `${what}: verdict`).toBe(want.verdict);
      if (want.calls !== undefined) expect(json.findings.map((finding) => `${finding.abi} ${finding.syscall}`).sort(), `${what}: calls outside the filter`).toEqual(want.calls);
    }
    for (const [file, pattern] of Object.entries(want.file_matches ?? {})) expect(text(file), `${what}: ${file}`).toMatch(new RegExp(pattern));
  }
  for (const [file, pattern] of Object.entries(expected.files ?? {})) expect(text(file), `${file} ${where}`).toMatch(new RegExp(pattern));
}

/** The host settings a case's host-sysctl changes for its boot, as they are now. */
function hostSettings(caseDir: string): Record<string, string> {
  const path = join(caseDir, 'host-sysctl');
  if (!existsSync(path)) return {};
  const keys = readFileSync(path, 'utf8').split('\n').filter((line) => /^[a-z]/.test(line)).map((line) => line.slice(0, line.indexOf('=')));
  return Object.fromEntries(keys.map((key) => [key, readFileSync(join('/proc/sys', ...key.split('.')), 'utf8')]));
}

/** One run as driver.sh recorded it in run-N/. */
interface Run {
  result: Record<string, string>;
  journal: string;
  suggestOut: string;
  suggestErr: string;
  dropin: string | null;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => {
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const rootfsReady = (): boolean => existsSync(join(CACHE, 'rootfs', '.prepared'));

/** What keeps the cases from running here, or null. */
function missingPrerequisite(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the cases need Linux on x86_64';
  if (process.getuid?.() !== 0) return 'needs root (systemd-nspawn)';
  if (!existsSync(CLI)) return 'no dist/: run npm run build';
  if (MODE === '1') return null; // beforeAll runs prepare-rootfs
  if (!onPath('systemd-nspawn')) return 'no systemd-nspawn: run test/systemd-e2e/prepare-rootfs';
  if (!rootfsReady()) return `no root file system in ${CACHE}: run test/systemd-e2e/prepare-rootfs`;
  return null;
}

function readKeyValues(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}

function readRuns(out: string): Run[] {
  const text = (run: number, name: string): string | null => {
    const path = join(out, `run-${run}`, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  };
  const runs: Run[] = [];
  for (let run = 1; existsSync(join(out, `run-${run}`, 'result')); run++) {
    runs.push({
      result: readKeyValues(join(out, `run-${run}`, 'result')),
      journal: text(run, 'journal.txt') ?? '',
      suggestOut: text(run, 'suggest.out') ?? '',
      suggestErr: text(run, 'suggest.err') ?? '',
      dropin: text(run, 'dropin.conf'),
    });
  }
  return runs;
}

/** A drop-in's settings: what is left without comments, blank lines and section headers. */
function settings(dropin: string): string[] {
  return dropin.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
}

/** Runs run-case, giving it at most `timeoutMs` (it stops its container when told to). */
function runCase(caseDir: string, out: string, timeoutMs: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(HARNESS, 'run-case'), ['--timeout', String(Math.floor(timeoutMs / 1000) - 10), caseDir, out], {
      env: { ...process.env, SECCOMP_EXPLAIN_E2E_NODE: process.execPath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const missing = missingPrerequisite();
const caseNames = readdirSync(CASES).sort();

if (missing !== null && MODE === 'required') {
  describe('seccomp-explain suggest --write on a real systemd (SECCOMP_EXPLAIN_E2E=required)', () => {
    it('has what it needs', () => {
      throw new Error(`cannot run the systemd end-to-end test: ${missing}`);
    });
  });
} else if (missing !== null) {
  describe.skip(`seccomp-explain suggest --write on a real systemd: skipped, ${missing}`, () => {
    it.each(caseNames)('%s', () => {});
  });
} else {
  describe('seccomp-explain suggest --write and run on a real systemd 252 in systemd-nspawn', () => {
    const work = mkdtempSync(join(tmpdir(), 'seccomp-explain-e2e-'));

    beforeAll(() => {
      if (rootfsReady() && onPath('systemd-nspawn')) return;
      const prepared = spawnSync(join(HARNESS, 'prepare-rootfs'), { stdio: ['ignore', 'ignore', 'inherit'], timeout: 900_000 });
      if (prepared.status !== 0) throw new Error(`test/systemd-e2e/prepare-rootfs failed (${prepared.status ?? prepared.signal})`);
    }, 900_000);

    afterAll(() => {
      // A failed case's files stay: its messages point into them.
      if (readdirSync(work).length === 0) rmSync(work, { recursive: true });
    });

    it.each(caseNames)('%s', async (name) => {
      const caseDir = join(CASES, name);
      const unit = readdirSync(caseDir).find((file) => file.endsWith('.service')) ?? '';
      const out = join(work, name);
      const where = `(files in ${out})`;

      const settingsBefore = hostSettings(caseDir);
      const { status, stderr } = await runCase(caseDir, out, CASE_TIMEOUT_MS - 5_000);
      expect(hostSettings(caseDir), 'host settings the case changed are restored').toEqual(settingsBefore);
      expect(status, `run-case failed ${where}:\n${stderr}`).toBe(0);
      if (existsSync(join(caseDir, 'script'))) {
        expect(readFileSync(join(out, 'done'), 'utf8'), `the script finished ${where}`).toBe('script_rc=0\n');
        checkScriptCase(JSON.parse(readFileSync(join(caseDir, 'expect.json'), 'utf8')) as ScriptExpectation, out, where);
        rmSync(out, { recursive: true });
        return;
      }
      const expected = JSON.parse(readFileSync(join(caseDir, 'expect.json'), 'utf8')) as Expectation;

      const runs = readRuns(out);
      expect(runs.map((run) => run.result.outcome), `outcomes of the runs ${where}`).toEqual(expected.runs.map((run) => run.outcome));
      const dropinPath = `/etc/systemd/system/${unit}.d/zz-seccomp-explain.conf`;
      for (const [index, want] of expected.runs.entries()) {
        const run = runs[index]!;
        if (want.outcome !== 'killed') continue;
        const what = `run ${index + 1} ${where}`;
        expect(run.result.exec_main_status, `${what}: killed by SIGSYS`).toBe('31');
        const { denials } = await decodeAll(run.journal);
        expect([...new Set(denials.map((denial) => `${denial.abi} ${denial.syscall}`))], `${what}: denials in the journal`).toEqual(want.denied);
        const exit = want.suggest_exit ?? 0;
        expect(run.result.suggest_rc, `${what}: suggest --write exited ${exit}; it said:\n${run.suggestOut}${run.suggestErr}`).toBe(String(exit));
        for (const line of want.said ?? []) expect(run.suggestOut.split('\n'), `${what}: suggest said`).toContain(line);
        // No --unit: the first line names the unit suggest found in the journal, and how.
        expect(run.suggestOut.split('\n')[0], `${what}: the unit suggest found`).toMatch(new RegExp(`^unit ${unit.replace(/\./g, '\\.')}\\b.*journal`));
        expect(run.suggestOut, `${what}: where the drop-in goes`).toContain(`# ${dropinPath}\n`);
        expect(run.suggestOut, `${what}: what to do next`).toContain(`systemctl daemon-reload && systemctl restart ${unit}`);
        expect(run.dropin, `${what}: ${dropinPath} written`).not.toBeNull();
        expect(run.dropin!, `${what}: the drop-in's form`).toMatch(/^# Written by seccomp-explain .*\n(#.*\n)*\[Service\]\n/);
        expect(settings(run.dropin!), `${what}: the drop-in's settings`).toEqual(want.dropin);
      }
      // systemd itself reads the last drop-in, from where suggest put it.
      const lastDropin = [...runs].reverse().find((run) => run.dropin !== null)?.dropin ?? '';
      expect(readFileSync(join(out, 'systemctl-cat.txt'), 'utf8'), `systemctl cat ${unit} at the end ${where}`)
        .toContain(`# ${dropinPath}\n${lastDropin}`);
      rmSync(out, { recursive: true });
    }, CASE_TIMEOUT_MS);
  });
}
