import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readFileSync } from 'node:fs';

// The product must not need what `npm ci --omit=dev` leaves out, nor anything written for the tests.
const { devDependencies } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const productImportRules = [
  ...Object.keys(devDependencies).map((name) => ({
    regex: `^${escapeRegex(name)}(/|$)`,
    message: `${name} is a devDependency: product code cannot import it.`,
  })),
  { regex: '(^|/)test/', message: 'test support belongs to the tests, not to the product.' },
  { regex: '\\.test(\\.ts)?$', message: 'product code cannot import a test file.' },
  { regex: '^node:(test|assert)(/|$)', message: 'test-only Node modules stay in the tests.' },
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Stripping control characters from untrusted text is deliberate here.
      'no-control-regex': 'off',
    },
  },
  {
    // Only the config module reads the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read config, not process.env' }],
    },
  },
  {
    // Product code: no devDependency, no test code (tests and their support are exempt).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: productImportRules }],
    },
  },
);
