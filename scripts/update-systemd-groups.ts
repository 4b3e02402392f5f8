/**
 * Generates syscall-tables/systemd/<upstream-version>.json (systemd's
 * SystemCallFilter= groups) from unpacked systemd source trees, and
 * syscall-tables/systemd/index.json over every <version>.json in the directory.
 *
 * Usage: node update-systemd-groups.js [--prune] <out-dir> (<suite> <debian-version> <source-tree>)...
 *
 * It reads the `syscall_filter_sets[]` initializer in src/shared/seccomp-util.c
 * with a small C tokenizer (comments, string literals with escapes, adjacent
 * literal concatenation, preprocessor lines). Each entry's `.value` is a NULSTR:
 * concatenated literals "name\0"; it is split the way NULSTR_FOREACH walks it
 * (stop at the first empty string). `#include "syscall-list.h"` (v248-v257) /
 * `"syscall-list.inc"` (v258+) / `"syscall-names.h"` (v247) stands for the
 * static syscall list file, which the build turns into one literal per line
 * (generate-syscall-list.py: `"<line.strip()>\0"`); the generator does the same.
 * `#if`/`#ifdef` blocks inside the table (v239-v249 had some; v252+ has none)
 * are not evaluated: members of every branch are kept, and each block is
 * recorded in an extra top-level "conditionals" array (absent when there are none).
 * Shell plumbing (apt-get source, tar, dpkg-source) lives in scripts/update-systemd-groups.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeGeneratedIndex } from './generated-index.js';
import { compareVersions } from '../src/systemd/syscall-groups.js';

export interface SystemdGroup {
  description: string;
  /** as written, in source order: syscall names and "@group" references */
  members: string[];
}

export interface SystemdGroupsFile {
  /** upstream version of the source package, e.g. "252.39" */
  systemd: string;
  source: string;
  /** raw nested form, in source order */
  groups: Record<string, SystemdGroup>;
  /** each group fully expanded recursively, deduplicated, sorted */
  expanded: Record<string, string[]>;
  /** only present when the table had preprocessor conditionals (none in v252+) */
  conditionals?: Array<{ group: string; directive: string; members: string[] }>;
}

export interface SystemdGroupsIndex {
  generated: string;
  versions: Array<{ systemd: string; file: string; source: string }>;
}

/** Where the @known list file has lived, newest first. */
const LIST_FILES = ['src/include/override/sys/syscall-list.txt', 'src/basic/syscall-list.txt', 'src/shared/syscall-names.text'];
/** Generated headers that stand for the list file inside the table. */
const LIST_INCLUDE = /^(syscall-list\.(h|inc)|syscall-names\.h)$/;
const TABLE_FILE = 'src/shared/seccomp-util.c';

// ---------------------------------------------------------------------------
// C tokenizer (enough for an initializer): strings, chars, identifiers,
// numbers, punctuation, and whole preprocessor lines.
// ---------------------------------------------------------------------------

type Tok =
  | { k: 'str'; v: string; line: number }
  | { k: 'pp'; v: string; line: number }
  | { k: 'id'; v: string; line: number }
  | { k: 'punct'; v: string; line: number };

function decodeEscapes(body: string, line: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1] ?? '';
    const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8));
      i += oct[0].length;
      continue;
    }
    const hex = /^x([0-9a-fA-F]+)/.exec(body.slice(i + 1));
    if (hex && hex[1] !== undefined) {
      out += String.fromCharCode(parseInt(hex[1], 16));
      i += hex[0].length;
      continue;
    }
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };
    const s = simple[n];
    if (s === undefined) throw new Error(`line ${line}: unknown escape \\${n}`);
    out += s;
    i += 1;
  }
  return out;
}

