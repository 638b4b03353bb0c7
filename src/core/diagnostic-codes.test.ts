// The diagnostics registry (issue 12 item 4): every declared spec reference resolves, and every code emitted
// anywhere in src is declared, at the severity it is emitted with. The emitting methods only take declared codes
// (a type error otherwise); this test covers what the types cannot: diagnostic object literals, and codes that
// are declared but no longer emitted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, diagnosticDeclaration, type DiagnosticDeclaration } from './diagnostic-codes';
import { isExternalSpecRef, resolveSpecRef } from './spec';

const SRC = resolve(import.meta.dirname, '..');
const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

interface Emission {
  code: string;
  /** undefined when the severity is not a literal at the site. */
  severity?: string;
  at: string;
}

/** Code-like string literals in an expression (both arms of a conditional, …), not inside nested functions. */
function codeLiterals(n: ts.Node): string[] {
  const out: string[] = [];
  const visit = (x: ts.Node): void => {
    if ((ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x)) && CODE.test(x.text))
      out.push(x.text);
    else if (!ts.isFunctionLike(x)) ts.forEachChild(x, visit);
  };
  visit(n);
  return out;
}

/**
 * Every diagnostic emission in src that names its code literally: `x.error('CODE', …)` (and warning/info), local
 * helpers `fail/bad/report('CODE', …)` (errors), `const code = … 'CODE' …` handed to one, and object literals with
 * both `severity` and `code`.
 */
function emissions(): Emission[] {
  const out: Emission[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (!/\b(error|warning|info|fail|bad|report)\(|severity/.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const at = (n: ts.Node) =>
      `${relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && n.arguments.length >= 2) {
        const callee = n.expression;
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        const helper = ts.isIdentifier(callee) ? callee.text : undefined;
        if (method === 'error' || method === 'warning' || method === 'info')
          for (const code of codeLiterals(n.arguments[0]!)) out.push({ code, severity: method, at: at(n) });
        else if (helper === 'fail' || helper === 'bad' || helper === 'report')
          for (const code of codeLiterals(n.arguments[0]!)) out.push({ code, at: at(n) });
      }
      if (ts.isVariableDeclaration(n) && n.name.getText(sf) === 'code' && n.initializer)
        for (const code of codeLiterals(n.initializer)) out.push({ code, at: at(n) });
      if (ts.isObjectLiteralExpression(n)) {
        const props = new Map(
          n.properties
            .filter(ts.isPropertyAssignment)
            .map((p) => [p.name.getText(sf), p.initializer] as const),
        );
        const code = props.get('code');
        const severity = props.get('severity');
        if (code && severity) {
          const sev = ts.isStringLiteral(severity) ? severity.text : undefined;
          for (const c of codeLiterals(code)) out.push({ code: c, severity: sev, at: at(n) });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const severities = (d: DiagnosticDeclaration): readonly string[] =>
  typeof d.severity === 'string' ? [d.severity] : d.severity;

describe('diagnostics registry', () => {
  const declared = Object.entries(DIAGNOSTIC_CODES) as [string, DiagnosticDeclaration][];
  const found = emissions();

  it('declares each code once, with a severity and a message template', () => {
    expect(declared.length).toBeGreaterThan(250);
    for (const [code, d] of declared) {
      expect(code).toMatch(CODE);
      expect(severities(d).length, code).toBeGreaterThan(0);
      expect(d.message.length, code).toBeGreaterThan(0);
    }
  });

  it('every spec reference resolves to a section of the spec index (or names a listed external document)', () => {
    const broken = declared.filter(
      ([, d]) => d.spec !== undefined && !resolveSpecRef(d.spec) && !isExternalSpecRef(d.spec),
    );
    expect(broken.map(([c, d]) => `${c}: ${d.spec}`)).toEqual([]);
  });

  it('finds the emitting sites in src (the scan is not vacuous)', () => {
    expect(found.length).toBeGreaterThan(300);
    expect(found.some((e) => e.code === 'IGVM_BAD_CHECKSUM' && e.severity === 'error')).toBe(true);
    // An object literal, a local helper and a runtime-chosen code are seen too.
    expect(found.some((e) => e.code === 'UNKNOWN_FILE_KIND')).toBe(true);
    expect(found.some((e) => e.code === 'TDX_QUOTE_TOO_BIG')).toBe(true);
    expect(found.some((e) => e.code === 'IGVM_GPA_TWICE')).toBe(true);
  });

  it('every code emitted anywhere in src is declared, at a severity it is declared with', () => {
    const undeclared = found.filter((e) => diagnosticDeclaration(e.code) === undefined);
    expect(undeclared.map((e) => `${e.code} (${e.at})`)).toEqual([]);
    const wrongSeverity = found.filter(
      (e) => e.severity !== undefined && !severities(diagnosticDeclaration(e.code)!).includes(e.severity),
    );
    expect(wrongSeverity.map((e) => `${e.code} as ${e.severity} (${e.at})`)).toEqual([]);
  });

  it('every declared code is emitted somewhere (no dead entries)', () => {
    const emitted = new Set(found.map((e) => e.code));
    // The firmware metadata blocks build their codes from a prefix (firmware/metadata-header.ts).
    const prefixed = /^FW_(IGVM|SEV|TDX)_METADATA_(OUT_OF_FILE|BAD_SIGNATURE|VERSION|BAD_LENGTH|TRUNCATED)$/;
    const dead = declared.map(([c]) => c).filter((c) => !emitted.has(c) && !prefixed.test(c));
    expect(dead).toEqual([]);
  });
});
