import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS_FILE } from './report.js';

/**
 * `node packages/server/dist/bench/plot.js --out docs/benchmarks/x.svg --run before=<date> --run after=<date>`
 * Draws the send-throughput tables of the named BENCHMARKS.md sections (found by their `- date:`)
 * side by side as an SVG: msgs/s, p50/p99 latency and server CPU µs per message, one bar per run
 * for each server row. The fan-out tables (`--unit delivery`) plot deliveries/s and µs per delivery.
 * Nothing is typed by hand: every number comes from the appended sections.
 */
interface Row {
  server: string;
  perSecond: number;
  p50: number;
  p99: number;
  cpuUs: number | undefined;
}

const num = (cell: string | undefined): number => Number((cell ?? '').replace(/[,%\s]/g, ''));

/** The table rows of the section with this date. */
export function sectionRows(markdown: string, date: string): Row[] {
  const section = markdown.split('\n## ').find((s) => s.includes(`- date: ${date}`));
  if (!section) throw new Error(`no section dated ${date} in ${BENCHMARKS_FILE}`);
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = (lines[0] ?? '').split('|').map((c) => c.trim());
  const col = (name: string) => header.indexOf(name);
  const seen = new Map<string, number>();
  return lines.slice(2).map((line) => {
    const cells = line.split('|').map((c) => c.trim());
    const cpu = col('server µs/msg') >= 0 ? col('server µs/msg') : col('server µs / delivery');
    const rate = col('deliveries/s') >= 0 ? col('deliveries/s') : col('msgs/s');
    // Latency tables (list, sync, history) name a row by the cells before its p50; fan-out rows by their shape.
    let name =
      col('server') >= 0
        ? (cells[col('server')] ?? '')
        : col('shape') >= 0
          ? shapeName(cells[col('shape')] ?? '', cells[col('storage')] ?? '')
          : shortName(cells.slice(1, col('p50 ms')));
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) name += ` (${n})`;
    return {
      server: name,
      perSecond: rate >= 0 ? num(cells[rate]) : Number.NaN,
      p50: num(cells[col('p50 ms')]),
      p99: num(cells[col('p99 ms')]),
      cpuUs: cpu >= 0 ? num(cells[cpu]) : undefined,
    };
  });
}

/** "SQLite", "conversation.list, first page of 100 with lastMsg, 10,000 conversations" -> "SQLite list 10,000". */
function shortName(cells: string[]): string {
  return cells
    .map((c) => {
      const list = /^conversation\.(\w+).*?([\d,]+) conversations$/.exec(c);
      if (list) return `${list[1]} ${list[2]}`;
      return c.replace(/^conversation\.(\w+).*$/, '$1');
    })
    .join(' ');
}

/** "super group (type 3), 1,000 members", "SQLite" -> "super 1,000" (the storage only when not SQLite). */
function shapeName(shape: string, storage: string): string {
  const size = /([\d,]+) members/.exec(shape)?.[1] ?? '';
  const kind = shape.startsWith('super') ? 'super' : 'group';
  return `${kind} ${size}${storage && storage !== 'SQLite' ? ` ${storage}` : ''}`;
}

const COLORS = ['#9aa5b1', '#2f6fde', '#e07b39', '#3a9d5d', '#8e5cc2', '#c2410c', '#0f766e', '#a16207'];
/** A legend entry's width; entries wrap to the next line at the picture's edge. */
const LEGEND_ENTRY = 170;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Panel {
  title: string;
  value: (r: Row) => number | undefined;
  /** A second, lighter bar on top (p99 over p50). */
  upper?: (r: Row) => number | undefined;
}

/** Whole numbers, but tenths where the scale is small (latencies of a few ms). */
const label = (v: number, max: number): string => v.toLocaleString('en-US', { maximumFractionDigits: max < 30 ? 1 : 0 });

