// Lint rules for every workspace: typescript-eslint's strict set, React hooks' rules for the web app,
// and one line-length limit. Formatting itself is Prettier's (eslint-config-prettier turns off the
// rules that would fight it).
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'web/dist/**', 'bench/results/**', '**/*.d.ts'] },
  js.configs.recommended,
  tseslint.configs.strict,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 120, tabWidth: 2 }],
      // `const { ord, ...rest } = row` is how a key is left out of a copy; the key is unused by design.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['web/src/**/*.tsx', 'web/src/**/*.ts', 'react/src/**/*.tsx', 'react/src/**/*.ts'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    // The rule: the web app reaches the server only through @carechat/client (web/src/api/http.ts
    // is the client's transport), never with fetch or socket.io of its own.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['web/src/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'web/ calls the server through @carechat/client (or api/http.ts), not fetch.' },
        { name: 'XMLHttpRequest', message: 'web/ calls the server through @carechat/client, not XMLHttpRequest.' },
      ],
      'no-restricted-properties': [
        'error',
        ...['window', 'globalThis', 'self'].map((object) => ({
          object,
          property: 'fetch',
          message: 'web/ calls the server through @carechat/client (or api/http.ts), not fetch.',
        })),
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'socket.io-client', message: 'web/ talks live through @carechat/client, not its own socket.' },
          ],
          patterns: [{ group: ['socket.io-client/*'], message: 'web/ talks live through @carechat/client.' }],
        },
      ],
    },
  },
  {
    // In tests a `!` throws where the assertion would fail anyway, and HTTP answers' bodies are untyped.
    files: ['**/*.test.ts', 'server/src/test/**', 'web/e2e/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