/** The block comment starting at `start` (on line `line`): where it ends, and the newlines it holds. */
function blockComment(text: string, start: number, line: number): { end: number; newlines: number } {
  const end = text.indexOf('*/', start + 2);
  if (end < 0) throw new Error(`line ${line}: unterminated comment`);
  return { end: end + 2, newlines: (text.slice(start, end).match(/\n/g) ?? []).length };
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let atLineStart = true;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const comment = blockComment(text, i, line);
      line += comment.newlines;
      i = comment.end;
      continue;
    }
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === '#' && atLineStart) {
      // A directive runs to the end of the line, with backslash continuations; comments dropped.
      let j = i;
      let body = '';
      const startLine = line;
      while (j < text.length && text[j] !== '\n') {
        if (text[j] === '\\' && text[j + 1] === '\n') {
          j += 2;
          line++;
          body += ' ';
          continue;
        }
        if (text.startsWith('/*', j)) {
          const comment = blockComment(text, j, line);
          line += comment.newlines;
          j = comment.end;
          body += ' ';
          continue;
        }
        if (text.startsWith('//', j)) {
          while (j < text.length && text[j] !== '\n') j++;
          break;
        }
        body += text[j];
        j++;
      }
      out.push({ k: 'pp', v: body.replace(/\s+/g, ' ').trim(), line: startLine });
      i = j;
      continue;
    }
    atLineStart = false;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') j++;
        if (text[j] === '\n') throw new Error(`line ${line}: newline in literal`);
        j++;
      }
      if (j >= text.length) throw new Error(`line ${line}: unterminated literal`);
      if (c === '"') out.push({ k: 'str', v: decodeEscapes(text.slice(i + 1, j), line), line });
      else out.push({ k: 'punct', v: text.slice(i, j + 1), line });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9][A-Za-z0-9_.]*/.exec(text.slice(i, i + 200));
    if (id) {
      out.push({ k: 'id', v: id[0], line });
      i += id[0].length;
      continue;
    }
    out.push({ k: 'punct', v: c, line });
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

interface ParsedTable {
  groups: Record<string, SystemdGroup>;
  conditionals: Array<{ group: string; directive: string; members: string[] }>;
}

/** `"<line.strip()>\0"` for every line of the list file, as generate-syscall-list.py emits. */
function listLiterals(listText: string, line: number): Tok[] {
  const lines = listText.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // python's `for line in open()` yields no empty last line
  return lines.map((l) => ({ k: 'str' as const, v: l.trim() + '\0', line }));
}

