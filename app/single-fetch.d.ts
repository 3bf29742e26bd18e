// Single fetch is on (remix.config.js): this tells the type helpers (useLoaderData<typeof loader>,
// useActionData) that loaders and actions return `data()` / plain values, not JSON-serialised Responses.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
