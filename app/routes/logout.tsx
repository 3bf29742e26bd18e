import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isSameOriginRequest } from "~/auth/request.server";
import { endSession } from "~/auth/session.server";
import { forbidden } from "~/http.server";

// Signing out is a POST (a link could be triggered by another site's <img>); GET just goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  if (!isSameOriginRequest(request)) forbidden();
  return endSession(request, "/");
}
