/** Colour on a terminal, unless `--no-color` or `NO_COLOR` says otherwise (README). */
export function colourWanted(option: boolean | undefined): boolean {
  return option !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
}
