// Applies the saved (or the system's) theme before the first paint, so there is no flash of
// the wrong one. A classic script loaded from <head> without async or defer: it runs before
// the body renders. It lives in a file because the Content-Security-Policy allows no inline
// scripts (docs/protocol.md §12).
try {
  const stored = localStorage.getItem('parley:theme');
  const prefersLight = window.matchMedia('(prefers-color-scheme: light)').matches;
  document.documentElement.dataset.theme = stored || (prefersLight ? 'light' : 'dark');
} catch {}
