// The line protocol lives in the core (ingest/core/line-protocol.ts) since it became the spool's chunk
// format: points are encoded once, at intake, and this sink sends the spooled text as it is.
export { encodeLine, escapeKey, escapeMeasurement, escapeString, fieldSet, formatField, parseLines, seriesKey, splitLines, toLine, toLines } from "../../core/line-protocol";
