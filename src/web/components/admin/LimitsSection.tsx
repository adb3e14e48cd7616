import { type FormEvent, useId, useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { RateSetting, ServerSettings } from '../../../shared/schemas.js';
import { AuthError } from '../../api/auth.js';
import { asSentence } from '../FormField.js';

type RateKey = 'messageRate' | 'uploadRate' | 'roomCreationRate' | 'signupRate';

const RATES: [RateKey, string, string][] = [
  ['messageRate', 'Messages', 'per person'],
  ['uploadRate', 'Uploads', 'per person'],
  ['roomCreationRate', 'New rooms', 'channels, groups and code rooms, per person'],
  ['signupRate', 'Sign-ups', 'new accounts and guest names, per address'],
];

/** The bounds of shared/schemas.ts's rateSettingSchema, checked here for an error at the field. */
const COUNT_MAX = 10_000;
const SECONDS_MAX = 86_400;
const MB = 1024 * 1024;

type Draft = Record<RateKey, { count: string; perSeconds: string }> & { uploadMb: string };

const draftOf = (settings: ServerSettings): Draft => ({
  ...(Object.fromEntries(
    RATES.map(([key]) => [
      key,
      { count: String(settings[key].count), perSeconds: String(settings[key].perSeconds) },
    ]),
  ) as Record<RateKey, { count: string; perSeconds: string }>),
  uploadMb: megabytesOf(settings.uploadMaxBytes),
});

/** Enough decimals that a small limit is not shown as 0 (4 KB: 0.0039). */
const megabytesOf = (bytes: number) => String(Number((bytes / MB).toPrecision(4)));

const wholeIn = (text: string, max: number) => {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= max ? value : null;
};

/**
 * The limits an admin sets (docs/administration.md, Limits): four rates as "count per
 * seconds" and the largest upload, under the operator's ceiling. One form, saved together;
 * each refusal is shown at its field.
 */
export function LimitsSection({
  settings,
  uploadCeilingBytes,
  onSave,
}: {
  settings: ServerSettings;
  uploadCeilingBytes: number;
  /** Saves the changed limits; throws the server's refusal. */
  onSave(change: Partial<ServerSettings>): Promise<void>;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [errors, setErrors] = useState<Partial<Record<RateKey | 'uploadMaxBytes', string>>>({});
  const [status, setStatus] = useState('');
  const uploadId = useId();
  const titleId = useId();

  async function save(e: FormEvent) {
    e.preventDefault();
    const found: typeof errors = {};
    const change: Partial<ServerSettings> = {};
    for (const [key] of RATES) {
      const count = wholeIn(draft[key].count, COUNT_MAX);
      const perSeconds = wholeIn(draft[key].perSeconds, SECONDS_MAX);
      if (count === null || perSeconds === null) {
        found[key] =
          `A whole number from 1 to ${COUNT_MAX.toLocaleString()}, per 1 to ${SECONDS_MAX.toLocaleString()} seconds.`;
        continue;
      }
      if (count !== settings[key].count || perSeconds !== settings[key].perSeconds)
        change[key] = { count, perSeconds } satisfies RateSetting;
    }
    // Only a size the admin retyped is sent: the shown MB are rounded, and sending them back
    // would move a limit nobody touched (or refuse one just over a ceiling like 10,000,000).
    if (draft.uploadMb.trim() !== megabytesOf(settings.uploadMaxBytes)) {
      let bytes = Math.round(Number(draft.uploadMb) * MB);
      // The ceiling as shown, rounded, means the ceiling.
      if (draft.uploadMb.trim() === megabytesOf(uploadCeilingBytes)) bytes = uploadCeilingBytes;
      if (!Number.isFinite(bytes) || bytes < 1024 || bytes > uploadCeilingBytes) {
        found.uploadMaxBytes = `From 1 KB up to ${formatBytes(uploadCeilingBytes)}, this server’s ceiling.`;
      } else if (bytes !== settings.uploadMaxBytes) {
        change.uploadMaxBytes = bytes;
      }
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return setStatus('');
    if (Object.keys(change).length === 0) return setStatus('Nothing to save: the limits are as shown.');
    try {
      await onSave(change);
      setStatus('Limits saved. They count now, on every node.');
    } catch (error) {
      setStatus('');
      const message = asSentence(error instanceof AuthError ? error.message : 'could not reach the server');
      const field =
        error instanceof AuthError ? (error.field as RateKey | 'uploadMaxBytes' | undefined) : undefined;
      setErrors(field ? { [field]: message } : { uploadMaxBytes: message });
    }
  }

  const setRate = (key: RateKey, part: 'count' | 'perSeconds', value: string) =>
    setDraft((d) => ({ ...d, [key]: { ...d[key], [part]: value } }));

  return (
    <form className="settings-group limits" onSubmit={save} noValidate aria-labelledby={titleId}>
      <h3 id={titleId} className="limits-title">
        Limits
      </h3>
      <p className="hint">Up to the first number at once, then as many again spread over the seconds.</p>
      {RATES.map(([key, label, help]) => {
        const errorId = `${titleId}-${key}-error`;
        const invalid = errors[key] ? true : undefined;
        return (
          <div key={key} className="limit-row">
            <span className="limit-label">
              {label}
              <span className="hint">{help}</span>
            </span>
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={COUNT_MAX}
              aria-label={`${label}: how many`}
              aria-invalid={invalid}
              aria-describedby={invalid && errorId}
              value={draft[key].count}
              onChange={(e) => setRate(key, 'count', e.target.value)}
            />
            <span aria-hidden="true">per</span>
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={SECONDS_MAX}
              aria-label={`${label}: per how many seconds`}
              aria-invalid={invalid}
              aria-describedby={invalid && errorId}
              value={draft[key].perSeconds}
              onChange={(e) => setRate(key, 'perSeconds', e.target.value)}
            />
            <span aria-hidden="true">s</span>
            {errors[key] && (
              <p className="field-error limit-error" id={errorId} role="alert">
                {errors[key]}
              </p>
            )}
          </div>
        );
      })}
      <div className="limit-upload">
        <label htmlFor={uploadId}>Largest upload (MB)</label>
        <input
          id={uploadId}
          type="number"
          inputMode="decimal"
          min={0.01}
          step="any"
          aria-invalid={errors.uploadMaxBytes ? true : undefined}
          aria-describedby={`${uploadId}-help${errors.uploadMaxBytes ? ` ${uploadId}-error` : ''}`}
          value={draft.uploadMb}
          onChange={(e) => setDraft((d) => ({ ...d, uploadMb: e.target.value }))}
        />
        {errors.uploadMaxBytes && (
          <p className="field-error" id={`${uploadId}-error`} role="alert">
            {errors.uploadMaxBytes}
          </p>
        )}
        <p className="hint" id={`${uploadId}-help`}>
          At most {formatBytes(uploadCeilingBytes)}: the operator’s UPLOAD_MAX_BYTES.
        </p>
      </div>
      <button type="submit">Save limits</button>
      <p className="hint" role="status">
        {status}
      </p>
    </form>
  );
}
