/** Colour on a terminal, unless `--no-color` or `NO_COLOR` says otherwise (README). */
export function colourWanted(option: boolean | undefined, stream: { isTTY?: boolean } = process.stdout): boolean {
  return option !== false && stream.isTTY === true && !process.env.NO_COLOR;
}
