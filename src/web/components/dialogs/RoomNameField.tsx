import { NAME_RULES } from '../../../shared/names.js';
import { FormField } from '../FormField.js';

/** A room name field with the shared rule under it; typing clears the error shown for it. */
export function RoomNameField({
  label,
  value,
  error,
  onChange,
}: {
  label: string;
  value: string;
  error: string | null;
  onChange(value: string): void;
}) {
  return (
    <FormField
      label={label}
      help={NAME_RULES.roomName}
      error={error}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
