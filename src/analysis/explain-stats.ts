/** What a run read. Part of the `--json` interface (`stats`). */
export interface ExplainStats {
  /** Lines read, across all inputs. */
  lines: number;
  /** Seccomp records read, including second sightings of one event. */
  records: number;
  /** Records that were a second sighting of an event already counted. */
  duplicates: number;
  /** Records left out by --exe, --comm, --since, --until. */
  filtered: number;
  /** Lines that announced a seccomp record but could not be read as one (damaged or overlong). */
  malformed: number;
  /**
   * Distinct denials met after the first LISTED_DENIALS, counted but not listed (counted up
   * to COUNTED_OVERFLOW).
   */
  overflow: number;
}

export function emptyStats(): ExplainStats {
  return { lines: 0, records: 0, duplicates: 0, filtered: 0, malformed: 0, overflow: 0 };
}
