// What the primary says to its workers over the cluster channel.
export const SHUTDOWN_MESSAGE = "zhiping:shutdown";
