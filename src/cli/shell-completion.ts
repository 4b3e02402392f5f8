import type { Command, Option } from 'commander';
import { REPEATABLE_OPTIONS } from './options.js';

/**
 * Shell completion scripts for bash, zsh and fish, written from the command definitions: every
 * command, every option, files where a file is taken (`seccomp-explain completion SHELL`).
 * `explain` is the default command, so its options and files are offered before any command.
 */

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** What completion needs to know of one option. */
interface CompletedOption {
  long: string;
  short: string | null;
  description: string;
  /** Whether a value follows, and whether that value is a file (`<file>`, `<path>`, `<dir>`). */
  value: 'none' | 'file' | 'directory' | 'other';
  /** The values it takes, when they are a fixed few. */
  choices: readonly string[];
  repeatable: boolean;
}

interface CompletedCommand {
  name: string;
  description: string;
  options: CompletedOption[];
  /** Whether its operands are files; otherwise their fixed choices, or nothing to offer. */
  operands: 'files' | readonly string[];
}

function completedOption(option: Option, repeatable: boolean): CompletedOption {
  const placeholder = /[<[]([a-z-]+)(?:\.\.\.)?[>\]]/.exec(option.flags)?.[1] ?? null;
  const value = placeholder === null ? 'none' : placeholder === 'dir' ? 'directory' : placeholder === 'file' || placeholder === 'path' ? 'file' : 'other';
  return { long: option.long ?? '', short: option.short ?? null, description: option.description, value, choices: option.argChoices ?? [], repeatable };
}

function completedCommand(command: Command): CompletedCommand {
  const options = command.options.filter((option) => !option.hidden).map((option) => completedOption(option, REPEATABLE_OPTIONS.has(option.long ?? '')));
  options.push({ long: '--help', short: '-h', description: 'display help for command', value: 'none', choices: [], repeatable: false });
  const first = command.registeredArguments[0];
  const operands = first === undefined ? [] : first.argChoices ?? (/file/.test(first.name()) ? 'files' : []);
  return { name: command.name(), description: command.description(), options, operands };
}

/** The commands a completion offers, with the top level's own options under ''. */
function commandTree(program: Command): { commands: CompletedCommand[]; topLevel: CompletedOption[] } {
  const commands = program.commands.filter((command) => !(command as Command & { _hidden?: boolean })._hidden).map(completedCommand);
  const topLevel = program.options.map((option) => completedOption(option, false));
  topLevel.push({ long: '--help', short: '-h', description: 'display help for command', value: 'none', choices: [], repeatable: false });
  return { commands, topLevel };
}

function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const DEFAULT_COMMAND = 'explain';

function flagsOf(options: CompletedOption[]): string[] {
  return options.flatMap((option) => (option.short ? [option.short, option.long] : [option.long]));
}

function bashScript(program: Command): string {
  const { commands, topLevel } = commandTree(program);
  const explain = commands.find((command) => command.name === DEFAULT_COMMAND);
  const allOptions = commands.flatMap((command) => command.options);
  const fileOptions = [...new Set(allOptions.filter((option) => option.value === 'file').map((option) => option.long))];
  const directoryOptions = [...new Set(allOptions.filter((option) => option.value === 'directory').map((option) => option.long))];
  const valueOptions = [...new Set(allOptions.filter((option) => option.value === 'other').map((option) => option.long))];
  const names = commands.map((command) => command.name);
  const cases = commands.map((command) => {
    const operands = command.operands === 'files' ? 'files=1' : `files=0; choices=${singleQuoted(command.operands.join(' '))}`;
    return `    ${command.name}) options=${singleQuoted(flagsOf(command.options).join(' '))}; ${operands} ;;`;
  });
  const defaultOptions = [...flagsOf(explain?.options ?? []), ...flagsOf(topLevel)];
  return `# bash completion for seccomp-explain, written by seccomp-explain completion bash
_seccomp_explain() {
  local current=\${COMP_WORDS[COMP_CWORD]} previous=\${COMP_WORDS[COMP_CWORD-1]}
  local command='' options='' files=1 choices='' index
  for ((index = 1; index < COMP_CWORD; index++)); do
    case \${COMP_WORDS[index]} in
      ${names.join('|')}) command=\${COMP_WORDS[index]}; break ;;
    esac
  done
  case $command in
${cases.join('\n')}
    *) options=${singleQuoted([...new Set(defaultOptions)].join(' '))} ;;
  esac
  case $previous in
    ${fileOptions.join('|') || '--no-file-option'}) COMPREPLY=($(compgen -f -- "$current")); return ;;
    ${directoryOptions.join('|') || '--no-directory-option'}) COMPREPLY=($(compgen -d -- "$current")); return ;;
    ${valueOptions.join('|') || '--no-value-option'}) COMPREPLY=(); return ;;
  esac
  if [[ $current == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$current"))
  elif [[ -z $command ]]; then
    COMPREPLY=($(compgen -W ${singleQuoted(names.join(' '))} -- "$current") $(compgen -f -- "$current"))
  elif ((files)); then
    COMPREPLY=($(compgen -f -- "$current"))
  else
    COMPREPLY=($(compgen -W "$choices" -- "$current"))
  fi
}
complete -o filenames -F _seccomp_explain seccomp-explain
`;
}

