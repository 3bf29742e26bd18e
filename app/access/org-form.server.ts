// The opening of every form action on an organisation's pages: the signed-in user, the organisation checked
// for the mode the action needs, the database, and the submitted form with its `intent` (which of the
// page's forms was sent).
import type { ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "../db/db.server";
import { formText } from "../forms";
import { requireOrgAccess, requireUser, type OrgMode } from "./access.server";

export async function orgFormAction({ request, params }: ActionFunctionArgs, mode: OrgMode) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, mode);
  const db = await getDb();
  const form = await request.formData();
  return { user, org, db, form, intent: formText(form, "intent") };
}
