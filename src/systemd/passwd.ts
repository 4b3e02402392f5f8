/** The uid `/etc/passwd`'s text gives the user `name` (passwd(5): `name:password:UID:…`), or null. */
export function userIdFromPasswd(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    const [entryName, , uid] = line.split(':');
    if (entryName === name && uid !== undefined && /^\d{1,10}$/.test(uid)) return Number(uid);
  }
  return null;
}
