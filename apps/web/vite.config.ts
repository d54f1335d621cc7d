import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app is served by the Charter server itself at `/`; in development `npm run dev -w @charter/web`
// proxies the API to a server on :8080.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/v1': 'http://127.0.0.1:8080' } },
});
