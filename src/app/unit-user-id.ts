import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import { userIdFromPasswd, type UnitUser } from '../systemd/index.js';
import { readRegularFile } from './regular-file.js';

/**
 * The uid of a unit's `User=`: a number as it is; a name from the image's or this host's
 * `/etc/passwd`, else on this host from `getent passwd` (NSS users). Null when it cannot be told.
 */
export function lookUpUnitUserId(user: UnitUser, root: string | null): number | null {
  if (user.code !== 'named') return user.code === 'root' ? 0 : null;
  if (/^\d{1,10}$/.test(user.name)) return Number(user.name);
  try {
    const found = userIdFromPasswd(readRegularFile(posix.join(root ?? '/', 'etc/passwd'), { followLinks: root === null }), user.name);
    if (found !== null || root !== null) return found;
  } catch {
    if (root !== null) return null;
  }
  try {
    return userIdFromPasswd(execFileSync('getent', ['passwd', '--', user.name], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }), user.name);
  } catch {
    return null;
  }
}
