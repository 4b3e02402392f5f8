import { execAssignments, type UnitConfiguration } from './unit-configuration.js';

/** The user a unit's processes run as, as its settings say: `User=` and `DynamicUser=`. */
export type UnitUser =
  | { code: 'root' }
  | { code: 'named'; name: string; dynamic: boolean }
  | { code: 'dynamic' };

/** systemd's range for dynamic users (`DynamicUser=yes`): 61184–65519. */
const DYNAMIC_UIDS = { first: 61_184, last: 65_519 };

function isYes(value: string): boolean {
  return /^(1|yes|y|true|t|on)$/i.test(value);
}

/** The last `User=` (an empty one resets it) and `DynamicUser=` of the unit's `[Service]` settings. */
export function unitUser(configuration: UnitConfiguration): UnitUser {
  let user = '';
  let dynamic = false;
  for (const assignment of execAssignments(configuration)) {
    if (assignment.section !== 'Service') continue;
    if (assignment.key === 'User') user = assignment.value;
    else if (assignment.key === 'DynamicUser') dynamic = isYes(assignment.value);
  }
  if (user === '' || user === 'root' || user === '0') return dynamic ? { code: 'dynamic' } : { code: 'root' };
  return { code: 'named', name: user, dynamic };
}

/**
 * Whether a process of uid `uid` can be one of the unit's: root for a unit without `User=`,
 * the named user's uid (`userId`, null when it could not be looked up), or any uid of the
 * dynamic range. Only root and that user can make the kernel log a record with that uid.
 */
export function uidCanBeUnits(uid: number | null, user: UnitUser, userId: number | null): boolean {
  if (uid === null) return false;
  if (user.code === 'root') return uid === 0;
  const dynamic = user.code === 'dynamic' || user.dynamic;
  if (dynamic && uid >= DYNAMIC_UIDS.first && uid <= DYNAMIC_UIDS.last) return true;
  return user.code === 'named' && userId !== null && uid === userId;
}
