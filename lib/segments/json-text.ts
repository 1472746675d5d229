/**
 * Locates the first syntax error in JSON text as a line and column (both 1-based), with a plain
 * message, so that the Script editor can point at it. Used only after `JSON.parse` has failed: its
 * messages and positions differ between JavaScript engines.
 */
export type JsonSyntaxError = { line: number; column: number; message: string };

const MAX_DEPTH = 512;

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function locateJsonError(text: string): JsonSyntaxError | null {
  let i = 0;

  const describe = (at: number) => (at >= text.length ? "the end of the text" : `'${text[at]}'`);
  const fail = (message: string, at = i): never => {
    throw new JsonSyntax(at, message);
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const expectEnd = (what: string) => {
    if (i >= text.length) fail(`The text ends too early: ${what}.`);
  };

  const string = () => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail("This string is not closed: add a '\"'.", start);
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("A \\u escape needs 4 hex digits.");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`Invalid escape ${e === undefined ? "at the end of the text" : `'\\${e}'`} in a string.`);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail("A string cannot contain a line break or control character; write it as \\n.");
      i++;
    }
  };

  const number = () => {
    const start = i;
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-") fail("Invalid number.", start);
    i += m![0].length;
    if (i < text.length && /[0-9.eE+\-]/.test(text[i])) fail("Invalid number.", start);
  };

  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail("The JSON is nested too deeply.");
    skipSpace();
    expectEnd("a value is missing");
    const c = text[i];
    if (c === "{") return object(depth);
    if (c === "[") return array(depth);
    if (c === '"') return string();
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail("Use double quotes (\") for strings, not single quotes.");
    fail(`Unexpected ${describe(i)}: expected a value (object, array, string, number, true, false or null).`);
  };

  const object = (depth: number) => {
    i++;
    skipSpace();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      expectEnd("a property name is missing");
      if (text[i] !== '"') fail(`Unexpected ${describe(i)}: expected a property name in double quotes.`);
      string();
      skipSpace();
      expectEnd("':' is missing after a property name");
      if (text[i] !== ":") fail(`Unexpected ${describe(i)}: expected ':' after the property name.`);
      i++;
      value(depth + 1);
      skipSpace();
      expectEnd("'}' is missing");
      if (text[i] === ",") {
        i++;
        skipSpace();
        if (text[i] === "}") fail("Remove the comma before '}': JSON allows no trailing comma.");
        continue;
      }
      if (text[i] === "}") {
        i++;
        return;
      }
      fail(`Unexpected ${describe(i)}: expected ',' or '}' after a property value.`);
    }
  };

  const array = (depth: number) => {
    i++;
    skipSpace();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (;;) {
      value(depth + 1);
      skipSpace();
      expectEnd("']' is missing");
      if (text[i] === ",") {
        i++;
        skipSpace();
        if (text[i] === "]") fail("Remove the comma before ']': JSON allows no trailing comma.");
        continue;
      }
      if (text[i] === "]") {
        i++;
        return;
      }
      fail(`Unexpected ${describe(i)}: expected ',' or ']' after an array item.`);
    }
  };

  try {
    value(0);
    skipSpace();
    if (i < text.length) fail(`Unexpected ${describe(i)} after the end of the JSON.`);
    return null;
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    return { ...lineAndColumn(text, error.offset), message: error.message };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let k = 0; k < end; k++) {
    if (text[k] === "\n") {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