function parseTable(source: string, listText: string | undefined): ParsedTable {
  const toks = tokenize(source);
  // Find `syscall_filter_sets [ ... ] = {`
  let start = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t?.k !== 'id' || t.v !== 'syscall_filter_sets') continue;
    if (toks[i + 1]?.v !== '[') continue;
    let j = i + 2;
    while (j < toks.length && toks[j]?.v !== ']') j++;
    if (toks[j + 1]?.v === '=' && toks[j + 2]?.v === '{') {
      if (start >= 0) throw new Error('two syscall_filter_sets[] initializers');
      start = j + 3;
    }
  }
  if (start < 0) throw new Error('no `syscall_filter_sets[] = {` initializer found');

  const groups: Record<string, SystemdGroup> = {};
  const conditionals: ParsedTable['conditionals'] = [];
  // Preprocessor conditionals open inside the table: directive text + members seen while open.
  const condStack: Array<{ directive: string; group: string | undefined; members: string[] }> = [];
  let depth = 1;
  let entry: { fields: Record<string, string>; field: string | undefined; parts: string[]; line: number } | undefined;
  let i = start;

  const closeField = (): void => {
    if (!entry || entry.field === undefined) return;
    entry.fields[entry.field] = entry.parts.join('');
    entry.field = undefined;
    entry.parts = [];
  };

  for (; i < toks.length && depth > 0; i++) {
    const t = toks[i];
    if (!t) break;
    if (t.k === 'pp') {
      const m = /^#\s*(\w+)\s*(.*)$/.exec(t.v);
      const directive = m?.[1] ?? '';
      const arg = m?.[2] ?? '';
      if (directive === 'include') {
        const inc = /^"([^"]+)"$/.exec(arg)?.[1];
        if (inc === undefined || !LIST_INCLUDE.test(inc)) throw new Error(`line ${t.line}: unexpected #include ${arg} inside the table`);
        if (listText === undefined) throw new Error(`line ${t.line}: #include "${inc}" but no syscall list file (${LIST_FILES.join(', ')}) in the source`);
        if (!entry || entry.field === undefined) throw new Error(`line ${t.line}: #include outside a .value`);
        // Splice the list's literals into the token stream right here.
        toks.splice(i + 1, 0, ...listLiterals(listText, t.line));
        continue;
      }
      if (directive === 'if' || directive === 'ifdef' || directive === 'ifndef') {
        condStack.push({ directive: t.v, group: entry?.fields['name'], members: [] });
        continue;
      }
      if (directive === 'elif' || directive === 'else') {
        const top = condStack[condStack.length - 1];
        if (!top) throw new Error(`line ${t.line}: #${directive} without #if`);
        top.directive += ` / ${t.v}`;
        continue;
      }
      if (directive === 'endif') {
        const top = condStack.pop();
        if (!top) throw new Error(`line ${t.line}: #endif without #if`);
        conditionals.push({ group: top.group ?? entry?.fields['name'] ?? '?', directive: top.directive, members: top.members });
        continue;
      }
      throw new Error(`line ${t.line}: unexpected preprocessor line inside the table: ${t.v}`);
    }
    if (t.k === 'punct' && t.v === '{') {
      depth++;
      if (depth === 2) entry = { fields: {}, field: undefined, parts: [], line: t.line };
      else throw new Error(`line ${t.line}: unexpected nested brace`);
      continue;
    }
    if (t.k === 'punct' && t.v === '}') {
      depth--;
      if (depth === 1 && entry) {
        closeField();
        const name = entry.fields['name'];
        const help = entry.fields['help'];
        const value = entry.fields['value'];
        if (name === undefined || help === undefined || value === undefined) throw new Error(`line ${entry.line}: entry without .name/.help/.value`);
        if (groups[name]) throw new Error(`line ${entry.line}: group ${name} twice`);
        groups[name] = { description: help, members: splitNulstr(value, name) };
        entry = undefined;
      }
      continue;
    }
    if (depth === 2 && entry) {
      if (t.k === 'punct' && t.v === '.' && toks[i + 1]?.k === 'id' && toks[i + 2]?.v === '=') {
        closeField();
        entry.field = toks[i + 1]?.v;
        i += 2;
        continue;
      }
      if (t.k === 'punct' && t.v === ',') {
        closeField();
        continue;
      }
      if (t.k === 'str') {
        if (entry.field === undefined) throw new Error(`line ${t.line}: string literal outside a field`);
        entry.parts.push(t.v);
        for (const c of condStack) if (t.v.length > 0) c.members.push(...t.v.split('\0').filter((s) => s !== ''));
        continue;
      }
      throw new Error(`line ${t.line}: unexpected token ${t.v} in a table entry`);
    }
    // depth 1: designators `[SYSCALL_FILTER_SET_X] =` and commas between entries.
  }
  if (depth !== 0) throw new Error('unterminated syscall_filter_sets[] initializer');
  if (condStack.length) throw new Error('unterminated #if inside the table');
  return { groups, conditionals };
}

/** Split a NULSTR the way NULSTR_FOREACH walks it: items end at \0, the first empty item ends the list. */
function splitNulstr(value: string, group: string): string[] {
  const items = value.split('\0');
  const end = items.indexOf('');
  const used = end < 0 ? items : items.slice(0, end);
  const rest = end < 0 ? [] : items.slice(end + 1).filter((s) => s !== '');
  if (end < 0) throw new Error(`${group}: value is not NUL-terminated`);
  if (rest.length) throw new Error(`${group}: member list ends early (empty item) before ${rest.slice(0, 3).join(', ')}`);
  for (const m of used) if (!/^@?[a-z0-9_-]+$/.test(m)) throw new Error(`${group}: odd member ${JSON.stringify(m)}`);
  return used;
}

export function expandGroups(groups: Record<string, SystemdGroup>): Record<string, string[]> {
  const memo = new Map<string, Set<string>>();
  const visit = (name: string, stack: string[]): Set<string> => {
    const done = memo.get(name);
    if (done) return done;
    if (stack.includes(name)) throw new Error(`group cycle: ${[...stack, name].join(' -> ')}`);
    const g = groups[name];
    if (!g) throw new Error(`unknown group ${name} referenced from ${stack[stack.length - 1] ?? '?'}`);
    const out = new Set<string>();
    for (const m of g.members) {
      if (m.startsWith('@')) for (const x of visit(m, [...stack, name])) out.add(x);
      else out.add(m);
    }
    memo.set(name, out);
    return out;
  };
  const expanded: Record<string, string[]> = {};
  for (const name of Object.keys(groups)) expanded[name] = [...visit(name, [])].sort();
  return expanded;
}

