import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "fixtures/", "coverage/", "action/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The engine, its renderers and the GitHub source also run in a browser (src/web): no Node modules there.
    files: [
      "src/engine/**",
      "src/render/**",
      "src/config/**",
      "src/web/**",
      "src/sources/github.ts",
      "src/sources/github-blobs.ts",
      "src/sources/github-repository.ts",
      "src/sources/repository-name.ts",
      "src/sources/git-cache.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "this code also runs in a browser; Node belongs at the edges" },
          ],
        },
      ],
    },
  },
);
