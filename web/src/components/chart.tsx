import { useEffect, useRef, useState } from 'react';
import { download } from '../lib/api.js';

type ECharts = ReturnType<typeof import('./../charts/echarts.js')['echarts']['init']>;

interface Props {
  /** an ECharts option (built by the page from web/src/shape/*) */
  option: Record<string, unknown>;
  /** what the chart shows, for screen readers and as the export file name */
  title: string;
  height?: number;
  /** load the world geometry first */
  world?: boolean;
  onClick?: (params: { name?: string; data?: unknown }) => void;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Draws an SVG data URL on a canvas at twice the size: the PNG export. */
function svgToPng(svgUrl: string, width: number, height: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = width * 2;
      c.height = height * 2;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      resolve(c.toDataURL('image/png'));
    };
    img.onerror = () => reject(new Error('could not draw the chart'));
    img.src = svgUrl;
  });
}

/** One ECharts chart, rendered as SVG; exports as SVG or PNG. ECharts loads on first use. */
export function Chart({ option, title, height = 320, world, onClick }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const [ready, setReady] = useState(false);
  const drawn = useRef(false);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    let ro: ResizeObserver | null = null;
    (async () => {
      const { echarts } = await import('../charts/echarts.js');
      if (world) await import('../charts/world.js');
      if (disposed || !el.current) return;
      const c = echarts.init(el.current, null, { renderer: 'svg' });
      c.on('click', (p) => clickRef.current?.(p as { name?: string; data?: unknown }));
      chart.current = c;
      // resize only a chart that has been drawn, and not within ECharts' own update
      ro = new ResizeObserver(() =>
        requestAnimationFrame(() => {
          if (c.isDisposed() || !drawn.current) return;
          try {
            c.resize();
          } catch {
            /* ECharts cannot lay out a chart hidden at size 0; the next resize draws it */
          }
        }),
      );
      ro.observe(el.current);
      setReady(true);
    })();
    return () => {
      disposed = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [world]);

  useEffect(() => {
    if (!ready || !chart.current) return;
    try {
      chart.current.setOption({ aria: { enabled: true }, animation: false, ...option }, { notMerge: true });
      drawn.current = true;
      setFailed(null);
    } catch (e) {
      setFailed((e as Error).message);
    }
  }, [ready, option]);

  const exportAs = async (kind: 'svg' | 'png') => {
    const c = chart.current;
    if (!c) return;
    const svg = c.getDataURL({ type: 'svg', backgroundColor: '#fff' } as never);
    download(
      `${slug(title)}.${kind}`,
      kind === 'svg' ? svg : await svgToPng(svg, c.getWidth(), c.getHeight()),
    );
  };

  return (
    <figure className="chart" aria-label={title} data-ready={ready && !failed ? 'true' : 'false'}>
      {/* ECharts' aria component labels this element with a description of the data */}
      <div ref={el} style={{ height }} />
      {failed ? (
        <p className="error">The chart could not be drawn ({failed}); its table has the figures.</p>
      ) : null}
      <figcaption>
        <span>{title}</span>
        <span className="actions">
          <button type="button" onClick={() => exportAs('png')} disabled={!ready}>
            PNG
          </button>
          <button type="button" onClick={() => exportAs('svg')} disabled={!ready}>
            SVG
          </button>
        </span>
      </figcaption>
    </figure>
  );
}