/** An option as zsh's _arguments spec: `'--since[only events …]:time:'`. */
function zshOptionSpec(option: CompletedOption): string[] {
  const description = option.description.replace(/[[\]:\\]/g, (character) => `\\${character}`);
  const action = option.value === 'file' ? ':file:_files' : option.value === 'directory' ? ':directory:_files -/'
    : option.value === 'other' ? (option.choices.length > 0 ? `:value:(${option.choices.join(' ')})` : ':value:') : '';
  const repeat = option.repeatable ? '*' : '';
  return (option.short ? [option.short, option.long] : [option.long]).map((flag) => singleQuoted(`${repeat}${flag}[${description}]${action}`));
}

function zshOperandSpec(command: CompletedCommand): string {
  if (command.operands === 'files') return singleQuoted('*:file:_files');
  return command.operands.length > 0 ? singleQuoted(`1:value:(${command.operands.join(' ')})`) : '';
}

function zshScript(program: Command): string {
  const { commands, topLevel } = commandTree(program);
  const explain = commands.find((command) => command.name === DEFAULT_COMMAND);
  const describe = commands.map((command) => `    ${singleQuoted(`${command.name}:${command.description.replace(/:/g, '\\:')}`)}`);
  const cases = commands.map((command) => `    ${command.name})\n      _arguments -s ${[...command.options.flatMap(zshOptionSpec), zshOperandSpec(command)].filter(Boolean).join(' ')} ;;`);
  const defaultSpecs = [...(explain?.options ?? []), ...topLevel.filter((option) => option.long !== '--help')].flatMap(zshOptionSpec);
  return `#compdef seccomp-explain
# zsh completion for seccomp-explain, written by seccomp-explain completion zsh
_seccomp-explain() {
  local -a commands
  commands=(
${describe.join('\n')}
  )
  if (( CURRENT == 2 )) && [[ \${words[CURRENT]} != -* ]]; then
    _describe -t commands 'seccomp-explain command' commands
    _files
    return
  fi
  if (( \${commands[(I)\${words[2]}:*]} )); then
    local command=\${words[2]}
    shift words
    (( CURRENT-- ))
  else
    local command=''
  fi
  case $command in
${cases.join('\n')}
    *)
      _arguments -s ${[...defaultSpecs, singleQuoted('*:file:_files')].join(' ')} ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _seccomp-explain "$@"
else
  compdef _seccomp-explain seccomp-explain
fi
`;
}

function fishOptionLine(option: CompletedOption, condition: string): string {
  const parts = ['complete -c seccomp-explain', `-n ${singleQuoted(condition)}`, `-l ${option.long.replace(/^--/, '')}`];
  if (option.short) parts.push(`-s ${option.short.replace(/^-/, '')}`);
  if (option.value === 'file' || option.value === 'directory') parts.push('-r -F');
  else if (option.value === 'other') parts.push(option.choices.length > 0 ? `-x -a ${singleQuoted(option.choices.join(' '))}` : '-x');
  parts.push(`-d ${singleQuoted(option.description)}`);
  return parts.join(' ');
}

function fishScript(program: Command): string {
  const { commands, topLevel } = commandTree(program);
  const names = commands.map((command) => command.name).join(' ');
  const noCommand = `not __fish_seen_subcommand_from ${names}`;
  const lines = [
    '# fish completion for seccomp-explain, written by seccomp-explain completion fish',
    ...commands.map((command) => `complete -c seccomp-explain -n ${singleQuoted(noCommand)} -a ${command.name} -d ${singleQuoted(command.description)}`),
    ...topLevel.map((option) => fishOptionLine(option, noCommand)),
  ];
  for (const command of commands) {
    const conditions = command.name === DEFAULT_COMMAND ? [noCommand, `__fish_seen_subcommand_from ${command.name}`] : [`__fish_seen_subcommand_from ${command.name}`];
    for (const condition of conditions) {
      if (command.operands !== 'files') {
        lines.push(`complete -c seccomp-explain -n ${singleQuoted(condition)} -f${command.operands.length > 0 ? ` -a ${singleQuoted(command.operands.join(' '))}` : ''}`);
      }
      lines.push(...command.options.filter((option) => !(condition === noCommand && option.long === '--help')).map((option) => fishOptionLine(option, condition)));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderCompletion(program: Command, shell: CompletionShell): string {
  if (shell === 'bash') return bashScript(program);
  if (shell === 'zsh') return zshScript(program);
  return fishScript(program);
}
