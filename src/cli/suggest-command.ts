import type { Command } from 'commander';
import { DenialAggregator, emptyStats } from '../analysis/index.js';
import { hostAbi, loadBundledSyscallTables } from '../decode/index.js';
import { fileSource, stdinSource } from '../input/index.js';
import { packageVersion } from '../package-root.js';
import { COLOUR_PALETTE, PLAIN_PALETTE, dropInHeader, renderSuggestionJson, renderSuggestionText } from '../render/index.js';
import { attributeDenial, broadAlternative, replaySyscallFilter, execAssignments, suggestDropIn } from '../systemd/index.js';
import { ExitCode, UsageError } from './exit-code.js';
import { readDenials } from './read-denials.js';
import { chooseGroups, loadUnitConfiguration } from './unit-loading.js';

interface SuggestOptions {
  unit?: string;
  unitFile: string[];
  systemdVersion?: string;
  systemdGroups?: string;
  exe?: string;
  abi: string;
  json?: boolean;
  color?: boolean;
}

export function registerSuggestCommand(program: Command): void {
  program
    .command('suggest')
    .description('say which unit setting blocked each denial, and the one drop-in that allows exactly those calls')
    .argument('[files...]', 'log files (plain or gzip); "-" or none for standard input')
    .option('--unit <name>', 'the unit (NAME.service); default: the --unit-file name')
    .option('--unit-file <file>', 'the unit file, a drop-in, or a saved `systemctl cat`; repeat for several', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--systemd-version <version>', 'evaluate with the bundled group table nearest at or below this systemd version')
    .option('--systemd-groups <file>', 'evaluate with saved `systemd-analyze syscall-filter` output from the unit\'s host')
    .option('--exe <pattern>', 'only denials of this executable')
    .option('--abi <abi>', 'the host\'s native ABI (what SystemCallArchitectures=native admits)', hostAbi(process.arch))
    .option('--json', 'one JSON document')
    .option('--no-color', 'no colour, even on a terminal')
    .action(async (files: string[], options: SuggestOptions) => {
      process.exitCode = await runSuggest(files, options);
    });
}

async function runSuggest(files: string[], options: SuggestOptions): Promise<number> {
  const tables = loadBundledSyscallTables();
  if (!tables.forAbi(options.abi)) throw new UsageError(`--abi ${options.abi}: no such ABI`);
  const { configuration, howFound } = loadUnitConfiguration(options.unit, options.unitFile);
  const groups = chooseGroups(options.systemdGroups, options.systemdVersion);
  const stats = emptyStats();
  const aggregator = new DenialAggregator();
  let inputFailed = false;
  const sources = files.length > 0 ? files.map(fileSource) : [stdinSource()];
  for await (const denial of readDenials(sources, {
    decode: { tables, assumedAbi: options.abi },
    filter: { exe: options.exe },
    now: Date.now(),
    onInputError: (error) => {
      inputFailed = true;
      process.stderr.write(`seccomp-explain: ${error.message}\n`);
    },
  }, stats)) {
    aggregator.add(denial);
  }
  const summaries = aggregator.summaries();
  const context = { configuration, groups, tables, nativeAbi: options.abi };
  const findings = summaries.map((summary) => attributeDenial(summary, context));
  const warnings = [...replaySyscallFilter(execAssignments(configuration), groups, groups.version).warnings];
  if (findings.some((finding) => finding.cause === 'errno-candidates')) {
    warnings.push('errno denials are logged only when PID 1 runs with SYSTEMD_LOG_SECCOMP=1: others of this unit may have left no record');
  }
  const fixed = findings.filter((finding) => finding.allow !== null);
  const dropIn = suggestDropIn(findings, {
    ...context,
    dropInDirectory: '/etc/systemd/system',
    header: dropInHeader(packageVersion(), fixed.map((finding) => finding.summary)),
  });
  const report = {
    unit: configuration.unit,
    howFound,
    groupsSource: groups.source,
    findings: findings.map((finding) => ({ finding, broader: broadAlternative(finding, configuration, groups, tables) })),
    dropIn,
    warnings,
  };
  if (options.json) process.stdout.write(renderSuggestionJson(report));
  else {
    const colour = options.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(renderSuggestionText(report, colour ? COLOUR_PALETTE : PLAIN_PALETTE));
  }
  if (inputFailed) return ExitCode.InputError;
  return summaries.length > 0 ? ExitCode.Found : ExitCode.NothingFound;
}
