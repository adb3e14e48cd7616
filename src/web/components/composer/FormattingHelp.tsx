import { useId } from 'react';
import { HelpPopover } from '../HelpPopover.js';

/**
 * What the composer understands, next to it: the markdown subset lib/markdown.tsx renders
 * (nothing more — listing syntax that shows as typed would mislead) and the composer's own
 * @name and :emoji suggestions. A native popover: Escape or a click elsewhere closes it.
 */
const SYNTAX: [string, string][] = [
  ['**bold**', 'bold'],
  ['*italic* or _italic_', 'italic'],
  ['~~strike~~', 'struck through'],
  ['`code`', 'code in a line'],
  ['```', 'a block of code, on the lines before and after it'],
  ['> quote', 'a quote, at the start of a line'],
  ['https://…', 'a link (http, https and mailto)'],
  ['@name', 'mention someone in the room'],
  [':smile', 'pick an emoji by its name'],
];

export function FormattingHelp() {
  const id = useId();
  return (
    <>
      <button
        type="button"
        className="icon-button format-toggle"
        aria-label="Formatting help"
        title="Formatting help"
        popoverTarget={id}
      >
        <span aria-hidden="true">Aa</span>
      </button>
      <HelpPopover id={id} title="Formatting" className="format-help">
        <dl>
          {SYNTAX.map(([typed, result]) => (
            <div key={typed} className="shortcut">
              <dt>
                <code>{typed}</code>
              </dt>
              <dd>{result}</dd>
            </div>
          ))}
        </dl>
      </HelpPopover>
    </>
  );
}
