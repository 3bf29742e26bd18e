import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson } from "~/api/api.server";
import { openApiDocument } from "~/api/openapi.server";
import { publicOrigin } from "~/auth/request.server";

// GET /api/openapi.json: public, so API clients can be generated without a token.
export async function loader({ request }: LoaderFunctionArgs) {
  return apiJson(openApiDocument(publicOrigin(request)), 200, { "Cache-Control": "public, max-age=300" });
}
