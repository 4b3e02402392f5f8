import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RootUnitFileSystem } from '../src/app/unit-tree.js';
import {
  InMemoryUnitFileSystem, listExecStarts, loadUnitFiles, resolveInImage, UNIT_FILE_SIZE_LIMIT, UnitNotLoaded,
  type InMemoryEntry, type SkippedUnitFile, type UnitConfiguration, type UnitFileSystem, userIdFromPasswd,
} from '../src/systemd/index.js';
import { temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('unit-discovery');

/** Each file of the loaded unit as `path: the values of its assignments`. */
function summary(configuration: UnitConfiguration): string[] {
  return configuration.files.map((file) => `${file.path}: ${file.assignments.map((assignment) => `${assignment.key}=${assignment.value}`).join(' ')}`);
}

function load(tree: Record<string, InMemoryEntry>, unit: string): { files: string[]; skipped: SkippedUnitFile[] } {
  const skipped: SkippedUnitFile[] = [];
  return { files: summary(loadUnitFiles(new InMemoryUnitFileSystem(tree), unit, (file) => skipped.push(file))), skipped };
}

function notLoaded(tree: Record<string, InMemoryEntry>, unit: string): unknown {
  try {
    loadUnitFiles(new InMemoryUnitFileSystem(tree), unit, () => {});
  } catch (error) {
    if (error instanceof UnitNotLoaded) return error.reason;
    throw error;
  }
  throw new Error(`${unit} loaded`);
}

describe('which files make a unit', () => {
  it('an instance reads its template foo@.service, and the drop-ins of the instance, the template and the type, sorted by name', () => {
    expect(load({
      '/usr/lib/systemd/system/foo@.service': '[Service]\nExecStart=/usr/bin/foo %i',
      '/usr/lib/systemd/system/foo@.service.d/20-template.conf': '[Service]\nUser=foo',
      '/etc/systemd/system/foo@bar.service.d/30-instance.conf': '[Service]\nSystemCallFilter=setrlimit',
      '/usr/lib/systemd/system/service.d/10-every-service.conf': '[Service]\nProtectSystem=yes',
      '/usr/lib/systemd/system/socket.d/10-sockets-only.conf': '[Socket]\nBacklog=1',
      '/usr/lib/systemd/system/foo@baz.service.d/30-other-instance.conf': '[Service]\nUser=other',
    }, 'foo@bar.service').files).toEqual([
      '/usr/lib/systemd/system/foo@.service: ExecStart=/usr/bin/foo %i',
      '/usr/lib/systemd/system/service.d/10-every-service.conf: ProtectSystem=yes',
      '/usr/lib/systemd/system/foo@.service.d/20-template.conf: User=foo',
      '/etc/systemd/system/foo@bar.service.d/30-instance.conf: SystemCallFilter=setrlimit',
    ]);
  });

  it('an instance\'s own unit file comes before its template\'s', () => {
    expect(load({
      '/usr/lib/systemd/system/foo@.service': '[Service]\nExecStart=/usr/bin/template',
      '/usr/lib/systemd/system/foo@bar.service': '[Service]\nExecStart=/usr/bin/instance',
    }, 'foo@bar.service').files).toEqual(['/usr/lib/systemd/system/foo@bar.service: ExecStart=/usr/bin/instance']);
  });

  it('/etc masks /usr/lib: the unit file of the first directory, and of each drop-in name the highest directory\'s', () => {
    expect(load({
      '/usr/lib/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/vendor',
      '/etc/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/admin',
      '/usr/lib/systemd/system/app.service.d/50-limits.conf': '[Service]\nSystemCallFilter=@system-service',
      '/etc/systemd/system/app.service.d/50-limits.conf': '[Service]\nSystemCallFilter=@basic-io',
      '/run/systemd/system/app.service.d/60-runtime.conf': '[Service]\nUser=run',
    }, 'app.service').files).toEqual([
      '/etc/systemd/system/app.service: ExecStart=/usr/bin/admin',
      '/etc/systemd/system/app.service.d/50-limits.conf: SystemCallFilter=@basic-io',
      '/run/systemd/system/app.service.d/60-runtime.conf: User=run',
    ]);
  });

  it('a drop-in linked to /dev/null masks the lower drop-in of that name; the image needs no /dev/null', () => {
    expect(load({
      '/usr/lib/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/app',
      '/usr/lib/systemd/system/app.service.d/50-vendor.conf': '[Service]\nSystemCallFilter=@system-service',
      '/etc/systemd/system/app.service.d/50-vendor.conf': { link: '/dev/null' },
    }, 'app.service')).toEqual({
      files: ['/usr/lib/systemd/system/app.service: ExecStart=/usr/bin/app', '/etc/systemd/system/app.service.d/50-vendor.conf: '],
      skipped: [],
    });
  });

  it('a unit file linked to /dev/null masks the unit; none found, or an invalid name, is said as a code', () => {
    const vendor = { '/usr/lib/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/app' };
    expect(notLoaded({ ...vendor, '/etc/systemd/system/app.service': { link: '/dev/null' } }, 'app.service'))
      .toEqual({ code: 'masked', unit: 'app.service', path: '/etc/systemd/system/app.service' });
    expect(notLoaded(vendor, 'other.service')).toMatchObject({ code: 'no-unit-file', unit: 'other.service' });
    expect(notLoaded(vendor, 'app')).toEqual({ code: 'invalid-name', unit: 'app' });
  });

  it('links resolve inside the image: an absolute target is the image\'s own, and `..` stops at its root', () => {
    const files = new InMemoryUnitFileSystem({
      '/etc/systemd/system/app.service': { link: '/opt/units/app.service' },
      '/opt/units/app.service': '[Service]\nExecStart=/usr/bin/app',
      '/etc/escape': { link: '../../../../../opt' },
    });
    expect(resolveInImage(files, '/etc/escape/units/app.service')).toBe('/opt/units/app.service');
    expect(summary(loadUnitFiles(files, 'app.service', () => {}))).toEqual(['/etc/systemd/system/app.service: ExecStart=/usr/bin/app']);
  });

  it('a FIFO, a device or an oversized file is skipped with the reason, and the unit is read without it', () => {
    const { files, skipped } = load({
      '/etc/systemd/system/app.service': { kind: 'fifo' },
      '/usr/lib/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/app',
      '/etc/systemd/system/app.service.d/huge.conf': `[Service]\n${'#'.repeat(UNIT_FILE_SIZE_LIMIT)}\n`,
      '/etc/systemd/system/app.service.d/zero.conf': { link: '/dev/zero' },
      '/dev/zero': { kind: 'character-device' },
      '/etc/systemd/system/app.service.d/ok.conf': '[Service]\nUser=app',
    }, 'app.service');
    expect(files).toEqual(['/usr/lib/systemd/system/app.service: ExecStart=/usr/bin/app', '/etc/systemd/system/app.service.d/ok.conf: User=app']);
    expect(skipped).toEqual([
      { path: '/etc/systemd/system/app.service', linkedTo: null, reason: { code: 'not-regular', kind: 'fifo' } },
      { path: '/etc/systemd/system/app.service.d/huge.conf', linkedTo: null, reason: { code: 'too-large', limit: 1024 * 1024 } },
      { path: '/etc/systemd/system/app.service.d/zero.conf', linkedTo: '/dev/zero', reason: { code: 'not-regular', kind: 'character-device' } },
    ]);
  });
});

describe('which program each service\'s ExecStart= runs', () => {
  it('the ExecStart= lines after the last reset, bare names searched on systemd\'s path, links resolved in the image; templates and masked units left out', () => {
    const files = new InMemoryUnitFileSystem({
      '/usr/lib/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/old\nExecStart=/usr/bin/older',
      '/etc/systemd/system/app.service.d/override.conf': '[Service]\nExecStart=\nExecStart=-!"/usr/bin/app" --flag\nExecStart=helper',
      '/usr/bin/app': { link: '/opt/app/bin/app' },
      '/opt/app/bin/app': '',
      '/usr/sbin/helper': '',
      '/usr/bin/old': '',
      '/usr/lib/systemd/system/worker@.service': '[Service]\nExecStart=/usr/bin/worker',
      '/usr/lib/systemd/system/gone.service': '[Service]\nExecStart=/usr/bin/gone',
      '/etc/systemd/system/gone.service': { link: '/dev/null' },
      '/usr/bin/gone': '',
    });
    expect(listExecStarts(files, () => {})).toEqual([
      { unit: 'app.service', path: '/opt/app/bin/app', source: '/etc/systemd/system/app.service.d/override.conf:3' },
      { unit: 'app.service', path: '/usr/sbin/helper', source: '/etc/systemd/system/app.service.d/override.conf:4' },
    ]);
  });
});

describe('the disk and the in-memory file system give the same unit', () => {
  const tree: Record<string, InMemoryEntry> = {
    '/usr/lib/systemd/system/foo@.service': '[Service]\nExecStart=/usr/bin/foo',
    '/usr/lib/systemd/system/foo@.service.d/50-vendor.conf': '[Service]\nSystemCallFilter=@system-service',
    '/etc/systemd/system/foo@.service.d/50-vendor.conf': { link: '/dev/null' },
    '/etc/systemd/system/service.d/10-all.conf': '[Service]\nProtectSystem=yes',
    '/etc/systemd/system/foo@bar.service.d/20-fifo.conf': { kind: 'fifo' },
    '/etc/systemd/system/foo@bar.service.d/30-linked.conf': { link: '/opt/conf/30.conf' },
    '/opt/conf/30.conf': '[Service]\nUser=foo',
    '/usr/bin/foo': '',
  };

  function onDisk(): string {
    const root = temporaryDirectory();
    for (const [path, entry] of Object.entries(tree)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      if (typeof entry === 'string') writeFileSync(join(root, path), entry);
      else if ('link' in entry) symlinkSync(entry.link, join(root, path));
      else execFileSync('mkfifo', [join(root, path)]);
    }
    return root;
  }

  function discover(files: UnitFileSystem): unknown {
    const skipped: SkippedUnitFile[] = [];
    return { unit: summary(loadUnitFiles(files, 'foo@bar.service', (file) => skipped.push(file))), skipped, execStarts: listExecStarts(files, () => {}) };
  }

  it('for a template instance with a masked, a linked and a FIFO drop-in', () => {
    const root = onDisk();
    const memory = discover(new InMemoryUnitFileSystem(tree, root));
    expect(discover(new RootUnitFileSystem(root))).toEqual(memory);
    expect(memory).toMatchObject({
      unit: [
        `${root}/usr/lib/systemd/system/foo@.service: ExecStart=/usr/bin/foo`,
        `${root}/etc/systemd/system/service.d/10-all.conf: ProtectSystem=yes`,
        `${root}/etc/systemd/system/foo@bar.service.d/30-linked.conf: User=foo`,
        `${root}/etc/systemd/system/foo@.service.d/50-vendor.conf: `,
      ],
      skipped: [{ path: `${root}/etc/systemd/system/foo@bar.service.d/20-fifo.conf`, linkedTo: null, reason: { code: 'not-regular', kind: 'fifo' } }],
    });
  });
});

describe('src/systemd/ stays off the disk', () => {
  it('no module but syscall-groups.ts (the bundled tables) imports node:fs or runs a command', () => {
    const directory = join(dirname(fileURLToPath(import.meta.url)), '../src/systemd');
    const readers = readdirSync(directory).filter((name) => /from 'node:(fs|child_process)/.test(readFileSync(join(directory, name), 'utf8')));
    expect(readers).toEqual(['syscall-groups.ts']);
  });
});

describe('User= names are looked up in /etc/passwd\'s text', () => {
  it('the third field of the line whose first is the name; a line without a numeric uid is none', () => {
    const passwd = 'root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\nbroken:x:notanumber:1::/:/bin/false\n';
    expect([userIdFromPasswd(passwd, 'www-data'), userIdFromPasswd(passwd, 'root'), userIdFromPasswd(passwd, 'broken'), userIdFromPasswd(passwd, 'www')])
      .toEqual([33, 0, null, null]);
  });
});
