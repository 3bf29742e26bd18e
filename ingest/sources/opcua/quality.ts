// OPC UA StatusCode → point quality. The severity is bits 31–30 of the code (OPC 10000-4 §7.39):
// 00 Good, 01 Uncertain, 10 Bad (11 reserved, treated as bad). So 0x00000000 is good and so is any Good
// code with info bits (0x00000480 = Good, overflow); 0x40… is uncertain; 0x80… and 0xC0… are bad.
// Telegraf called everything but 0 "bad" (#8826, #9144); we read the severity.
import type { Quality } from "../../core/types";

export function qualityOf(statusCode: number): Quality {
  const severity = (statusCode >>> 30) & 0b11;
  if (severity === 0) return "good";
  if (severity === 1) return "uncertain";
  return "bad";
}

/** InfoType = DataValue (bit 10) with the Overflow bit (bit 7): the server's queue discarded values. */
export function hasOverflowBit(statusCode: number): boolean {
  return (statusCode & 0x00000c00) === 0x00000400 && (statusCode & 0x00000080) !== 0;
}
