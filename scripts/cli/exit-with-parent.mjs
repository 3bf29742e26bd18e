// Preloaded (`node --import`) into the processes `zhiping demo` starts: when the demo process goes away —
// SIGTERM, SIGKILL, a crash — its children stop too instead of running on as orphans. With an IPC channel
// to the parent (the demo opens one) the child hears of it at once ('disconnect'); without one it notices
// that its parent process changed (it was re-parented), checked once a second. Either way it sends itself
// SIGTERM, so it stops the way it always does (the web server and the ingest stop gracefully), and exits
// for sure a little later.
import cluster from "node:cluster";

const GRACE_MS = 10_000;

function parentGone() {
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.exit(1), GRACE_MS).unref();
}

// A cluster worker has its own rule: Node ends it when its primary's channel closes.
if (!cluster.isWorker) {
  if (process.channel) {
    // The channel must not keep the child alive by itself.
    process.channel.unref();
    process.once("disconnect", parentGone);
  } else {
    const parent = process.ppid;
    const timer = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(timer);
        parentGone();
      }
    }, 1_000);
    timer.unref();
  }
}
