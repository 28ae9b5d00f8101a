/** A dependency-free line chart (SVG) for learning curves. */
export type Series = { name: string; points: { x: number; y: number }[] };

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"];

export function lineChartSvg(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  hLines?: { y: number; label: string }[];
}): string {
  const W = 760,
    H = 440,
    L = 60,
    R = 190,
    T = 40,
    B = 50;
  const all = opts.series.flatMap((s) => s.points).concat((opts.hLines ?? []).map((h) => ({ x: NaN, y: h.y })));
  const xs = all.map((p) => p.x).filter(Number.isFinite);
  const ys = all.map((p) => p.y).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.floor(Math.min(...ys) * 20) / 20, Math.ceil(Math.max(...ys) * 20) / 20];
  const sx = (x: number) => L + ((x - x0) / Math.max(1e-9, x1 - x0)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - y0) / Math.max(1e-9, y1 - y0)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  parts.push(`<text x="${W / 2 - R / 2}" y="22" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const y = y0 + ((y1 - y0) * i) / 5;
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${sy(y)}" y2="${sy(y)}" stroke="#eee"/><text x="${L - 6}" y="${sy(y) + 4}" text-anchor="end">${(y * 100).toFixed(0)}%</text>`,
    );
    const x = x0 + ((x1 - x0) * i) / 5;
    parts.push(`<text x="${sx(x)}" y="${H - B + 18}" text-anchor="middle">${Math.round(x)}</text>`);
  }
  parts.push(
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`,
  );
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
  );
  for (const h of opts.hLines ?? [])
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${sy(h.y)}" y2="${sy(h.y)}" stroke="#999" stroke-dasharray="4 4"/><text x="${W - R + 6}" y="${sy(h.y) + 4}" fill="#666">${esc(h.label)}</text>`,
    );
  opts.series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const d = s.points.map((p, j) => `${j ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>`);
    parts.push(
      `<rect x="${W - R + 6}" y="${T + i * 18}" width="12" height="3" fill="${c}"/><text x="${W - R + 24}" y="${T + i * 18 + 5}">${esc(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
