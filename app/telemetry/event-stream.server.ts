// A server-sent event stream of snapshots: the first at once, then one every `everyMs`, until the client goes
// away or `maxAgeMs` has passed. Ending after a while is deliberate: the browser's EventSource reconnects by
// itself, and the reconnect goes through the access check again (a revoked grant or a signed-out session
// then stops the updates).
const encoder = new TextEncoder();

export function sseMessage(event: string, payload: unknown, id?: number): string {
  const lines = JSON.stringify(payload).split("\n").map((l) => `data: ${l}`).join("\n");
  return `${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\n${lines}\n\n`;
}

export function eventStream<T>(
  signal: AbortSignal,
  first: T,
  everyMs: number,
  next: () => Promise<T | null>,
  options: { maxAgeMs?: number; retryMs?: number } = {},
): Response {
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const started = Date.now();
  let sequence = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          /* already closed by the consumer */
        }
      };
      signal.addEventListener("abort", close, { once: true });
      // `retry` tells EventSource how long to wait before reconnecting after the end of this stream.
      controller.enqueue(encoder.encode(`retry: ${options.retryMs ?? 2000}\n${sseMessage("snapshot", first, sequence++)}`));
      const tick = async () => {
        if (closed) return;
        if (Date.now() - started >= maxAgeMs) return close();
        try {
          const value = await next();
          if (closed) return;
          if (value === null) return close();
          controller.enqueue(encoder.encode(sseMessage("snapshot", value, sequence++)));
        } catch (err) {
          if (closed) return;
          controller.enqueue(encoder.encode(sseMessage("failure", { message: (err as Error).message }, sequence++)));
        }
        timer = setTimeout(tick, everyMs);
      };
      timer = setTimeout(tick, everyMs);
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-store",
      // Proxies (nginx) must pass each event on at once.
      "X-Accel-Buffering": "no",
    },
  });
}
