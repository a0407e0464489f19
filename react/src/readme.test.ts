import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** Every ```tsx block of the README, the quick start first. */
const blocks = [...readme.matchAll(/```tsx\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
const quickStart = /## Quick start\n+```tsx\n([\s\S]*?)\n```/.exec(readme)?.[1];

// The names the snippets take from the host's page, as a host would have them.
const HOST_NAMES = `
declare const hostJwt: string;
declare const client: import('@carechat/client').CareChatClient;
declare const conversationId: string;
declare const sidebar: HTMLElement;
declare const visitPane: HTMLElement;
`;

/**
 * Type errors in each block, checked as files of the kit's own source (its tsconfig, the
 * `@carechat/react` import resolving to src/index.ts), not written anywhere: in memory only.
 * A block that is JSX alone (no import) is checked as the body of a component in a module
 * importing what it names from the kit.
 */
function typeErrors(sources: string[]): string[] {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(
    `${dir}../tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('react/tsconfig.json could not be read');
  const virtual = new Map<string, string>([[`${dir}readme-host.d.ts`, HOST_NAMES]]);
  sources.forEach((source, i) => {
    const text = /^import /m.test(source)
      ? source
      : `import { ${[...new Set(source.match(/(?<=<)[A-Z]\w+/g) ?? [])].join(', ')} } from '@carechat/react';\n` +
        `export const Snippet = () => (${source});\n`;
    virtual.set(`${dir}readme-block-${i}.tsx`, `${text}\nexport {};\n`);
  });
  const host = ts.createCompilerHost(config.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = virtual.get(f);
    return text === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, text, language);
  };
  const program = ts.createProgram([...virtual.keys()], { ...config.options, noEmit: true }, host);
  return [...virtual.keys()]
    .filter((f) => f.endsWith('.tsx'))
    .flatMap((f) => {
      const file = program.getSourceFile(f)!;
      return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    })
    .map((d) => `${d.file?.fileName.slice(dir.length)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the README', () => {
  it('has a quick start under 15 lines', () => {
    expect(quickStart, 'react/README.md has no ```tsx block under "## Quick start"').toBeDefined();
    expect(quickStart!.split('\n').length).toBeLessThan(15);
  });

  it('names only what the kit exports, and its snippets typecheck against the kit’s source', async () => {
    const [kit, react] = await Promise.all([import('./index.js'), import('react')]);
    const imported = blocks.flatMap((b) =>
      [...b.matchAll(/import \{([^}]*)\} from '@carechat\/react'/g)].flatMap((m) => m[1]!.split(',')),
    );
    // The components and hooks the README lists (React's own, which it names too, aside).
    const section = /## One component at a time\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const listed = [...section.matchAll(/`(use[A-Z]\w*|[A-Z]\w+)(?:\(\))?`/g)].map((m) => m[1]!);
    const names = [...new Set([...imported.map((n) => n.trim()), ...listed])].filter((n) => n && !(n in react));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !(n in kit))).toEqual([]);
    expect(typeErrors(blocks)).toEqual([]);
  }, 60_000);
});
