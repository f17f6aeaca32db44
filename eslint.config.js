import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node scripts (plain ESM): Node's globals.
    files: ["scripts/**/*.mjs", "**/*.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", require: "readonly" } },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
