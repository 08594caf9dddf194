-- pgbench script for bench/pg_openings.sh: one ticket opening as the server's
-- PostgreSQL store runs it since late numbering (docs/BENCHMARKS.md, "PostgreSQL
-- openings"), without HTTP or the application: the same reads (customer, unclosed
-- ticket of the service, the mail rate cap), the same rows (ticket, its number,
-- call, mail, its recipient, its delivery work item) under a placeholder, then the
-- same last statement (series increment, placeholder rewritten, audit row), then
-- COMMIT, as the server sends them. Run with -M prepared
-- against a database migrated and loaded by atiende (customers 1..:customers), e.g.
--   pgbench -n -M prepared -c 16 -j 2 -T 20 -D customers=2000 -f bench/pg_opening.sql URL
\set cust random(1, :customers)
\set r random(1, 4000000000000000)
\set now 1796000000000000
BEGIN;
SELECT id, code, legal_name, email, services, contacts FROM customers WHERE id = :cust AND desk_id = 'main';
SELECT t.id FROM tickets t WHERE t.customer_id = :cust AND t.service_id = 'PGB-' || (:r)::text
  AND t.state NOT IN ('closed', 'cancelled') AND desk_id = 'main' FOR UPDATE;
INSERT INTO tickets(state, customer_id, service_id, critical, next_due, resolved_at, assigned_group,
  assigned_engineer, doc, number, kind, desk_id, version)
  VALUES ('new', :cust, 'PGB-' || (:r)::text, 0, :now, NULL, '', '',
  '{"number":"CSX' || (:r)::text || '","kind":"incident","category":"outage","state":"new","priority": 3,"customer_id":' || (:cust)::text || ',"customer_name":"Cliente Bench S.A.S.","critical": false,"service_id":"PGB-' || (:r)::text || '","circuit":"","subject":"Sin servicio en la sede 12","description":"El enlace no responde desde las 08h10; ping sin respuesta desde el CPE.","caller":{"name":"Ana Pérez","phone":"+57 601 555 0012","company":"","email":""},"assigned_group":"","assigned_engineer":"","linked_to":"","resolution":"","created_at": 1796000000000000,"updated_at": 1796000000000000,"response_due": 1796003600000000,"resolution_due": 1796014400000000,"items": [],"updates": []}',
  'CSX' || (:r)::text, 'incident', 'main', 1)
  ON CONFLICT(customer_id, service_id) WHERE service_id <> '' AND state NOT IN ('closed', 'cancelled')
  DO NOTHING RETURNING id AS ticket_id \gset
INSERT INTO ticket_numbers(number, desk_id, ticket_id) VALUES ('CSX' || (:r)::text, 'main', :ticket_id);
INSERT INTO interactions(customer_id, caller, type, outcome, notes, ticket_number, agent, started_at,
  ended_at, desk_id) VALUES (:cust, '{"name":"Ana Pérez","phone":"+57 601 555 0012","company":"","email":""}',
  'opening', 'ticket_opened', 'Llamada de prueba de carga', 'CSX' || (:r)::text, 'bench', :now, :now, 'main')
  RETURNING id;
SELECT message_id FROM mail_outbox WHERE id IN (SELECT id FROM (SELECT id FROM mail_outbox
  WHERE thread_key = 'ticket' || ':' || 'CSX' || (:r)::text AND desk_id = 'main' ORDER BY id LIMIT 1) f
  UNION SELECT id FROM (SELECT id FROM mail_outbox WHERE thread_key = 'ticket' || ':' || 'CSX' || (:r)::text
  AND desk_id = 'main' ORDER BY id DESC LIMIT 9) l) ORDER BY id;
SELECT count(*) FROM (SELECT 1 FROM mail_recipients WHERE address = 'noc' || (:cust)::text || '@cliente.example'
  AND created_at >= (:now)::bigint - 3600000000 LIMIT 100000) c;
INSERT INTO mail_outbox(message_id, event, lang, to_addrs, cc_addrs, subject, body_text, body_html,
  thread_key, in_reply_to, refs, status, attempts, last_error, created_at, updated_at, desk_id)
  VALUES ('<' || (:r)::text || '.' || (:client_id)::text || '@bench>', 'ticket.opened', 'es',
  '["noc' || (:cust)::text || '@cliente.example"]', '[]', '[CSX' || (:r)::text || '] Ticket abierto: Sin servicio en la sede 12',
  'Estimado cliente: registramos el ticket CSX' || (:r)::text || ' para el servicio PGB-' || (:r)::text || '. Prioridad 3. Abierto el 07-12-2026 13h38 (America/Bogota). Le avisaremos de cada cambio.',
  '<p>Estimado cliente: registramos el ticket <b>CSX' || (:r)::text || '</b> para el servicio PGB-' || (:r)::text || '.</p><p>Prioridad 3. Abierto el 07-12-2026 13h38 (America/Bogota).</p>',
  'ticket' || ':' || 'CSX' || (:r)::text, '', '', 'queued', 0, '', :now, :now, 'main') RETURNING id AS mail_id \gset
INSERT INTO mail_recipients(mail_id, address, created_at) VALUES (:mail_id, 'noc' || (:cust)::text || '@cliente.example', :now);
INSERT INTO work_items(kind, payload, due_at) VALUES ('mail.deliver', (:mail_id)::text, :now) RETURNING id;
WITH n AS (INSERT INTO number_series(desk_id, series, last) VALUES ('main', 'CS', 1)
  ON CONFLICT(desk_id, series) DO UPDATE SET last = number_series.last + 1 RETURNING last),
 v AS (SELECT last, 'CS' || CASE WHEN last < 10000000 THEN lpad(last::text, 7, '0') ELSE last::text END AS num FROM n),
 t AS (UPDATE tickets SET number = v.num, doc = replace(doc, 'CSX' || (:r)::text, v.num) FROM v
  WHERE tickets.desk_id = 'main' AND tickets.number = 'CSX' || (:r)::text RETURNING 1),
 tn AS (UPDATE ticket_numbers SET number = v.num FROM v
  WHERE ticket_numbers.desk_id = 'main' AND ticket_numbers.number = 'CSX' || (:r)::text RETURNING 1),
 i AS (UPDATE interactions SET ticket_number = v.num FROM v
  WHERE interactions.desk_id = 'main' AND interactions.ticket_number = 'CSX' || (:r)::text RETURNING 1),
 m AS (UPDATE mail_outbox SET thread_key = replace(thread_key, 'CSX' || (:r)::text, v.num),
  subject = replace(subject, 'CSX' || (:r)::text, v.num), body_text = replace(body_text, 'CSX' || (:r)::text, v.num),
  body_html = replace(body_html, 'CSX' || (:r)::text, v.num) FROM v
  WHERE mail_outbox.desk_id = 'main' AND mail_outbox.thread_key = 'ticket' || ':' || 'CSX' || (:r)::text RETURNING 1),
 a AS (INSERT INTO audit(at, actor, action, entity, entity_id, before, after, desk_id)
  SELECT (:now)::bigint, 'bench', 'ticket.open', 'ticket', v.num, '',
  replace('{"number":"CSX' || (:r)::text || '","kind":"incident","state":"new","priority": 3,"customer_id":' || (:cust)::text || ',"subject":"Sin servicio en la sede 12","updates_added": []}', 'CSX' || (:r)::text, v.num), 'main' FROM v RETURNING 1)
 SELECT v.last, (SELECT count(*) FROM t), (SELECT count(*) FROM tn), (SELECT count(*) FROM a) FROM v;
COMMIT;
