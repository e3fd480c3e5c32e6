// The worker thread of shared/wal-checkpointer.ts: plain JavaScript, so it starts without a compiler.
// It keeps one connection per SQLite file it is given and checkpoints each on a timer.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require('better-sqlite3');

const connections = new Map();

function checkpoint(file, db) {
  try {
    // PASSIVE copies what no reader still needs and never waits for readers or writers.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && result.checkpointed > 0) parentPort.postMessage({ type: 'checkpointed', file, frames: result.checkpointed });
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
