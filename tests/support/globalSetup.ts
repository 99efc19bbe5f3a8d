// Placeholder; replaced by the embedded-Postgres global setup (issue 3).
export default async function setup() {}
