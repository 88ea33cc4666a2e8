/**
 * One polite live region for the whole page (in index.html, outside the rendered tree, so it exists before
 * anything is announced): screen readers hear what changed without the focus moving.
 */
let pending: ReturnType<typeof setTimeout> | undefined;

export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (region === null) return;
  clearTimeout(pending);
  // Emptied first so the same sentence twice in a row is announced twice.
  region.textContent = '';
  pending = setTimeout(() => {
    region.textContent = message;
  }, 50);
}
