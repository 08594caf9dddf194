// The wallboard (issue 18): a full-screen page for the supervisors' wall,
// readable from three metres and needing no one at the keyboard. It reads
// GET /api/v1/reports/wallboard again soon after any change on the live
// stream, and every 15 s anyway (a target becomes "at risk" with time alone,
// and phone calls do not travel on the stream).
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { currentDesk } from '../desk';
import { fmtTime, t, useLang, type Key } from '../i18n';
import { onChange } from '../live';
import { problemText } from '../ui';
import './reports.css';

export interface Board {
  desk: string;
  time_zone: string;
  at: string;
  tickets_open: number;
  tickets_at_risk: number;
  tickets_breached: number;
  sla_met_today_pct: number | null;
  sla_judged_today: number;
  cases_open: number;
  cases_overdue: number;
  notices_waiting: number;
  calls_waiting: number;
  calls_today: number;
  calls_answered_today: number;
  calls_missed_today: number;
  warning_share_pct: number;
}

// Each tile: its figure, and when it is bad news (red) or worth a look (amber).
const TILES: { key: keyof Board; label: Key; bad?: (b: Board) => boolean; warn?: (b: Board) => boolean }[] = [
  { key: 'tickets_at_risk', label: 'wall.at_risk', warn: (b) => b.tickets_at_risk > 0 },
  { key: 'tickets_breached', label: 'wall.breached', bad: (b) => b.tickets_breached > 0 },
  { key: 'sla_met_today_pct', label: 'wall.sla_today', bad: (b) => b.sla_met_today_pct !== null && b.sla_met_today_pct < 80 },
  { key: 'cases_overdue', label: 'wall.cases_overdue', bad: (b) => b.cases_overdue > 0 },
  { key: 'notices_waiting', label: 'wall.notices_waiting', warn: (b) => b.notices_waiting > 0 },
  { key: 'calls_waiting', label: 'wall.calls_waiting', warn: (b) => b.calls_waiting > 0 },
  { key: 'calls_missed_today', label: 'wall.calls_missed', bad: (b) => b.calls_missed_today > 0 },
  { key: 'tickets_open', label: 'wall.open' },
];

function value(b: Board, k: keyof Board) {
  const v = b[k];
  if (v === null) return '—';
  if (k === 'sla_met_today_pct') return `${v} %`;
  return String(v);
}

export function Wallboard() {
  useLang();
  const [board, setBoard] = useState<Board>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let pending: number | undefined;
    const load = () => {
      pending = undefined;
      call<Board>('GET', '/api/v1/reports/wallboard').then(
        (b) => {
          setBoard(b);
          setError(undefined);
        },
        (e) => setError(problemText(e)),
      );
    };
    load();
    const off = onChange(() => {
      if (pending === undefined) pending = window.setTimeout(load, 300);
    });
    const poll = window.setInterval(load, 15000);
    return () => {
      off();
      window.clearInterval(poll);
      window.clearTimeout(pending);
    };
  }, []);
  return (
    <main class="wallboard" id="main" data-testid="wallboard">
      <header>
        <h1>{t('wall.title', { desk: currentDesk()?.name ?? board?.desk ?? '' })}</h1>
        {board && (
          <p class="wall-at" data-testid="wall-at">
            {t('wall.at', { at: fmtTime(board.at) })}
          </p>
        )}
      </header>
      {error && (
        <p class="wall-error" role="alert">
          {error}
        </p>
      )}
      {board && (
        <ul class="tiles" aria-live="polite">
          {TILES.map((tile) => (
            <li key={tile.key} class={'tile ' + (tile.bad?.(board) ? 'bad' : tile.warn?.(board) ? 'warn' : 'ok')} data-testid={'tile-' + tile.key}>
              <span class="figure">{value(board, tile.key)}</span>
              <span class="label">{t(tile.label, { pct: board.warning_share_pct })}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
