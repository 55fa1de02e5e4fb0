/**
 * The V8 heap settings the API runs with: `npm start`, the Docker image's command and the
 * benchmark's servers (bench/app-process.ts) pass them to node; node-flags.spec.ts checks that
 * package.json and the Dockerfile do.
 *
 * Node.js 24's V8 gives the young generation 64 MB semi-spaces on a machine with this much memory,
 * and lets the old generation grow far past the live data before a full collection: under the
 * benchmark's load the API's resident memory reached 511–521 MB there, against 162–261 MB on
 * Node.js 20 (README, "Node.js 24: speed and memory"). A 16 MB semi-space (what Node.js 20 takes on
 * such a machine) and an old generation of at most 1 GB (the live data is about 100 MB; exports
 * stream) keep it at Node.js 20's level.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=1024'];
