import { readdirSync } from "node:fs";
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * Console features never import each other: what two features share lives in `src/ui/` or `src/lib/`,
 * and `src/app/` composes features (e.g. the profiles page gets the deployments feature's dialog).
 * One rule per feature folder, forbidding a relative path that climbs into any other feature.
 */
const webFeatures = readdirSync(new URL("./apps/web/src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const featureBoundaries = webFeatures.map((feature) => ({
  files: [`apps/web/src/features/${feature}/**/*.{ts,tsx}`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(features/)?(${webFeatures.filter((f) => f !== feature).join("|")})(/|$)`,
            message:
              "Features never import each other: move what both need to src/ui/ or src/lib/, or compose them in src/app/.",
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node scripts (plain ESM): Node's globals.
    files: ["scripts/**/*.mjs", "**/*.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", require: "readonly", URL: "readonly" } },
  },
  { files: ["apps/web/**/*.{ts,tsx}"], ...reactHooks.configs.flat.recommended },
  ...featureBoundaries,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
