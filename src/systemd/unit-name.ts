/** Unit types a unit name may end in (systemd.unit(5)). */
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+\.(service|socket|mount|swap|timer|path|slice|scope|target|device|automount)$/;

/** A valid systemd unit name: the allowed characters, a known type suffix, at most 255 bytes. */
export function isValidUnitName(name: string): boolean {
  return name.length <= 255 && UNIT_NAME.test(name) && !name.startsWith('.');
}

/** `foo@bar.service` → `foo@.service`, the template whose files an instance also reads; else null. */
export function templateOf(name: string): string | null {
  const match = /^([^@]+)@[^@]*(\.[a-z]+)$/.exec(name);
  return match && !name.includes('@.') ? `${match[1] as string}@${match[2] as string}` : null;
}
