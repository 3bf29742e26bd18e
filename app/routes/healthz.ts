// Liveness for load balancers and the benchmark's baseline: no session, no database.
export async function loader() {
  return new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}
