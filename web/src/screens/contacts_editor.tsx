// Edits a company's contact list (NM-8): add, remove and change rows, then
// save the whole list. The API names a bad value by its row
// ("contacts[1].email"); the message shows under that row's field. With
// `askCaller`, the editor asks who requested the change: a call taker's
// update is logged as a call (PUT /customers/{id}/contacts).
//
// Saves carry the version the list was read at: when someone else saved in
// between, nothing is written and the editor says so, keeps what was typed,
// and offers to read the list again; the list saved meanwhile is shown next
// to the rows being edited, so the next save replaces it knowingly.
import { useState } from 'preact/hooks';
import type { Caller, Contact, Customer } from '../api';
import { t } from '../i18n';
import { Field, FormProblem, fieldError, formError } from '../ui';
import { RowsFields, StoredRows, sameRows, useRows, type RowColumn } from './rows_editor';

const columns = (): RowColumn<keyof Contact>[] => [
  { key: 'name', label: t('contacts.name') },
  { key: 'role', label: t('contacts.role') },
  { key: 'phone', label: t('contacts.phone'), type: 'tel' },
  { key: 'email', label: t('contacts.email'), type: 'email' },
];

export function ContactsEditor(props: {
  contacts: Contact[];
  version: number; // the customer's, as the contacts were read
  askCaller?: boolean; // show "who asked" (required by the PUT)
  caller?: Caller; // known already (the call workspace)
  save: (contacts: Contact[], version: number, caller?: Caller) => Promise<Customer>;
  reload: () => Promise<Customer>;
  onSaved: (c: Customer) => void;
  onCancel?: () => void;
}) {
  const cols = columns();
  const rows = useRows('contacts', cols, props.contacts);
  const [version, setVersion] = useState(props.version);
  const [read, setRead] = useState(props.contacts); // the list as last read
  const [stored, setStored] = useState<Contact[]>(); // saved by someone else meanwhile
  const [callerName, setCallerName] = useState(props.caller?.name ?? '');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    const list = rows.take();
    try {
      props.onSaved(await props.save(list, version, props.askCaller ? { ...props.caller, name: callerName } : props.caller));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const reload = async () => {
    try {
      const fresh = await props.reload();
      setVersion(fresh.version);
      // The version is the customer's: another change (master data, a block)
      // conflicts too; the saved list is shown only when the contacts changed.
      setStored(sameRows(fresh.contacts, read, ['name', 'role', 'phone', 'email']) ? undefined : fresh.contacts);
      setRead(fresh.contacts);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };
  const names = ['caller', 'caller.name', ...rows.names()];
  return (
    <form class="form" onSubmit={submit} noValidate data-testid="contacts-editor" aria-label={t('contacts.edit')}>
      <RowsFields
        rows={rows}
        columns={cols}
        idPrefix="contact"
        legend={(n) => t('contacts.row', { n })}
        removeLabel={(n) => t('contacts.remove_n', { n })}
        addLabel={t('contacts.add')}
        error={error}
      />
      {props.askCaller && (
        <Field label={t('contacts.asked_by')} required hint={t('contacts.asked_by_hint')} error={fieldError(error, 'caller.name', 'caller')}>
          {(a) => <input {...a} name="caller_name" autoComplete="off" value={callerName} onInput={(e) => setCallerName(e.currentTarget.value)} />}
        </Field>
      )}
      {stored && (
        <StoredRows
          testId="contacts-stored"
          title={t('contacts.stored_now')}
          lines={stored.map((k) => [k.name, k.role && `(${k.role})`, k.phone, k.email].filter(Boolean).join(' '))}
        />
      )}
      <FormProblem error={error} other={formError(error, names)} conflict={t('contacts.conflict')} testId="contacts-conflict" onReload={reload} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {t('contacts.save')}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            {t('edit.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
