// The revoke button in a row of credentials or grants: posts intent "revoke" with the row's id under the
// name the page's action reads.
import { Form } from "@remix-run/react";

export function RevokeForm({ idName, id, label }: { idName: string; id: string; label: string }) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="revoke" />
      <input type="hidden" name={idName} value={id} />
      <button type="submit" className="danger">{label}</button>
    </Form>
  );
}
