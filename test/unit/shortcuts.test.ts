// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { isHelpShortcut, isSearchShortcut } from '../../src/web/lib/shortcuts.js';

/** A key press as the browser reports it, aimed at `target`. */
function press(init: KeyboardEventInit, target: HTMLElement = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, ...init });
  Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('the shortcuts list shortcut', () => {
  it('is ? outside a field, and Ctrl+/ anywhere', () => {
    expect(isHelpShortcut(press({ key: '?', code: 'Slash', shiftKey: true }))).toBe(true);
    expect(isHelpShortcut(press({ key: '/', code: 'Slash', ctrlKey: true }))).toBe(true);
  });

  it('is not ? typed into a field or inside a popup of its own (the emoji picker)', () => {
    const box = document.createElement('textarea');
    expect(isHelpShortcut(press({ key: '?' }, box))).toBe(false);
    const picker = document.createElement('div');
    picker.setAttribute('role', 'dialog');
    const search = document.createElement('button');
    picker.append(search);
    document.body.append(picker);
    expect(isHelpShortcut(press({ key: '?' }, search))).toBe(false);
  });

  it('leaves Ctrl+- alone on layouts whose Slash key types -, where it is zoom out', () => {
    // German layout: the key at the US slash position types "-".
    expect(isHelpShortcut(press({ key: '-', code: 'Slash', ctrlKey: true }))).toBe(false);
  });
});

describe('the search shortcut', () => {
  it('is / outside a field, and never Ctrl+F or ⌘F (the browser’s find)', () => {
    expect(isSearchShortcut(press({ key: '/', code: 'Slash' }))).toBe(true);
    expect(isSearchShortcut(press({ key: 'f', code: 'KeyF', ctrlKey: true }))).toBe(false);
    expect(isSearchShortcut(press({ key: 'f', code: 'KeyF', metaKey: true }))).toBe(false);
    expect(isSearchShortcut(press({ key: '/', code: 'Slash', ctrlKey: true }))).toBe(false);
  });

  it('is not / typed into a field', () => {
    for (const tag of ['input', 'textarea']) {
      expect(isSearchShortcut(press({ key: '/' }, document.createElement(tag)))).toBe(false);
    }
  });
});