function upstreamVersion(debianVersion: string): string {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
}


function build(suite: string, debVersion: string, tree: string): SystemdGroupsFile {
  const tablePath = join(tree, TABLE_FILE);
  if (!existsSync(tablePath)) throw new Error(`${suite}: ${TABLE_FILE} missing in ${tree}`);
  const lists = LIST_FILES.filter((f) => existsSync(join(tree, f)));
  if (lists.length > 1) throw new Error(`${suite}: more than one syscall list file: ${lists.join(', ')}`);
  const listFile = lists[0];
  const listText = listFile === undefined ? undefined : readFileSync(join(tree, listFile), 'utf8');
  const { groups, conditionals } = parseTable(readFileSync(tablePath, 'utf8'), listText);
  const usesList = readFileSync(tablePath, 'utf8').split('\n').some((l) => /^\s*#\s*include\s+"(syscall-list\.(h|inc)|syscall-names\.h)"/.test(l));
  const files = [TABLE_FILE, ...(usesList && listFile ? [listFile] : [])];
  const version = upstreamVersion(debVersion);
  const file: SystemdGroupsFile = {
    systemd: version,
    source: `systemd ${debVersion} (Debian ${suite}): ${files.join(', ')}`,
    groups,
    expanded: expandGroups(groups),
  };
  if (conditionals.length) file.conditionals = conditionals;
  return file;
}

function main(argv: string[]): number {
  const prune = argv[0] === '--prune';
  const args = prune ? argv.slice(1) : argv;
  const [outDir, ...rest] = args;
  if (!outDir || rest.length === 0 || rest.length % 3 !== 0) {
    process.stderr.write('usage: update-systemd-groups.js [--prune] <out-dir> (<suite> <debian-version> <source-tree>)...\n');
    return 2;
  }
  mkdirSync(outDir, { recursive: true });
  let changed = false;
  const produced = new Map<string, SystemdGroupsFile>();
  for (let i = 0; i < rest.length; i += 3) {
    const [suite, debVersion, tree] = [rest[i] ?? '', rest[i + 1] ?? '', rest[i + 2] ?? ''];
    const data = build(suite, debVersion, tree);
    const prev = produced.get(data.systemd);
    if (prev) {
      process.stderr.write(`warning: ${suite}: systemd ${data.systemd} already taken from ${prev.source}; skipped\n`);
      continue;
    }
    produced.set(data.systemd, data);
    const file = join(outDir, `${data.systemd}.json`);
    const text = JSON.stringify(data, null, 2) + '\n';
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      writeFileSync(file, text);
      changed = true;
    }
    const n = Object.keys(data.groups).length;
    const cond = data.conditionals ? `, ${data.conditionals.length} #if blocks in the table (all branches kept)` : '';
    process.stderr.write(`${suite.padEnd(20)} systemd ${data.systemd.padEnd(8)} ${n} groups, @known ${data.expanded['@known']?.length ?? '-'}, @system-service ${data.expanded['@system-service']?.length ?? '-'}${cond}\n`);
  }
  const versionFiles = readdirSync(outDir).filter((f) => f.endsWith('.json') && f !== 'index.json');
  if (prune) {
    for (const f of versionFiles) {
      if (!produced.has(f.slice(0, -'.json'.length))) {
        unlinkSync(join(outDir, f));
        changed = true;
        process.stderr.write(`pruned ${f}\n`);
      }
    }
  }
  // The index covers every version file present (earlier runs' versions are kept unless --prune).
  const versions = readdirSync(outDir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => {
      const d = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as SystemdGroupsFile;
      if (`${d.systemd}.json` !== f) throw new Error(`${f} holds systemd ${d.systemd}`);
      return { systemd: d.systemd, file: f, source: d.source };
    })
    .sort((a, b) => compareVersions(a.systemd, b.systemd));
  const indexFile = join(outDir, 'index.json');
  const index: SystemdGroupsIndex = { generated: new Date().toISOString().slice(0, 10), versions };
  writeGeneratedIndex(indexFile, index, changed);
  process.stderr.write(`index: ${versions.map((v) => v.systemd).join(' ')} in ${outDir}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
