// @ts-check
import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

/** Platform SDKs live in their transport and nowhere else (docs/architecture.md#boundaries). */
const platformSdks = {
  paths: [
    { name: "grammy", message: "grammY belongs to src/transports/telegram: the rest of the bot speaks in engine events." },
    { name: "@whiskeysockets/baileys", message: "Baileys belongs to src/transports/whatsapp: the rest of the bot speaks in engine events." },
  ],
  patterns: [
    { group: ["grammy/*", "@grammyjs/*"], message: "grammY belongs to src/transports/telegram." },
    { group: ["@whiskeysockets/baileys/*"], message: "Baileys belongs to src/transports/whatsapp." },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "dist-bench/", "data/", "coverage/", "bench/results.json"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/transports/**"],
    rules: { "no-restricted-imports": ["error", platformSdks] },
  },
  {
    // The domain uses repositories and the group committer through their types; it opens no
    // database, prepares no SQL and speaks to no network itself (docs/architecture.md#boundaries).
    files: ["src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: platformSdks.paths,
          patterns: [
            ...platformSdks.patterns,
            {
              group: ["**/db/*", "!**/db/*-repo.ts", "!**/db/repos.ts", "!**/db/group-commit.ts"],
              message: "The domain reaches the database through repositories and the group committer only.",
            },
            {
              group: ["**/db/*-repo.ts", "**/db/repos.ts", "**/db/group-commit.ts"],
              allowTypeImports: true,
              message: "Import repository and committer types only: instances are passed in.",
            },
            {
              group: ["better-sqlite3", "undici", "node:http", "node:https"],
              message: "The domain does no I/O of its own: that is the db, providers and transports.",
            },
            { group: ["**/transports/*", "**/transports/**"], message: "The domain knows no transport." },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
