import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { isApiError } from "./api-client";
import { sentence } from "./format";

/**
 * Puts a failed submit's server errors on the form fields they name (validation_failed issues,
 * a conflict's `details.field`) and returns what is left for an alert in the dialog, or null.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string | null {
  if (!isApiError(error)) return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  const isField = (name: string): name is Path<T> => (fields as readonly string[]).includes(name);

  if (error.code === "validation_failed") {
    const leftovers: string[] = [];
    for (const issue of error.fieldIssues()) {
      if (isField(issue.path)) setError(issue.path, { type: "server", message: issue.message });
      else leftovers.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
    const placedAll = error.fieldIssues().length > 0 && leftovers.length === 0;
    return placedAll ? null : sentence([error.message, ...leftovers].join("; "));
  }

  const field = (error.details as { field?: unknown } | undefined)?.field;
  if (error.code === "conflict" && typeof field === "string" && isField(field)) {
    setError(field, { type: "server", message: error.message }, { shouldFocus: true });
    return null;
  }
  return sentence(error.message);
}

/** An error's message for display outside a form (notifications, page alerts). */
export function errorMessage(error: unknown): string {
  return sentence(error instanceof Error ? error.message : String(error));
}
