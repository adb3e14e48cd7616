import { describe, expect, it } from 'vitest';
import {
  classify,
  contentDisposition,
  parseRange,
  sanitiseFileName,
  servedType,
} from '../../src/server/domain/media.js';
import { searchShortcodes, shortcodeAtCaret } from '../../src/web/lib/shortcodes.js';

describe('media rules', () => {
  it('shows only allowlisted types inline and serves everything else as a neutral download', () => {
    expect(classify('image/png')).toEqual({ kind: 'image', mime: 'image/png' });
    expect(classify('video/webm')).toEqual({ kind: 'video', mime: 'video/webm' });
    expect(classify('audio/mpeg')).toEqual({ kind: 'audio', mime: 'audio/mpeg' });
    for (const mime of ['image/svg+xml', 'text/html', 'application/pdf', undefined]) {
      const { kind } = classify(mime);
      expect(kind, String(mime)).toBe('file');
      expect(servedType(kind, mime ?? 'x')).toBe('application/octet-stream');
    }
  });

  it('sanitises file names', () => {
    expect(sanitiseFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(sanitiseFileName('evil\u202Egpj.exe')).toBe('evilgpj.exe');
    expect(sanitiseFileName('a"b<c>.txt')).toBe('a_b_c_.txt');
    expect(sanitiseFileName('...hidden')).toBe('hidden');
    expect(sanitiseFileName('')).toBe('file');
    expect(sanitiseFileName(undefined)).toBe('file');
    const long = sanitiseFileName(`${'x'.repeat(300)}.jpeg`);
    expect(long.length).toBe(120);
    expect(long.endsWith('.jpeg')).toBe(true);
  });

  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('image', 'café.png')).toBe(
      `inline; filename="caf_.png"; filename*=UTF-8''caf%C3%A9.png`,
    );
    expect(contentDisposition('file', 'a"b.txt')).toBe(
      `attachment; filename="a_b.txt"; filename*=UTF-8''a%22b.txt`,
    );
  });

  it('parses byte ranges and rejects unsatisfiable ones', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    for (const bad of ['bytes=100-', 'bytes=9-0', 'bytes=-0', 'bytes=-'])
      expect(parseRange(bad, 100), bad).toBe('invalid');
    // Ranges we do not serve are ignored: the whole file, 200.
    for (const ignored of ['items=0-1', 'bytes=0-1,5-6'])
      expect(parseRange(ignored, 100), ignored).toBeNull();
  });
});

describe('emoji shortcodes', () => {
  const list = [
    { code: 'smile', emoji: '😄' },
    { code: 'smiley', emoji: '😃' },
    { code: 'tada', emoji: '🎉' },
    { code: 'sweat_smile', emoji: '😅' },
  ];
  it('finds the :partial before the caret', () => {
    expect(shortcodeAtCaret('hello :smi', 10)).toEqual({ start: 6, end: 10, query: 'smi' });
    expect(shortcodeAtCaret(':ta', 3)).toEqual({ start: 0, end: 3, query: 'ta' });
    // The caret moved back into a name: what follows it is replaced too.
    expect(shortcodeAtCaret(':smile: hi', 4)).toEqual({ start: 0, end: 7, query: 'smi' });
    expect(shortcodeAtCaret('time 10:30', 10)).toBeNull();
    expect(shortcodeAtCaret('hello :s', 8)).toBeNull();
    expect(shortcodeAtCaret('a :smile: b', 11)).toBeNull();
  });
  it('ranks prefix matches before inner matches', () => {
    expect(searchShortcodes(list, 'smi').map((s) => s.code)).toEqual(['smile', 'smiley', 'sweat_smile']);
  });
});
