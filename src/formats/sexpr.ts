// S-expressions (the SMT-LIB surface syntax VNN-LIB uses): a tokenizer that keeps the line and column of
// every token, skipping `;` comments, and a parser into atoms and lists. Errors are one-line InputErrors
// at "line L, column C" (unbalanced parentheses name where the unclosed list was opened). Lists may nest at
// most MAX_SEXPR_DEPTH deep, so the recursive readers built on this parser never exhaust the stack.
import { InputError } from "../errors.js";

export interface Position {
  readonly line: number;
  readonly column: number;
}

export type SExpr =
  | { readonly kind: "atom"; readonly text: string; readonly at: Position }
  | { readonly kind: "list"; readonly items: readonly SExpr[]; readonly at: Position };

interface Token {
  readonly text: string;
  readonly at: Position;
}

/** "line L, column C", the location InputError carries for text formats. */
export function positionText(at: Position): string {
  return `line ${at.line}, column ${at.column}`;
}

/** The deepest nesting of lists a file may have (VNN-COMP properties nest at most about 5 deep). */
export const MAX_SEXPR_DEPTH = 1000;

const DELIMITERS = new Set([" ", "\t", "\r", "\n", "\f", "\v", "(", ")", ";"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") {
      line++;
      column = 1;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\f" || ch === "\v") {
      column++;
      i++;
    } else if (ch === ";") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === "(" || ch === ")") {
      tokens.push({ text: ch, at: { line, column } });
      column++;
      i++;
    } else {
      const start = i;
      while (i < text.length && !DELIMITERS.has(text[i]!)) i++;
      tokens.push({ text: text.slice(start, i), at: { line, column } });
      column += i - start;
    }
  }
  return tokens;
}

/** Parse every top-level s-expression of the text. */
export function parseSExprs(text: string, file: string): SExpr[] {
  const tokens = tokenize(text);
  const top: SExpr[] = [];
  const stack: { at: Position; items: SExpr[] }[] = [];
  for (const token of tokens) {
    if (token.text === "(") {
      if (stack.length >= MAX_SEXPR_DEPTH) {
        throw new InputError(file, positionText(token.at), `lists are nested more than ${MAX_SEXPR_DEPTH} deep, tessera's limit`);
      }
      stack.push({ at: token.at, items: [] });
    } else if (token.text === ")") {
      const open = stack.pop();
      if (!open) throw new InputError(file, positionText(token.at), "unbalanced parentheses: this ) closes nothing");
      const list: SExpr = { kind: "list", items: open.items, at: open.at };
      (stack.length ? stack[stack.length - 1]!.items : top).push(list);
    } else {
      const atom: SExpr = { kind: "atom", text: token.text, at: token.at };
      (stack.length ? stack[stack.length - 1]!.items : top).push(atom);
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) {
    throw new InputError(file, positionText(unclosed.at), `unbalanced parentheses: this ( is never closed (${stack.length} list${stack.length === 1 ? "" : "s"} open at the end of the file)`);
  }
  return top;
}
