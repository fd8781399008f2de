// Only the browser-compatibility rule: the site's code is checked against the browsers it promises
// (web-admin/.browserslistrc). Formatting and other lint rules are the project's formatter's job.
import tsParser from '@typescript-eslint/parser';
import compat from 'eslint-plugin-compat';

export default [
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { compat },
    rules: { 'compat/compat': 'error' },
    // Nothing is polyfilled: a newer API is used only behind a feature check of its own.
    settings: { polyfills: [] },
  },
];
