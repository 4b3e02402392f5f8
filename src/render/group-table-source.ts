import type { BundledTableChoice, GroupTableSource } from '../systemd/index.js';

function describeChoice(choice: BundledTableChoice): string {
  switch (choice.code) {
    case 'systemd-version':
      return `--systemd-version ${choice.asked}`;
    case 'older-than-every-table':
      return `oldest bundled; --systemd-version ${choice.asked} is older than every table`;
    case 'newest':
      return 'newest bundled: give --systemd-version or --systemd-groups to match the host';
  }
}

/** Where a group table came from, in words (`groups:` of suggest, `# groups:`, the JSON `source`). */
export function describeGroupTableSource(source: GroupTableSource): string {
  switch (source.code) {
    case 'bundled':
      return `bundled table for systemd ${source.version} (${describeChoice(source.chosenBy)})`;
    case 'host-systemd-analyze':
      return `this host's systemd-analyze syscall-filter${source.version ? ` (systemd ${source.version})` : ''}`;
    case 'file':
      return `saved systemd-analyze syscall-filter output ${source.path}`;
  }
}
