/** One `Key=value` line of a unit file, where it stands. */
export interface UnitAssignment {
  section: string;
  key: string;
  /** The value with surrounding white space removed; '' is an empty assignment (a reset). */
  value: string;
  path: string;
  /** The line the assignment starts on, 1-based. */
  line: number;
}

export interface UnitFile {
  path: string;
  assignments: UnitAssignment[];
}

/**
 * Reads a unit file or drop-in as systemd does (systemd.syntax(7)): `[Section]` headers,
 * `#` and `;` comments, `Key=value` with white space around `=` dropped, and a line that ends in
 * a backslash continuing on the next (the backslash becomes a space; comment lines inside a
 * continuation are skipped).
 */
export function parseUnitFile(text: string, path: string): UnitFile {
  const assignments: UnitAssignment[] = [];
  const lines = text.split(/\r?\n/);
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const startLine = index + 1;
    let line = (lines[index] as string).trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && index + 1 < lines.length) {
      line = `${line.slice(0, -1)} `;
      let next = '';
      do {
        index++;
        next = (lines[index] as string).trim();
      } while ((next.startsWith('#') || next.startsWith(';')) && index + 1 < lines.length);
      if (next.startsWith('#') || next.startsWith(';')) break;
      line += next;
    }
    if (line.endsWith('\\')) line = line.slice(0, -1);
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    assignments.push({ section, key: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim(), path, line: startLine });
  }
  return { path, assignments };
}

/**
 * Splits `systemctl cat` output into its files: each starts with a `# /path` line, in the order
 * systemd applies them (the unit file first, then its drop-ins).
 */
export function parseSystemctlCat(text: string): UnitFile[] {
  const files: UnitFile[] = [];
  const lines = text.split(/\r?\n/);
  let path: string | null = null;
  let body: string[] = [];
  const flush = (): void => {
    // The body's lines are the file's lines: line numbers stay those of the file.
    if (path !== null) files.push(parseUnitFile(body.join('\n'), path));
  };
  lines.forEach((line, index) => {
    const header = /^# (\/\S.*)$/.exec(line);
    if (header && (index === 0 || lines[index - 1] === '')) {
      flush();
      path = header[1] as string;
      body = [];
      return;
    }
    body.push(line);
  });
  flush();
  return files;
}
