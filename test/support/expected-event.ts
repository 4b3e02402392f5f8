/**
 * One event as a fixture's `expected.json` states it: what the capture program was told to
 * do, and the pid, time and serial of the line the kernel wrote (docs/fixtures.md).
 */
export interface ExpectedEvent {
  abi: string;
  arch: string;
  nr: number;
  syscall: string;
  action: string;
  sig: number;
  comm: string;
  exe: string;
  uid: number;
  pid: number;
  time: string;
  serial: number;
  compat: number;
  host?: string;
}
