// Error responses thrown from loaders and actions. Bodies are fixed words: an error page must never echo
// anything about the object that was asked for.
export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

export function forbidden(): never {
  throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

export function badRequest(reason = "Bad Request"): never {
  throw new Response(reason, { status: 400, statusText: "Bad Request" });
}

export function methodNotAllowed(): never {
  throw new Response("Method Not Allowed", { status: 405, statusText: "Method Not Allowed" });
}
