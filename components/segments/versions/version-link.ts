/** Where a version of a segment is shown: its page with the Versions block opened on that version. */
export function versionHref(segmentId: number, n: number): string {
  return `/segments/dynamic/${segmentId}?version=${n}#versions`;
}
