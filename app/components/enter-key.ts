// Enter in a field submits a form with several fields only from its last field: a person who
// presses Enter to confirm a date, or out of habit after typing a value, stays on the form
// (issue 16: Enter in 出生日期 saved the whole profile and left for 个人中心). Enter in a text
// area still starts a new line; on a button it still presses that button. A search form
// (role="search": keyword box and filters) still searches on Enter from any field: it changes
// nothing. Set once on the page's <main> (app-shell.tsx), so every form, dialogs included, follows it.
import type { KeyboardEvent } from "react";

/** Input types that are not fields a person types into (Enter on them does not submit anyway). */
const NOT_A_FIELD = new Set(["button", "submit", "reset", "image", "hidden"]);

/** The form's fields a person can reach: enabled, shown, in document order. */
function fieldsOf(form: HTMLFormElement) {
  return Array.from(form.elements).filter(
    (el) =>
      ((el instanceof HTMLInputElement && !NOT_A_FIELD.has(el.type)) || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)
      && !el.disabled && el.getClientRects().length > 0,
  );
}

/** onKeyDown of a form (or an element around it): holds back Enter's implicit submission unless
 * the field is the form's only or last one. What a widget does with Enter (confirm a date, pick
 * an option) still happens: its own handler runs first. */
export function holdEnterBeforeLastField(e: KeyboardEvent<HTMLElement>) {
  if (e.key !== "Enter" || e.nativeEvent.isComposing) return;
  const field = e.target;
  if (!(field instanceof HTMLInputElement) || NOT_A_FIELD.has(field.type) || !field.form) return;
  if (field.form.getAttribute("role") === "search") return;
  const fields = fieldsOf(field.form);
  if (fields.length > 1 && fields[fields.length - 1] !== field) e.preventDefault();
}
