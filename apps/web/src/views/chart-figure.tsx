import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Chart, type ChartConfiguration } from '../charts';

/**
 * A chart with its accessible name and the same figures as a table: the canvas is announced as one image
 * (its name says what it shows), and the table under "Vis tallene" gives every value to a screen reader, a
 * keyboard user or anyone who prefers numbers.
 */
export function ChartFigure({
  id,
  title,
  summary,
  config,
  table,
  testId,
}: {
  id: string;
  title: string;
  /** One or two sentences: what the chart shows and its main finding. */
  summary: string;
  config: ChartConfiguration;
  table: ComponentChildren;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current === null) return undefined;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <figure class="chart" aria-labelledby={`${id}-title`} data-testid={testId}>
      <figcaption id={`${id}-title`} class="chart__title">
        {title}
      </figcaption>
      <p class="chart__summary" id={`${id}-summary`}>
        {summary}
      </p>
      <div class="chart__canvas">
        <canvas ref={canvas} id={id} role="img" aria-label={title} aria-describedby={`${id}-summary`}>
          {summary}
        </canvas>
      </div>
      <details class="chart__data">
        <summary>Vis tallene som tabel</summary>
        {table}
      </details>
    </figure>
  );
}
