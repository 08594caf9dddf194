// Admin → Campañas (/admin/desks): the desks the admin works in and their
// settings (docs/desks.md). Any admin edits the settings of their desks
// (PATCH /desks/{id} with If-Match); an admin of the whole installation (no
// desks of their own) also creates desks and removes empty ones. A
// desk-bound admin sees no create or remove control (the API refuses them
// anyway: 403).
//
// After a save the session is read again, so the header, the switch, the
// times' zone and the menu follow a renamed desk, a new zone, new procedures,
// a desk added or removed, without a reload.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Desk, type DeskPatch, type NewDesk, type Session } from '../api';
import { currentDesk, refreshDesks } from '../desk';
import { getLang, t } from '../i18n';
import { ErrorBox, Field, FormProblem, Notice, formError, labelledFieldError, problemText, useLive } from '../ui';

type Mode = { kind: 'list' } | { kind: 'edit'; id: string } | { kind: 'new' };

// The session as it is now: the tab's desk list and header follow the change.
function followDesks() {
  api.session().then(refreshDesks, () => {}); // the next read of the session will do
}

export function AdminDesks({ session }: { session: Session }) {
  // An admin with no desks administers every desk: creates and removes them.
  const everyDesk = session.user.role === 'admin' && session.user.desks.length === 0;
  const [desks, setDesks] = useState<Desk[]>();
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  // What was just done, said in the language on screen (also after a switch).
  const [done, setDone] = useState<() => string>();
  const [removing, setRemoving] = useState<Desk>();
  // Where the focus goes once the list is back: a row's edit button, or the heading.
  const focusNext = useRef<string | null>(null);
  const load = () =>
    api.desks().then(
      (r) => (setDesks(r.items), setError(undefined)),
      (e) => e.name !== 'AbortError' && setError(problemText(e)),
    );
  useLive(load, [{ entity: 'desk' }], []);
  useEffect(() => {
    // Every loaded procedure, by its title.
    api.allProcedures().then(
      (r) => setTitles(Object.fromEntries(r.items.map((p) => [p.id, p.title]))),
      () => {},
    );
  }, []);
  useEffect(() => {
    if (mode.kind !== 'list' || focusNext.current === null || !desks) return;
    const id = focusNext.current;
    if (id && !desks.some((d) => d.id === id)) return; // a new desk: once the list has it
    focusNext.current = null;
    const target = id ? document.querySelector<HTMLElement>(`button[data-edit="${CSS.escape(id)}"]`) : null;
    (target ?? document.getElementById('desks-title'))?.focus();
  }, [mode, desks]);

  // Every procedure some desk here runs, or the server says this desk runs.
  const procedures = [...new Set([...(desks ?? []).flatMap((d) => d.procedures), ...Object.keys(titles)])].sort();
  const procName = (id: string) => (titles[id] ? `${titles[id]} (${id})` : id);
  const backToList = (focusId: string) => {
    focusNext.current = focusId;
    setMode({ kind: 'list' });
  };
  const saved = (d: Desk, message: () => string) => {
    setDone(() => message);
    load();
    followDesks();
    backToList(d.id);
  };
  const here = currentDesk();
  const editing = mode.kind === 'edit' ? desks?.find((d) => d.id === mode.id) : undefined;
  // The list, also when the desk being edited is gone (removed meanwhile).
  const listing = mode.kind === 'list' || (mode.kind === 'edit' && !editing);
  return (
    <section aria-labelledby="desks-title">
      <h1 id="desks-title" tabIndex={-1}>
        {t('desks.title')}
      </h1>
      <p class="hint">{everyDesk ? t('desks.intro_all') : t('desks.intro_some')}</p>
      <ErrorBox error={error} />
      {done && listing && <Notice kind="ok">{done()}</Notice>}
      {listing && desks && (
        <>
          <table data-testid="desks">
            <thead>
              <tr>
                <th scope="col">{t('desks.name')}</th>
                <th scope="col">{t('desks.id')}</th>
                <th scope="col">{t('desks.zone')}</th>
                <th scope="col">{t('desks.language')}</th>
                <th scope="col">{t('desks.hours')}</th>
                <th scope="col">{t('desks.holidays')}</th>
                <th scope="col">{t('desks.procedures')}</th>
                <th scope="col">{t('desks.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {desks.map((d) => (
                <tr key={d.id} data-desk={d.id}>
                  <td>
                    <strong>{d.name}</strong> {d.id === here?.id && <span class="hint">{t('desk.current')}</span>}
                  </td>
                  <td>
                    <code>{d.id}</code>
                  </td>
                  <td>{d.time_zone}</td>
                  <td>{langName(d.language)}</td>
                  <td>{d.business_hours}</td>
                  <td>
                    {d.holiday_country || <span class="hint">{t('desks.no_country')}</span>}
                    {d.holidays_added.length > 0 && <div class="hint">{t('desks.added_short', { dates: d.holidays_added.join(', ') })}</div>}
                    {d.holidays_removed.length > 0 && <div class="hint">{t('desks.removed_short', { dates: d.holidays_removed.join(', ') })}</div>}
                  </td>
                  <td>{d.procedures.length ? d.procedures.map(procName).join(', ') : <span class="hint">{t('desks.no_procedures')}</span>}</td>
                  <td>
                    <div class="actions">
                      <button type="button" data-edit={d.id} aria-label={t('desks.edit_aria', { name: d.name })} onClick={() => (setDone(undefined), setMode({ kind: 'edit', id: d.id }))}>
                        {t('desks.edit')}
                      </button>
                      {everyDesk && (
                        <button type="button" data-remove={d.id} aria-label={t('desks.remove_aria', { name: d.name })} onClick={() => (setDone(undefined), setRemoving(d))}>
                          {t('desks.remove')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {everyDesk && (
            <p>
              <button type="button" class="primary" data-testid="desk-new" onClick={() => (setDone(undefined), setMode({ kind: 'new' }))}>
                {t('desks.new')}
              </button>
            </p>
          )}
        </>
      )}
      {editing && (
        <DeskForm
          key={editing.id}
          desk={editing}
          procedures={procedures}
          procName={procName}
          onSaved={(d) => saved(d, () => t('desks.saved', { name: d.name }))}
          onCancel={() => backToList(editing.id)}
        />
      )}
      {mode.kind === 'new' && (
        <DeskForm
          template={desks?.find((d) => d.id === here?.id) ?? desks?.[0]}
          procedures={procedures}
          procName={procName}
          onSaved={(d) => saved(d, () => t('desks.created', { name: d.name, id: d.id }))}
          onCancel={() => backToList('')}
        />
      )}
      {removing && (
        <RemoveDialog
          desk={removing}
          onRemoved={() => {
            const { name } = removing;
            setDone(() => () => t('desks.removed_ok', { name }));
            setRemoving(undefined);
            load();
            followDesks();
            backToList('');
          }}
          onClose={() => {
            const id = removing.id;
            setRemoving(undefined);
            document.querySelector<HTMLElement>(`button[data-remove="${CSS.escape(id)}"]`)?.focus();
          }}
        />
      )}
    </section>
  );
}

function langName(l: string) {
  return l === 'en' ? 'English' : 'Español';
}

// A local date (YYYY-MM-DD) as a reader says it: "jueves, 24 de diciembre de 2026".
function longDate(iso: string) {
  const d = new Date(iso + 'T12:00:00Z');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(getLang(), { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

// --- The settings form: one desk's (edit) or a new one's ----------------------

type ListKey = 'holidays_added' | 'holidays_removed' | 'procedures';
type TextKey = 'name' | 'time_zone' | 'language' | 'phone_region' | 'business_hours' | 'holiday_country' | 'autoclose_days' | 'mail_from' | 'reply_to';
type Draft = Record<TextKey | 'id', string> & Record<ListKey, string[]>;
const TEXT_KEYS: TextKey[] = ['name', 'time_zone', 'language', 'phone_region', 'business_hours', 'holiday_country', 'autoclose_days', 'mail_from', 'reply_to'];
const LIST_KEYS: ListKey[] = ['holidays_added', 'holidays_removed', 'procedures'];

function draftOf(d: Desk | undefined, isNew: boolean): Draft {
  return {
    id: isNew ? '' : (d?.id ?? ''),
    name: isNew ? '' : (d?.name ?? ''),
    time_zone: d?.time_zone ?? '',
    language: d?.language ?? 'es',
    phone_region: d?.phone_region ?? '',
    business_hours: d?.business_hours ?? '',
    holiday_country: d?.holiday_country ?? '',
    autoclose_days: String(d?.autoclose_days ?? 7),
    mail_from: isNew ? '' : (d?.mail_from ?? ''),
    reply_to: isNew ? '' : (d?.reply_to ?? ''),
    holidays_added: isNew ? [] : [...(d?.holidays_added ?? [])],
    holidays_removed: isNew ? [] : [...(d?.holidays_removed ?? [])],
    procedures: isNew ? [] : [...(d?.procedures ?? [])],
  };
}
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const same = (a: Draft, b: Draft, k: keyof Draft) => (Array.isArray(a[k]) ? sameList(a[k] as string[], b[k] as string[]) : a[k] === b[k]);

// The IANA zones this browser knows, offered while typing (the server checks).
const zones = (): string[] => (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

function DeskForm(props: {
  desk?: Desk; // the desk edited; absent: a new desk
  template?: Desk; // a new desk's first values: the current desk's clock, region, calendar
  procedures: string[];
  procName: (id: string) => string;
  onSaved: (d: Desk) => void;
  onCancel: () => void;
}) {
  const isNew = !props.desk;
  const [base, setBase] = useState(props.desk);
  const [d, setD] = useState<Draft>(() => draftOf(props.desk ?? props.template, isNew));
  // Dates and a procedure typed but not yet added to their lists: a save takes them too.
  const [pending, setPending] = useState({ holidays_added: '', holidays_removed: '', procedure: '' });
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector<HTMLInputElement>('input')?.focus(), []);
  const set = (k: keyof Draft, v: string | string[]) => (setNote(undefined), setD((x) => ({ ...x, [k]: v })));

  // What the form says now, with what is typed but not yet added.
  const complete = (): Draft => {
    const withPending = (list: string[], v: string) => (v.trim() && !list.includes(v.trim()) ? [...list, v.trim()] : list);
    return {
      ...d,
      holidays_added: withPending(d.holidays_added, pending.holidays_added).sort(),
      holidays_removed: withPending(d.holidays_removed, pending.holidays_removed).sort(),
      procedures: withPending(d.procedures, pending.procedure),
    };
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setNote(undefined);
    const now = complete();
    setD(now);
    setPending({ holidays_added: '', holidays_removed: '', procedure: '' });
    const value = (k: TextKey) => (k === 'autoclose_days' ? Number(now[k] || NaN) : k === 'language' ? (now[k] as 'es' | 'en') : now[k].trim());
    setBusy(true);
    try {
      if (isNew) {
        const body: NewDesk = { id: now.id.trim(), name: value('name') as string };
        for (const k of TEXT_KEYS) (body as Record<string, unknown>)[k] = value(k);
        for (const k of LIST_KEYS) body[k] = now[k];
        props.onSaved(await api.createDesk(body));
      } else {
        // Only what changed: a field someone else changed meanwhile and this
        // form did not is not sent back (the version guards the rest).
        const before = draftOf(base, false);
        const body: DeskPatch = {};
        for (const k of TEXT_KEYS) if (!same(now, before, k)) (body as Record<string, unknown>)[k] = value(k);
        for (const k of LIST_KEYS) if (!same(now, before, k)) body[k] = now[k];
        if (!Object.keys(body).length) {
          setNote(t('edit.nothing'));
          return;
        }
        props.onSaved(await api.patchDesk(base!.id, base!.version, body));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // After a conflict: the desk as saved now; what the user changed stays, the
  // rest takes the current values (else saving would undo the other's edit).
  const reload = async () => {
    try {
      const fresh = await api.desk(base!.id);
      const was = draftOf(base, false);
      const now = draftOf(fresh, false);
      setD((x) => {
        const out = { ...x };
        for (const k of Object.keys(x) as (keyof Draft)[]) if (same(x, was, k)) (out as Record<string, unknown>)[k] = now[k];
        return out;
      });
      setBase(fresh);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      props.onCancel();
    }
  };
  const err = (name: string, label: string) => labelledFieldError(error, label, name);
  const text = (k: TextKey | 'id', label: string, opt: { hint?: string; required?: boolean; upper?: boolean; list?: string; max?: number; narrow?: boolean } = {}) => (
    <Field label={label} class={opt.narrow ? 'narrow' : undefined} required={opt.required} hint={opt.hint} error={err(k, label)}>
      {(a) => (
        <input
          {...a}
          name={k}
          autoComplete="off"
          spellcheck={false}
          list={opt.list}
          maxLength={opt.max}
          value={d[k]}
          onInput={(e) => set(k, opt.upper ? e.currentTarget.value.toUpperCase() : e.currentTarget.value)}
        />
      )}
    </Field>
  );
  const title = isNew ? t('desks.new_title') : t('desks.edit_title', { name: base!.name });
  const zoneList = zones();
  return (
    <form ref={form} class="card form desk-form" onSubmit={submit} onKeyDown={keys} noValidate aria-labelledby="desk-form-title" data-testid="desk-form">
      <h2 id="desk-form-title">
        {title} {!isNew && <code class="hint">{base!.id}</code>}
      </h2>
      {isNew && props.template && <p class="hint">{t('desks.new_hint', { name: props.template.name })}</p>}
      <p class="hint keys-hint">{t('desks.keys')}</p>
      <div class="row">
        {isNew && text('id', t('desks.id'), { required: true, hint: t('desks.id_hint'), max: 40 })}
        {text('name', t('desks.name'), { required: true, hint: t('desks.name_hint'), max: 100 })}
      </div>

      <h3>{t('desks.sec_clock')}</h3>
      <div class="row">
        {text('time_zone', t('desks.zone'), { required: true, hint: t('desks.zone_hint'), list: zoneList.length ? 'desk-zones' : undefined })}
        {text('business_hours', t('desks.hours'), { required: true, hint: t('desks.hours_hint') })}
        <Field label={t('desks.autoclose')} class="narrow" hint={t('desks.autoclose_hint')} error={err('autoclose_days', t('desks.autoclose'))}>
          {(a) => <input {...a} name="autoclose_days" type="number" min={1} max={365} step={1} value={d.autoclose_days} onInput={(e) => set('autoclose_days', e.currentTarget.value)} />}
        </Field>
      </div>
      {zoneList.length > 0 && (
        <datalist id="desk-zones">
          {zoneList.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      )}
      <div class="holidays">
        {text('holiday_country', t('desks.country'), { hint: t('desks.country_hint'), upper: true, max: 2, narrow: true })}
        <DateList
          name="holidays_added"
          legend={t('desks.added')}
          hint={t('desks.added_hint')}
          dates={d.holidays_added}
          pending={pending.holidays_added}
          onPending={(v) => setPending((p) => ({ ...p, holidays_added: v }))}
          onChange={(v) => set('holidays_added', v)}
          error={err('holidays_added', t('desks.added'))}
        />
        <DateList
          name="holidays_removed"
          legend={t('desks.removed')}
          hint={t('desks.removed_hint')}
          dates={d.holidays_removed}
          pending={pending.holidays_removed}
          onPending={(v) => setPending((p) => ({ ...p, holidays_removed: v }))}
          onChange={(v) => set('holidays_removed', v)}
          error={err('holidays_removed', t('desks.removed'))}
        />
      </div>

      <h3>{t('desks.sec_region')}</h3>
      <div class="row">
        <Field label={t('desks.language')} class="narrow" hint={t('desks.language_hint')} error={err('language', t('desks.language'))}>
          {(a) => (
            <select {...a} name="language" value={d.language} onChange={(e) => set('language', e.currentTarget.value)}>
              <option value="es">Español (es-419)</option>
              <option value="en">English</option>
            </select>
          )}
        </Field>
        {text('phone_region', t('desks.region'), { hint: t('desks.region_hint'), upper: true, max: 2, narrow: true })}
      </div>

      <h3>{t('desks.sec_mail')}</h3>
      <div class="row">
        {text('mail_from', t('desks.mail_from'), { hint: t('desks.mail_from_hint') })}
        {text('reply_to', t('desks.reply_to'), { hint: t('desks.reply_to_hint') })}
      </div>

      <ProcedureList
        known={[...new Set([...props.procedures, ...d.procedures])].sort()}
        chosen={d.procedures}
        procName={props.procName}
        other={pending.procedure}
        onOther={(v) => setPending((p) => ({ ...p, procedure: v }))}
        onChange={(v) => set('procedures', v)}
        error={err('procedures', t('desks.procedures'))}
      />

      <FormProblem
        error={error}
        other={formError(error, isNew ? ['id', ...TEXT_KEYS, ...LIST_KEYS] : [...TEXT_KEYS, ...LIST_KEYS])}
        conflict={t('desks.conflict', { name: base?.name ?? '' })}
        testId="desk-conflict"
        onReload={reload}
      />
      {note && <Notice>{note}</Notice>}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {isNew ? t('desks.create') : t('edit.save')} <kbd>Enter</kbd>
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('edit.cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}

// A list of local dates: each shown as a reader says it, with its remove
// button; a date field adds one (Enter adds it when it holds a date, else
// submits the form as anywhere else).
function DateList(props: {
  name: string;
  legend: string;
  hint: string;
  dates: string[];
  pending: string;
  onPending: (v: string) => void;
  onChange: (dates: string[]) => void;
  error?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const id = 'desk-' + props.name;
  const add = () => {
    const v = props.pending.trim();
    if (!v) return;
    if (!props.dates.includes(v)) props.onChange([...props.dates, v].sort());
    props.onPending('');
    input.current?.focus();
  };
  const remove = (date: string, i: number) => {
    props.onChange(props.dates.filter((x) => x !== date));
    // The focus stays in the list: the next date's button, else the date field.
    setTimeout(() => {
      const buttons = document.querySelectorAll<HTMLButtonElement>(`#${id}-list button`);
      (buttons[Math.min(i, buttons.length - 1)] ?? input.current)?.focus();
    }, 0);
  };
  const describedBy = [id + '-hint', props.error ? id + '-err' : ''].filter(Boolean).join(' ');
  return (
    <fieldset class={'dates' + (props.error ? ' has-error' : '')} aria-describedby={describedBy} data-testid={id}>
      <legend>{props.legend}</legend>
      <p class="hint" id={id + '-hint'}>
        {props.hint}
      </p>
      {props.dates.length ? (
        <ul class="date-list" id={id + '-list'}>
          {props.dates.map((date, i) => (
            <li key={date}>
              <time dateTime={date}>{longDate(date)}</time>
              <button type="button" class="small" aria-label={t('desks.date_remove', { date: longDate(date) })} onClick={() => remove(date, i)}>
                {t('contacts.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">{t('desks.no_dates')}</p>
      )}
      <div class="add-date">
        <label for={id + '-new'}>{t('desks.date_add')}</label>
        <input
          ref={input}
          id={id + '-new'}
          type="date"
          name={props.name + '-new'}
          value={props.pending}
          aria-describedby={id + '-add-hint'}
          aria-invalid={props.error ? true : undefined}
          onInput={(e) => props.onPending(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && props.pending.trim()) {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" onClick={add}>
          {t('desks.date_add_button')}
        </button>
      </div>
      <p class="hint" id={id + '-add-hint'}>
        {t('desks.date_hint')}
      </p>
      {props.error && (
        <p class="error" id={id + '-err'} role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

// The procedures the desk runs: every loaded one as a box to tick, and a
// field for an id typed by hand.
function ProcedureList(props: {
  known: string[];
  chosen: string[];
  procName: (id: string) => string;
  other: string;
  onOther: (v: string) => void;
  onChange: (v: string[]) => void;
  error?: string;
}) {
  const describedBy = ['desk-procedures-hint', props.error ? 'desk-procedures-err' : ''].filter(Boolean).join(' ');
  return (
    <fieldset class={props.error ? 'has-error' : ''} aria-describedby={describedBy} data-testid="desk-procedures">
      <legend>{t('desks.procedures')}</legend>
      <p class="hint" id="desk-procedures-hint">
        {t('desks.procedures_hint')}
      </p>
      {props.known.length === 0 && <p class="hint">{t('desks.no_procedures')}</p>}
      {props.known.map((p) => (
        <label class="check" key={p}>
          <input
            type="checkbox"
            name="procedures"
            value={p}
            checked={props.chosen.includes(p)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.chosen, p] : props.chosen.filter((x) => x !== p))}
          />
          {props.procName(p)}
        </label>
      ))}
      <Field label={t('desks.procedure_other')} class="narrow" hint={t('desks.procedure_other_hint')}>
        {(a) => <input {...a} name="procedure-other" autoComplete="off" spellcheck={false} value={props.other} onInput={(e) => props.onOther(e.currentTarget.value.trim())} />}
      </Field>
      {props.error && (
        <p class="error" id="desk-procedures-err" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

// --- Removing a desk ------------------------------------------------------------

// Asks before removing; "keep" has the focus and Esc keeps it. A desk anything
// belongs to is refused (409 desk_in_use): the dialog says why.
function RemoveDialog(props: { desk: Desk; onRemoved: () => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
    keep.current?.focus();
  }, []);
  const remove = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await api.deleteDesk(props.desk.id);
      props.onRemoved(); // unmounts the dialog
    } catch (err) {
      setError(err);
      setBusy(false);
      keep.current?.focus();
    }
  };
  const inUse = error instanceof ApiError && error.code === 'desk_in_use';
  return (
    <dialog ref={dialog} class="desk-dialog" aria-labelledby="desk-remove-title" aria-describedby="desk-remove-text" data-testid="desk-remove" onClose={props.onClose}>
      <h2 id="desk-remove-title">{t('desks.remove_title', { name: props.desk.name })}</h2>
      <p id="desk-remove-text">{t('desks.remove_text')}</p>
      {error !== undefined && (
        <div class="error box" role="alert" data-testid="desk-remove-error">
          <p>{inUse ? t('desks.in_use', { name: props.desk.name }) : problemText(error)}</p>
          {inUse && <p class="next">{`${t('err.server_says')} ${(error as ApiError).problem.detail}`}</p>}
        </div>
      )}
      <p class="actions">
        {!inUse && (
          <button type="button" class="danger" disabled={busy} onClick={remove}>
            {t('desks.remove_confirm')}
          </button>
        )}
        <button type="button" ref={keep} onClick={() => dialog.current?.close()}>
          {inUse ? t('common.close') : t('desks.remove_keep')} <kbd>Esc</kbd>
        </button>
      </p>
    </dialog>
  );
}
