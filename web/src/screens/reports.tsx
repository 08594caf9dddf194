// The desk's figures (issue 18, docs/reports.md): pick a report, a range of
// the desk's local dates and a bucket; the table, a chart of its main series
// (uPlot) and the exports (CSV, XLSX — streamed by the server, no row limit).
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './reports.css';
import { call, inDesk } from '../api';
import { deskToday, t, type Key } from '../i18n';
import { ErrorBox, problemText } from '../ui';

export interface ReportTable {
  report: string;
  time_zone: string;
  columns: string[];
  rows: (string | number | null)[][];
}

const REPORTS = ['tickets', 'sla', 'tickets_by', 'backlog', 'calls', 'calls_by', 'phone', 'zb', 'zb_results'] as const;
const BUCKETS = ['day', 'week', 'month', 'hour', 'total'] as const;

// The series each report charts; a long report (dimension, key) charts the
// rows of its overall key.
const SERIES: Record<string, string[]> = {
  tickets: ['opened', 'resolved', 'reopened'],
  sla: ['response_met_pct', 'resolution_met_pct'],
  backlog: ['open'],
  calls: ['calls_logged', 'tickets_opened', 'assurance_derivations'],
  phone: ['rang', 'answered', 'missed'],
  zb: ['cases', 'unblocked', 'notices_overdue'],
};
const COLORS = ['#1f5fa8', '#b3261e', '#2e7d32', '#8a5a00'];

export function reportUrl(name: string, from: string, to: string, by: string, format?: string) {
  const q = `from=${from}&to=${to}&by=${by}` + (format ? `&format=${format}` : '');
  return inDesk(`/api/v1/reports/${name}?${q}`);
}

function colLabel(c: string) {
  const k = ('rep.col.' + c) as Key;
  const s = t(k);
  return s === k ? c : s;
}

function cell(v: string | number | null) {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
  return v;
}

// The rows the chart draws: all of them, or (sla) those of dimension "all".
function chartRows(tb: ReportTable) {
  const dim = tb.columns.indexOf('dimension');
  return dim < 0 ? tb.rows : tb.rows.filter((r) => r[dim] === 'all');
}

function Chart({ tb }: { tb: ReportTable }) {
  const ref = useRef<HTMLDivElement>(null);
  const series = (SERIES[tb.report] ?? []).filter((s) => tb.columns.includes(s));
  useEffect(() => {
    if (!ref.current || !series.length) return;
    const rows = chartRows(tb);
    const labels = rows.map((r) => String(r[0]));
    const xs = rows.map((_, i) => i);
    const data: uPlot.AlignedData = [xs, ...series.map((s) => rows.map((r) => r[tb.columns.indexOf(s)] as number | null))];
    const plot = new uPlot(
      {
        width: Math.min(ref.current.clientWidth || 800, 1000),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ values: (_u, ticks) => ticks.map((i) => labels[i] ?? '') }, {}],
        series: [{ label: t('rep.bucket') }, ...series.map((s, i) => ({ label: colLabel(s), stroke: COLORS[i % COLORS.length], width: 2, points: { show: true } }))],
      },
      data,
      ref.current,
    );
    return () => plot.destroy();
  }, [tb]);
  if (!series.length) return null;
  return <div ref={ref} class="report-chart" data-testid="report-chart" role="img" aria-label={t('rep.chart', { series: series.map(colLabel).join(', ') })} />;
}

function firstOfMonth(today: string) {
  return today.slice(0, 8) + '01';
}

export function Reports() {
  const today = deskToday();
  const [name, setName] = useState<string>('tickets');
  const [from, setFrom] = useState(firstOfMonth(today));
  const [to, setTo] = useState(today);
  const [by, setBy] = useState<string>('day');
  const [tb, setTb] = useState<ReportTable>();
  const [error, setError] = useState<string>();
  const load = () => {
    call<ReportTable>('GET', `/api/v1/reports/${name}?from=${from}&to=${to}&by=${by}`).then(
      (r) => {
        setTb(r);
        setError(undefined);
      },
      (e) => {
        setTb(undefined);
        setError(problemText(e));
      },
    );
  };
  useEffect(load, [name, from, to, by]);
  return (
    <section aria-labelledby="reports-title" class="reports">
      <h1 id="reports-title">{t('rep.title')}</h1>
      <p class="hint">{t('rep.hint')}</p>
      <form class="row filters" onSubmit={(e) => (e.preventDefault(), load())}>
        <label for="rep-name">{t('rep.report')}</label>
        <select id="rep-name" value={name} onChange={(e) => setName(e.currentTarget.value)}>
          {REPORTS.map((r) => (
            <option key={r} value={r}>
              {t(('rep.name.' + r) as Key)}
            </option>
          ))}
        </select>
        <label for="rep-from">{t('rep.from')}</label>
        <input id="rep-from" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <label for="rep-to">{t('rep.to')}</label>
        <input id="rep-to" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <label for="rep-by">{t('rep.by')}</label>
        <select id="rep-by" value={by} onChange={(e) => setBy(e.currentTarget.value)}>
          {BUCKETS.map((b) => (
            <option key={b} value={b}>
              {t(('rep.by.' + b) as Key)}
            </option>
          ))}
        </select>
      </form>
      <p class="row exports">
        <a data-testid="export-csv" href={reportUrl(name, from, to, by, 'csv')} download>
          {t('rep.export_csv')}
        </a>
        <a data-testid="export-xlsx" href={reportUrl(name, from, to, by, 'xlsx')} download>
          {t('rep.export_xlsx')}
        </a>
        <a data-testid="export-rows-xlsx" href={inDesk(`/api/v1/reports/tickets/rows?from=${from}&to=${to}&format=xlsx`)} download>
          {t('rep.export_rows')}
        </a>
        <a {...{ href: inDesk(`/api/v1/reports/tickets/rows?from=${from}&to=${to}&format=csv`) }} download data-testid="export-rows-csv">
          {t('rep.export_rows_csv')}
        </a>
      </p>
      <ErrorBox error={error} />
      {tb && (
        <>
          <p class="hint">{t('rep.zone', { zone: tb.time_zone })}</p>
          <Chart tb={tb} />
          <div class="table-scroll" tabIndex={0} role="region" aria-label={t(`rep.name.${name}` as Key)}>
            <table class="report" data-testid="report-table">
              <caption>{t(('rep.name.' + tb.report) as Key)}</caption>
              <thead>
                <tr>
                  {tb.columns.map((c) => (
                    <th scope="col" key={c}>
                      {colLabel(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {tb.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => (j === 0 ? <th scope="row" key={j}>{cell(v)}</th> : <td key={j}>{cell(v)}</td>))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
