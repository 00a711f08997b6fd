// ESLint flat config: typescript-eslint's type-aware recommended rules on all TypeScript sources.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // the HubSpot card is its own package, type-checked with its own dependencies (.ci/run)
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "apps/**/dist/**", "**/*.d.ts", "apps/hubspot-card/src/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "scripts/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["scripts/**/*.mjs", "apps/server/*.mjs", "*.js"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["apps/dashboard/public/**/*.js"],
    languageOptions: { globals: globals.browser },
  },
);
