import { describe, expect, it } from "vitest";
import { acceptEvidenceFile, cleanFileName, sniff } from "~/evidence/sniff.server";

const bytes = (...parts: Array<number[] | string>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : p)));

const zipWith = (...names: string[]) => bytes([0x50, 0x4b, 0x03, 0x04], "\0".repeat(26), ...names.map((n) => `${n}\0\0`));

describe("evidence file types by content", () => {
  it.each([
    ["report.pdf", bytes("%PDF-1.7\n"), "application/pdf"],
    ["photo.PNG", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), "image/png"],
    ["photo.jpeg", bytes([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg"],
    ["scan.gif", bytes("GIF89a"), "image/gif"],
    ["shot.webp", bytes("RIFF\x10\0\0\0WEBPVP8 "), "image/webp"],
    ["plan.docx", zipWith("[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["oee.xlsx", zipWith("[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ["deck.pptx", zipWith("[Content_Types].xml", "ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
    ["old.xls", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "application/vnd.ms-excel"],
    ["data.csv", new TextEncoder().encode("设备,联网率\n注塑机,0.85\n"), "text/csv; charset=utf-8"],
    ["notes.txt", bytes("line 1\r\n\tline 2\n"), "text/plain; charset=utf-8"],
  ])("accepts %s as %s", (name, content, type) => {
    const r = acceptEvidenceFile(content, name);
    expect(r).toEqual({ ok: true, type: expect.objectContaining({ contentType: type }) });
  });

  it.each([
    ["setup.exe", bytes("MZ\x90\0"), "type"],
    ["page.html", bytes("<html><script>alert(1)</script>"), "type"], // text, but not csv/txt
    ["archive.zip", zipWith("a.txt"), "type"], // a zip that is no Office document
    ["binary.csv", bytes("a,b\n\0\0\0"), "type"], // control bytes are not CSV
    ["notpdf.png", bytes("%PDF-1.4"), "extension"], // a PDF named .png
    ["sheet.docx", zipWith("[Content_Types].xml", "xl/workbook.xml"), "extension"],
    ["empty.txt", bytes(), "type"],
  ])("rejects %s (%s)", (name, content, reason) => {
    expect(acceptEvidenceFile(content, name)).toEqual({ ok: false, reason });
  });

  it("accepts legacy Office files only with one of their own extensions", () => {
    const ole = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(sniff(ole, "a.doc")?.contentType).toBe("application/msword");
    expect(sniff(ole, "a.msi")).toBeNull();
  });

  it("cleans file names: no path, no control or reserved characters, at most 120 characters keeping the extension", () => {
    expect(cleanFileName("C:\\Users\\王\\设备台账.xlsx")).toBe("设备台账.xlsx");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName('a"b<c>|d\u0007.pdf')).toBe("a_b_c__d_.pdf");
    const long = cleanFileName(`${"很".repeat(200)}.pdf`);
    expect(long.length).toBe(114);
    expect(long.endsWith(".pdf")).toBe(true);
    expect(cleanFileName("")).toBe("file");
  });
});
