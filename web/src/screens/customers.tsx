// The customer master in the console (NM-1, NM-8): find a customer
// (/customers), its page (/customers/{id}) with the master data, services and
// contacts. Master editors (admin, supervisor, back office — kMasterEditors in
// src/http/routes.cc) edit the master data, services and contacts (PATCH with If-Match);
// other call takers update the contacts on behalf of a caller (PUT
// /customers/{id}/contacts, which logs the call). Roles that may not edit do
// not see the controls; the API refuses them anyway (403).
import { useEffect, useState } from 'preact/hooks';
import { api, type Contact, type Customer, type CustomerPatch, type Role } from '../api';
import { t } from '../i18n';
import { linkProps } from '../router';
import { Badge, ErrorBox, Field, FormProblem, Notice, fieldError, formError, problemText } from '../ui';
import { ServicesTable } from './call_forms';
import { ContactsEditor } from './contacts_editor';
import { RowsFields, StoredRows, sameRows, useRows, type RowColumn } from './rows_editor';

export const MASTER_EDITORS: Role[] = ['admin', 'supervisor', 'back_office'];

export function CustomerFinder() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Customer[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!q.trim()) {
      setItems(undefined);
      return;
    }
    const ctl = new AbortController();
    const timer = window.setTimeout(() => {
      api.searchCustomers(q, ctl.signal).then(
        (r) => (setItems(r.items), setError(undefined)),
        (e) => e.name !== 'AbortError' && setError(problemText(e)),
      );
    }, 150);
    return () => (window.clearTimeout(timer), ctl.abort());
  }, [q]);
  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">{t('customers.title')}</h1>
      <Field label={t('search.label')} hint={t('customers.hint')}>
        {(a) => <input {...a} type="search" name="q" autoComplete="off" value={q} onInput={(e) => setQ(e.currentTarget.value)} />}
      </Field>
      <ErrorBox error={error} />
      {items && items.length === 0 && <p>{t('customers.none')}</p>}
      {items && items.length > 0 && (
        <ul class="list" data-testid="customer-list">
          {items.map((c) => (
            <li key={c.id}>
              <a {...linkProps('/customers/' + c.id)}>{c.legal_name}</a> <span class="hint">{[c.code, c.group, c.technology].filter(Boolean).join(' · ')}</span>
              {c.criticality && <Badge kind="critical">{t('customer.critical')}</Badge>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function CustomerPage({ id, role }: { id: string; role: Role }) {
  const [c, setC] = useState<Customer>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<'master' | 'contacts' | null>(null);
  const [done, setDone] = useState<string>();
  const load = () => api.customer(Number(id)).then((x) => (setC(x), x));
  useEffect(() => {
    load().catch((e) => setError(problemText(e)));
  }, [id]);
  const master = MASTER_EDITORS.includes(role);
  const saved = (x: Customer, message: string) => {
    setC(x);
    setEditing(null);
    setDone(message);
  };
  return (
    <section aria-labelledby="customer-title">
      <p>
        <a {...linkProps('/customers')}>← {t('customers.back')}</a>
      </p>
      <h1 id="customer-title">{c ? c.legal_name : t('common.loading')}</h1>
      <ErrorBox error={error} />
      {done && <Notice kind="ok">{done}</Notice>}
      {c && editing !== 'master' && <CustomerFacts c={c} />}
      {c && master && editing === null && (
        <button type="button" onClick={() => (setDone(undefined), setEditing('master'))}>
          {t('customers.edit_master')}
        </button>
      )}
      {c && editing === 'master' && (
        <MasterForm c={c} onSaved={(x) => saved(x, t('customers.saved'))} onCancel={() => setEditing(null)} onReload={load} />
      )}
      {c && editing !== 'master' && (
        <div class="card" data-testid="customer-contacts">
          <h2>{t('info.contacts')}</h2>
          {editing === 'contacts' ? (
            <ContactsEditor
              contacts={c.contacts}
              version={c.version}
              askCaller={!master}
              save={(list, version, caller) => (master ? api.patchCustomer(c.id, version, { contacts: list }) : api.putContacts(c.id, version, list, caller!))}
              reload={() => api.customer(c.id)}
              onSaved={(x) => saved(x, t('contacts.saved'))}
              onCancel={() => setEditing(null)}
            />
          ) : (
            <>
              <ContactList contacts={c.contacts} />
              <button type="button" onClick={() => (setDone(undefined), setEditing('contacts'))}>
                {t('contacts.edit')}
              </button>
            </>
          )}
        </div>
      )}
    </section>
  );
}

export function ContactList({ contacts }: { contacts: Contact[] }) {
  if (!contacts.length) return <p class="hint">{t('contacts.none')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('contacts.name')}</th>
          <th scope="col">{t('contacts.role')}</th>
          <th scope="col">{t('contacts.phone')}</th>
          <th scope="col">{t('contacts.email')}</th>
        </tr>
      </thead>
      <tbody>
        {contacts.map((k, i) => (
          <tr key={i}>
            <td>{k.name}</td>
            <td>{k.role}</td>
            <td>{k.phone}</td>
            <td>{k.email}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CustomerFacts({ c }: { c: Customer }) {
  const row = (label: string, v: string | null | undefined) => (
    <>
      <dt>{label}</dt>
      <dd>{v || '—'}</dd>
    </>
  );
  return (
    <div class="card" data-testid="customer-master">
      <dl class="facts">
        {row(t('customer.code'), c.code)}
        {row(t('master.legal_name'), c.legal_name)}
        {row(t('customer.group'), c.group)}
        {row(t('master.criticality'), c.criticality)}
        {row(t('customer.technology'), c.technology)}
        {row(t('master.tax_id'), c.tax_id)}
        {row(t('cases.region'), c.region)}
        {row(t('master.segment'), c.segment)}
        {row(t('master.email'), c.email)}
        {row(t('master.phone'), c.phone)}
        {row(t('info.manager'), [c.service_manager.name, c.service_manager.contact].filter(Boolean).join(' · '))}
        {row(t('master.blocks'), c.blocks.join(', '))}
      </dl>
      {c.services.length > 0 && <ServicesTable services={c.services} caption={t('info.services')} />}
    </div>
  );
}

// The master data PATCH may change, with their labels (NM-1).
const TEXT_FIELDS = [
  ['legal_name', 'master.legal_name'],
  ['group', 'customer.group'],
  ['technology', 'customer.technology'],
  ['tax_id', 'master.tax_id'],
  ['region', 'cases.region'],
  ['segment', 'master.segment'],
  ['email', 'master.email'],
  ['phone', 'master.phone'],
] as const;
type Draft = Record<(typeof TEXT_FIELDS)[number][0] | 'criticality' | 'manager_name' | 'manager_contact', string>;

function draftOf(c: Customer): Draft {
  return {
    legal_name: c.legal_name,
    group: c.group,
    technology: c.technology,
    tax_id: c.tax_id ?? '',
    region: c.region,
    segment: c.segment,
    email: c.email,
    phone: c.phone,
    criticality: c.criticality ?? '',
    manager_name: c.service_manager.name,
    manager_contact: c.service_manager.contact,
  };
}

// The list as an editor edits it: without the "unconfirmed" flag of a service
// a caller named (issue 15), so saving the list confirms it.
type Service = Pick<Customer['services'][number], 'service_id' | 'circuit' | 'description'>;
const editable = (list: Customer['services']): Service[] => list.map((s) => ({ service_id: s.service_id, circuit: s.circuit, description: s.description }));
const serviceColumns = (): RowColumn<keyof Service>[] => [
  { key: 'service_id', label: t('info.service_id') },
  { key: 'circuit', label: t('info.circuit') },
  { key: 'description', label: t('info.description') },
];
const sameServices = (a: Service[], b: Service[]) => sameRows(a, b, ['service_id', 'circuit', 'description']);

function MasterForm(props: { c: Customer; onSaved: (c: Customer) => void; onCancel: () => void; onReload: () => Promise<Customer> }) {
  const [base, setBase] = useState(props.c);
  const [d, setD] = useState<Draft>(() => draftOf(props.c));
  const svcCols = serviceColumns();
  const services = useRows('services', svcCols, editable(props.c.services));
  const [storedServices, setStoredServices] = useState<Service[]>(); // saved by someone else meanwhile
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft, v: string) => setD((x) => ({ ...x, [k]: v }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const before = draftOf(base);
    const body: CustomerPatch = {};
    for (const [k] of TEXT_FIELDS) if (d[k] !== before[k]) body[k] = d[k];
    if (d.criticality !== before.criticality) body.criticality = d.criticality === 'Prioritario' ? d.criticality : null;
    if (d.manager_name !== before.manager_name || d.manager_contact !== before.manager_contact) {
      body.service_manager = { name: d.manager_name, contact: d.manager_contact };
    }
    const list = services.take();
    if (!sameServices(list, base.services) || base.services.some((s) => s.unconfirmed)) body.services = list;
    setBusy(true);
    try {
      props.onSaved(await api.patchCustomer(base.id, base.version, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // After a conflict: the current version; what the user changed stays, the
  // rest takes the current values (else saving would undo the other's edit).
  const reload = async () => {
    try {
      const fresh = await props.onReload();
      const was = draftOf(base);
      const now = draftOf(fresh);
      setD((x) => {
        const out = { ...x };
        for (const k of Object.keys(x) as (keyof Draft)[]) if (x[k] === was[k]) out[k] = now[k];
        return out;
      });
      // The services as a whole: untouched, they take the current list;
      // changed here and there, the list saved meanwhile is shown.
      const mine = sameServices(services.filled(), base.services);
      if (mine) services.setRows(editable(fresh.services));
      setStoredServices(!mine && !sameServices(fresh.services, base.services) ? fresh.services : undefined);
      setBase(fresh);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };
  const names = [...TEXT_FIELDS.map(([k]) => k), 'criticality', 'service_manager', 'service_manager.name', 'service_manager.contact', ...services.names()];
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="master-title" noValidate data-testid="master-form">
      <h2 id="master-title">{t('customers.edit_master')}</h2>
      <div class="row">
        {TEXT_FIELDS.map(([k, label]) => (
          <Field key={k} label={t(label)} required={k === 'legal_name'} error={fieldError(error, k)}>
            {(a) => <input {...a} name={k} type={k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'} autoComplete="off" value={d[k]} onInput={(e) => set(k, e.currentTarget.value)} />}
          </Field>
        ))}
        <Field label={t('master.criticality')} error={fieldError(error, 'criticality')}>
          {(a) => (
            <select {...a} name="criticality" value={d.criticality} onChange={(e) => set('criticality', e.currentTarget.value)}>
              <option value="">{t('master.not_critical')}</option>
              <option value="Prioritario">{t('customer.critical')}</option>
            </select>
          )}
        </Field>
        <Field label={t('master.manager_name')} error={fieldError(error, 'service_manager.name', 'service_manager')}>
          {(a) => <input {...a} name="manager_name" autoComplete="off" value={d.manager_name} onInput={(e) => set('manager_name', e.currentTarget.value)} />}
        </Field>
        <Field label={t('master.manager_contact')} error={fieldError(error, 'service_manager.contact')}>
          {(a) => <input {...a} name="manager_contact" autoComplete="off" value={d.manager_contact} onInput={(e) => set('manager_contact', e.currentTarget.value)} />}
        </Field>
      </div>
      <h3>{t('info.services')}</h3>
      {base.services.some((s) => s.unconfirmed) && (
        <Notice kind="warn">
          {t('service.confirm_on_save', {
            list: base.services
              .filter((s) => s.unconfirmed)
              .map((s) => s.service_id)
              .join(', '),
          })}
        </Notice>
      )}
      <RowsFields
        rows={services}
        columns={svcCols}
        idPrefix="service"
        legend={(n) => t('services.row', { n })}
        removeLabel={(n) => t('services.remove_n', { n })}
        addLabel={t('services.add')}
        error={error}
      />
      {storedServices && (
        <StoredRows testId="services-stored" title={t('services.stored_now')} lines={storedServices.map((s) => [s.service_id, s.circuit, s.description].filter(Boolean).join(' · '))} />
      )}
      <FormProblem error={error} other={formError(error, names)} conflict={t('customers.conflict')} testId="customer-conflict" onReload={reload} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {t('edit.save')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('edit.cancel')}
        </button>
      </div>
    </form>
  );
}
