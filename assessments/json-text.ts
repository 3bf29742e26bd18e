// JSON text from files (frameworks, answers) with errors people can act on: the line and column of the
// first fault. JSON.parse does the parsing; when it fails, jsonc-parser (strict: no comments, no trailing
// commas) locates the fault, since V8's messages often carry no position ("Unexpected token ','…").
import { parse as parseTolerant, printParseErrorCode, type ParseError } from "jsonc-parser";

export type JsonText = { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

const DESCRIBE: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "expected the end of the file",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in a string",
};

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
    const first = errors[0];
    if (first) {
      const code = printParseErrorCode(first.error);
      return { ok: false, message: DESCRIBE[code] ?? code, ...lineColumn(text, first.offset) };
    }
    // JSON.parse refused something the tolerant parser accepts (e.g. an empty file): report V8's reason at the end
    return { ok: false, message: (e as Error).message, ...lineColumn(text, text.length) };
  }
}
