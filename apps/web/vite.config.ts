import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

/**
 * `npm run dev -w apps/web` serves the console on :5173 and proxies /api to the Cisisk server
 * (CISISK_API_ORIGIN, default http://localhost:3000), so the browser stays same-origin and the
 * server needs no CORS. Set VITE_API_URL only to call a server on another origin directly.
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "");
  const apiOrigin = env.CISISK_API_ORIGIN ?? "http://localhost:3000";
  return {
    plugins: [react()],
    server: {
      port: 5173,
      proxy: { "/api": { target: apiOrigin, changeOrigin: true } },
    },
    // Automatic chunking keeps the form libraries, zod and the data table out of the first load
    // (only lazy pages import them); their chunk names come from an arbitrary module inside.
    build: { target: "es2022", chunkSizeWarningLimit: 600 },
  };
});
