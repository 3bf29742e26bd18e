// Reading submitted forms. Every value from a form is `FormDataEntryValue | null`; these helpers turn it
// into a string (files and absent fields become "") so validation has one kind of input to look at.
export function formText(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

export function formTexts(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === "string");
}

export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;
