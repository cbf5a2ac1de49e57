import { defineConfig } from 'vite';

// Plain Vite: its built-in oxc transform compiles TSX with React's automatic JSX runtime, so no React plugin
// is needed (no fast refresh in `vite dev`; a full reload is fine for this demo).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  server: { port: 5173, host: true },
  preview: { port: 3000 },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
