'use strict';
// Preloaded into a spawned server by resource tests (NODE_OPTIONS="--expose-gc --require <this file>").
// SIGWINCH (ignored by default, and not one of the signals Nest's shutdown hooks stop on) runs a
// full garbage collection and prints a marker, so the heap figures read from /metrics afterwards
// are live objects, not garbage waiting for a collection.
let collections = 0;
process.on('SIGWINCH', () => {
  global.gc();
  collections += 1;
  process.stdout.write(`llmhub-test-gc ${collections}\n`);
});
