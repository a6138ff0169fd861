// ESLint: TypeScript's recommended rules with type information, import cycles and the layering of server/
// (README, Architecture); formatting is Prettier's alone (eslint-config-prettier turns the overlapping rules off).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "server/platform/database/generated/",
      "miniprogram/vendor/",
      "console/dist/",
      "dist/",
      "data/",
      "coverage/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "import-x": importX },
    // Imports name their files with the extension, so Node's own resolution finds them.
    settings: {
      "import-x/resolver-next": [createNodeResolver()],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js"],
    },
    rules: {
      // Cycles among the project's own files; packages are not followed.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      // Fastify's plugins and route handlers are async by contract, awaiting or not.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // The layers of server/ (README, Architecture): the shared core stands alone; the HTTP edge and the
    // platform's adapters serve every feature and know none of them.
    files: ["server/**/*.ts"],
    rules: {
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./server/core",
              from: [
                "./server/features",
                "./server/http",
                "./server/platform",
                "./server/cli",
                "./server/demo",
                "./server/app.ts",
                "./server/app-services.ts",
                "./server/service-deps.ts",
                "./server/scheduled-jobs.ts",
                "./server/config.ts",
              ],
              message: "server/core is the shared vocabulary and rules: it imports nothing from features, HTTP or adapters.",
            },
            {
              target: ["./server/http", "./server/platform"],
              from: ["./server/features", "./server/cli", "./server/demo"],
              message: "The HTTP edge and the platform's adapters serve every feature and import none.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read answers as JSON (typed any by light-my-request and fetch) and assert on their fields.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // `response.json() as Answer` names what a test expects to read.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
    },
  },
  {
    // A page's `this.data` is typed loosely by miniprogram-api-typings; the pages' assertions are what tsc needs there.
    files: ["miniprogram/**/*.ts"],
    rules: { "@typescript-eslint/no-unnecessary-type-assertion": "off" },
  },
  {
    // Plain JavaScript outside any TypeScript project: this file, and the simulator page's script (run by the browser).
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ["server/features/bot/simulator/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        confirm: "readonly",
        createImageBitmap: "readonly",
        window: "readonly",
        document: "readonly",
        location: "readonly",
        localStorage: "readonly",
        WebSocket: "readonly",
        FileReader: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        console: "readonly",
        URL: "readonly",
        navigator: "readonly",
        fetch: "readonly",
        crypto: "readonly",
        Date: "readonly",
        JSON: "readonly",
      },
    },
  },
  prettier,
);
