/** The user who ran seccomp-explain through sudo (SUDO_UID, SUDO_GID), or null. */
export function sudoInvoker(): { uid: number; gid: number } | null {
  const uid = process.env.SUDO_UID;
  const gid = process.env.SUDO_GID;
  return uid !== undefined && /^\d+$/.test(uid) && gid !== undefined && /^\d+$/.test(gid) ? { uid: Number(uid), gid: Number(gid) } : null;
}