export function plot(runs: Array<{ label: string; rows: Row[] }>, title: string, unit: 'message' | 'delivery' = 'message'): string {
  const servers = [...new Set(runs.flatMap((r) => r.rows.map((x) => x.server)))];
  const all = runs.flatMap((r) => r.rows);
  const panels = (
    [
      {
        title: unit === 'message' ? 'msgs/s (higher is better)' : 'deliveries/s (higher is better)',
        value: (r) => (Number.isNaN(r.perSecond) ? undefined : r.perSecond),
      },
      { title: 'latency ms, p50 (dark) and p99 (light)', value: (r) => r.p50, upper: (r) => r.p99 },
      { title: `server CPU µs per ${unit} (lower is better)`, value: (r) => r.cpuUs },
    ] satisfies Panel[] as Panel[]
  ).filter((panel) => all.some((r) => panel.value(r) !== undefined));
  const pw = Math.max(330, servers.length * 40 * runs.length + 70);
  const ph = 260;
  const left = 50;
  const width = panels.length * pw + 20;
  const perLegendLine = Math.max(1, Math.floor((width - 10) / LEGEND_ENTRY));
  const top = 72 + (Math.ceil(runs.length / perLegendLine) - 1) * 16;
  const height = top + ph + 90;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  runs.forEach((run, i) => {
    const x = 10 + (i % perLegendLine) * LEGEND_ENTRY;
    const y = 32 + Math.floor(i / perLegendLine) * 16;
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${x + 16}" y="${y + 10}">${esc(run.label)}</text>`);
  });
  panels.forEach((panel, p) => {
    const x0 = 10 + p * pw + left;
    const w = pw - left - 20;
    const values = runs.flatMap((run) => run.rows.flatMap((r) => [panel.value(r) ?? 0, panel.upper?.(r) ?? 0]));
    const max = Math.max(1, ...values) * 1.1;
    const y = (v: number) => top + ph - (v / max) * ph;
    out.push(`<text x="${x0}" y="${top - 6}" font-weight="bold">${esc(panel.title)}</text>`);
    out.push(`<line x1="${x0}" y1="${top + ph}" x2="${x0 + w}" y2="${top + ph}" stroke="#333"/>`);
    out.push(`<line x1="${x0}" y1="${top}" x2="${x0}" y2="${top + ph}" stroke="#333"/>`);
    for (let t = 0; t <= 4; t++) {
      const v = (max / 1.1) * (t / 4);
      out.push(`<text x="${x0 - 4}" y="${y(v) + 4}" text-anchor="end" fill="#555">${label(v, max)}</text>`);
      out.push(`<line x1="${x0}" y1="${y(v)}" x2="${x0 + w}" y2="${y(v)}" stroke="#eee"/>`);
    }
    const gw = w / servers.length;
    const bw = (gw * 0.8) / runs.length;
    servers.forEach((server, s) => {
      const gx = x0 + s * gw + gw * 0.1;
      runs.forEach((run, i) => {
        const row = run.rows.find((r) => r.server === server);
        const v = row && panel.value(row);
        if (v === undefined || !row) return;
        const color = COLORS[i % COLORS.length];
        const up = panel.upper?.(row);
        if (up !== undefined)
          out.push(`<rect x="${gx + i * bw}" y="${y(up)}" width="${bw - 2}" height="${y(v) - y(up)}" fill="${color}" opacity="0.35"/>`);
        out.push(`<rect x="${gx + i * bw}" y="${y(v)}" width="${bw - 2}" height="${top + ph - y(v)}" fill="${color}"/>`);
        const shown = up ?? v;
        out.push(
          `<text x="${gx + i * bw + (bw - 2) / 2}" y="${y(shown) - 3}" text-anchor="middle" font-size="9">${label(shown, max)}</text>`,
        );
      });
      const words = server.split(' ');
      words.forEach((word, k) => {
        out.push(`<text x="${gx + gw * 0.4}" y="${top + ph + 14 + k * 12}" text-anchor="middle">${esc(word)}</text>`);
      });
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      run: { type: 'string', multiple: true },
      title: { type: 'string', default: '1:1 send throughput' },
      unit: { type: 'string', default: 'message' },
    },
  });
  if (!values.out || !values.run?.length) throw new Error('usage: plot.js --out file.svg --run label=<date> [--run label=<date> ...]');
  const markdown = fs.readFileSync(BENCHMARKS_FILE, 'utf8');
  const runs = values.run.map((spec) => {
    const at = spec.indexOf('=');
    return { label: spec.slice(0, at), rows: sectionRows(markdown, spec.slice(at + 1)) };
  });
  fs.mkdirSync(path.dirname(values.out), { recursive: true });
  fs.writeFileSync(values.out, plot(runs, values.title, values.unit === 'delivery' ? 'delivery' : 'message'));
  console.log(`wrote ${values.out}`);
}
