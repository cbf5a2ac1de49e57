import { defineConfig } from 'vite';

// One self-contained classic script (IIFE) a page includes with a <script> tag: no module loader, no chunks,
// no separate CSS file (the styles live in the widget's shadow root).
export default defineConfig({
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: 'src/index.ts',
      formats: ['iife'],
      name: 'ParleyWidget',
      fileName: () => 'widget.js',
    },
  },
});
