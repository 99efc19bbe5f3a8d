import next from 'eslint-config-next/core-web-vitals';
import ts from 'eslint-config-next/typescript';

const config = [
  ...next,
  ...ts,
  // Build folders of the app (.next), the test server (.next-test) and the benchmark (.next-bench) are generated.
  { ignores: ['.next/**', '.next-test/**', '.next-bench/**', '.data/**', 'node_modules/**', 'next-env.d.ts', 'public/**'] },
];
export default config;
