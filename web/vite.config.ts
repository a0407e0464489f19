import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // The protocol's TypeScript source (its "@carechat/source" export), not its build: the app
  // bundles what it type-checks.
  resolve: { conditions: ['@carechat/source', ...defaultClientConditions] },
  // Two pages: the app, and the widget a host frames at /embed (server/src/embed/embed.http.ts).
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: { index: 'index.html', embed: 'embed.html' } },
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } } },
});
