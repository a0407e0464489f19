import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository carries its own copy of the wire contract (protocol/spec/protocol.md), for
 * whoever clones it without the team's shared folder: it must say all the shared one says, in
 * the same order, and may add to it (clarifications, extensions). Checked line by line.
 */
const SHARED = fileURLToPath(new URL('../../../../shared/spec/protocol.md', import.meta.url));
const COPY = fileURLToPath(new URL('../../../protocol/spec/protocol.md', import.meta.url));

/** The lines of `shared` that `copy` lacks, taking both in order (`copy` may hold more between them). */
export function linesMissing(shared: string, copy: string): string[] {
  const have = copy.split('\n').map((l) => l.trimEnd());
  const missing: string[] = [];
  let at = 0;
  for (const line of shared.split('\n').map((l) => l.trimEnd())) {
    const found = have.indexOf(line, at);
    if (found === -1) missing.push(line);
    else at = found + 1;
  }
  return missing;
}

describe("the repository's copy of the protocol", () => {
  it('finds a line the copy lacks, or has out of order', () => {
    expect(linesMissing('a\nb\nc', 'a\nx\nb\nc\ny')).toEqual([]);
    expect(linesMissing('a\nb\nc', 'a\nc')).toEqual(['b']);
    expect(linesMissing('a\nb', 'b\na')).toEqual(['b']);
  });

  // Beside the team's shared folder (every developer's machine and CI): the copy says it all.
  it.runIf(existsSync(SHARED))('holds every line of the shared one, in order', () => {
    expect(linesMissing(readFileSync(SHARED, 'utf8'), readFileSync(COPY, 'utf8'))).toEqual([]);
  });
});
