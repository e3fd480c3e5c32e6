// The worker thread of shared/wal-checkpointer.ts: plain JavaScript, so it starts without a compiler.
// It keeps one connection per SQLite file it is given and checkpoints each on a timer.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require('better-sqlite3');

const connections = new Map();
const counted = new Map();

function checkpoint(file, db) {
  try {
    // PASSIVE copies what no reader still needs and never waits for readers or writers.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (!result || result.checkpointed < 0) return;
    // `checkpointed` counts the frames of the current log copied so far; a log started anew (once
    // fully copied, the next commit rewinds it) counts from zero again.
    const before = counted.get(file) || 0;
    const frames = result.checkpointed >= before ? result.checkpointed - before : result.checkpointed;
    counted.set(file, result.checkpointed);
    if (frames > 0) parentPort.postMessage({ type: 'checkpointed', file, frames });
  } catch (error) {
    parentPort.postMessage({ type: 'error', file, message: String(error && error.message ? error.message : error) });
  }
}

const timer = setInterval(() => {
  for (const [file, db] of connections) checkpoint(file, db);
}, workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message.type === 'add') {
    try {
      if (!connections.has(message.file)) connections.set(message.file, new Sqlite(message.file, { fileMustExist: true }));
      parentPort.postMessage({ type: 'added', id: message.id });
    } catch (error) {
      parentPort.postMessage({ type: 'added', id: message.id, error: String(error && error.message ? error.message : error) });
    }
  } else if (message.type === 'remove') {
    const db = connections.get(message.file);
    connections.delete(message.file);
    counted.delete(message.file);
    try {
      if (db) db.close();
    } finally {
      parentPort.postMessage({ type: 'removed', id: message.id });
    }
  } else if (message.type === 'stop') {
    clearInterval(timer);
    for (const db of connections.values()) db.close();
    connections.clear();
    parentPort.close();
  }
});
