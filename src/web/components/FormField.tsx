import { type InputHTMLAttributes, useId } from 'react';

/**
 * A labelled input with its rule shown before anything is submitted, and its error — a value
 * the client or the server refused — directly under it, inside the form, tied to the input by
 * aria-describedby and marked aria-invalid, so screen readers read the error with the field.
 */
export function FormField({
  label,
  help,
  error,
  ...input
}: {
  label: string;
  /** The rule, e.g. allowed characters and length (from shared/names.ts). */
  help?: string;
  error: string | null;
} & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const describedBy = [error ? errorId : null, help ? helpId : null].filter(Boolean).join(' ');
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
      {help && (
        <p className="hint field-help" id={helpId}>
          {help}
        </p>
      )}
    </>
  );
}

/** The server's and the shared rules' messages start in lower case; a field's error is a sentence. */
export function asSentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
