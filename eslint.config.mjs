import next from 'eslint-config-next/core-web-vitals';
import ts from 'eslint-config-next/typescript';

const config = [
  ...next,
  ...ts,
  // Build folders of the app (.next), the test server (.next-test) and the benchmark (.next-bench) are generated.
  // A leading underscore marks a parameter an implementation must accept but does not use (an interface's).
  { rules: { '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_' }] } },
  { ignores: ['.next/**', '.next-test/**', '.next-test-supabase/**', '.next-bench/**', '.data/**', 'node_modules/**', 'next-env.d.ts', 'public/**'] },
];
export default config;
