import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { basisLabel, stateLabel } from '../labels';

export type { Catalogue } from '../catalogue';

/** A view's heading: the document title follows it, and the focus moves to it when the view opens. */
export function ViewHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Fristvagt`;
    // A screen reader starts reading the new view from its heading, as after a page load.
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1} class="view-title">
      {children ?? title}
    </h1>
  );
}

/** A state as a badge: a symbol and a word, the colour only repeating them. */
export function StateBadge({ state }: { state: string }) {
  const { text, icon } = stateLabel(state);
  return (
    <span class={`badge badge--${state}`}>
      <span aria-hidden="true" class="badge__icon">
        {icon}
      </span>{' '}
      {text}
    </span>
  );
}

export function Basis({ basis, citation }: { basis: string; citation: string }) {
  return (
    <span class="basis">
      <span class="basis__kind">{basisLabel(basis)}:</span> <cite>{citation}</cite>
    </span>
  );
}

export function ErrorMessage({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p class="message message--error" role="alert">
      <span aria-hidden="true">⚠ </span>
      {message}
    </p>
  );
}
