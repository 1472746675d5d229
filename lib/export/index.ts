/** Streamed CSV / NDJSON exports: cells, lines, streams and profile columns (see each module). */
export { csvCell, csvLine, defuseFormula, type CellValue } from "./csv";
export { parseFieldList, profileColumns, profileJson, PROFILE_SUBSCRIPTION_COLUMNS, PROFILE_SYSTEM_COLUMNS, type ProfileColumn } from "./profile-columns";
export {
  encodeHeader,
  encodePage,
  encodeRows,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  exportResponse,
  openChunks,
  openExport,
  type ExportColumn,
  type ExportFormat,
  type ExportOptions,
} from "./stream";
