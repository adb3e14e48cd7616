import { focusComposer } from '../lib/focus.js';

/**
 * The page's first tab stop, shown only while it has the focus: straight to the message box,
 * past the sidebar's rooms and buttons. A click handler, not a #fragment, which would change
 * the URL the app routes by.
 */
export function SkipLink() {
  return (
    // A link, as skip links are by convention (WCAG G1): screen readers list it with the links.
    // biome-ignore lint/a11y/useValidAnchor: the click moves the focus; the fragment would be routed
    <a
      className="skip-link"
      href="#composer"
      onClick={(e) => {
        e.preventDefault();
        focusComposer();
      }}
    >
      Skip to composer
    </a>
  );
}
