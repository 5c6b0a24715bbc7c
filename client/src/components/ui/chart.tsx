import type { ReactNode } from 'react';
import { formatNumberTick } from '../../lib/format';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export const SERIES_COLORS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9333ea', '#475569'];

export interface SeriesDef {
  key: string;
  label: string;
  color?: string;
}

type Row = Record<string, string | number | null>;

interface ChartProps {
  /** what the chart shows, for screen readers */
  label: string;
  data: Row[];
  x: string;
  series: SeriesDef[];
  formatX?: (v: string) => string;
  /** the y axis's and the tooltip's figures: the browser's way of writing numbers unless given */
  formatY?: (v: number) => string;
  height?: number;
  stacked?: boolean;
  kind?: 'bar' | 'line' | 'area';
  /** the most the y axis may reach (a rate: 1); with no data above 0 the axis runs up to it, not to a made-up 4 */
  yMax?: number;
  /** said over the chart when no value is above zero (no calls, or only free ones) */
  flatText?: string;
  children?: ReactNode;
}

/** One Recharts chart with the console's axes, tooltip and colours. */
export function Chart({
  label,
  data,
  x,
  series,
  formatX,
  formatY = formatNumberTick,
  height = 220,
  stacked,
  kind = 'bar',
  yMax,
  flatText = 'Nothing above zero in this period',
}: ChartProps) {
  // Recharts draws an all-zero series on a made-up 0–4 axis, which reads as "$4 spent": the axis then
  // stops at 0 (or the rate's 100%) and the chart says in words that there is nothing to draw
  const flat = !data.some((row) => series.some((s) => typeof row[s.key] === 'number' && row[s.key] !== 0));
  const common = {
    data,
    margin: { top: 8, right: 12, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
      <XAxis dataKey={x} tickFormatter={formatX} tick={{ fontSize: 12 }} minTickGap={16} />
      {/* as wide as its longest figure: a fixed width cut the dollar sign and leading digits off "$0.0000036" */}
      <YAxis
        tickFormatter={formatY}
        tick={{ fontSize: 12 }}
        width="auto"
        domain={yMax === undefined ? (flat ? [0, 1] : undefined) : [0, (dataMax: number) => (dataMax > 0 ? Math.min(dataMax, yMax) : yMax)]}
        ticks={flat && yMax === undefined ? [0] : undefined}
      />
      <Tooltip
        labelFormatter={(v) => (formatX ? formatX(String(v as string | number)) : String(v as string | number))}
        formatter={(v) => (typeof v === 'number' ? formatY(v) : String(v))}
      />
      {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
    </>
  );
  const color = (s: SeriesDef, i: number) => s.color ?? SERIES_COLORS[i % SERIES_COLORS.length];
  return (
    <figure className="chart" aria-label={flat ? `${label}: ${flatText}` : label} role="img">
      {flat && (
        <p className="chart-flat" aria-hidden="true">
          {flatText}
        </p>
      )}
      <ResponsiveContainer width="100%" height={height}>
        {kind === 'line' ? (
          <LineChart {...common}>
            {axes}
            {series.map((s, i) => (
              <Line
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.label}
                stroke={color(s, i)}
                dot={{ r: 2 }}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        ) : kind === 'area' ? (
          <AreaChart {...common}>
            {axes}
            {series.map((s, i) => (
              <Area
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.label}
                stroke={color(s, i)}
                fill={color(s, i)}
                fillOpacity={0.2}
                stackId={stacked ? 'a' : undefined}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        ) : (
          <BarChart {...common}>
            {axes}
            {series.map((s, i) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.label}
                fill={color(s, i)}
                stackId={stacked ? 'a' : undefined}
                maxBarSize={48}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
