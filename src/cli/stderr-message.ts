import { escapeMessageForTerminal } from '../render/index.js';

/**
 * Writes one message on stderr as `seccomp-explain: MESSAGE`, escaped for the terminal. Every
 * warning and error goes through here: messages quote log text, file names and store
 * contents, none of which may drive the terminal.
 */
export function printMessage(message: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`seccomp-explain: ${escapeMessageForTerminal(message)}\n`);
}
