-- Dispatch notices (avisos de emergencia, ZB-2 … ZB-9). A notice is kept as a
-- JSON document (json/notice_json.h) with the columns lookups and sweeps need.
-- Atiende's own numbers (EME…) come from number_series, series "EME".
CREATE TABLE notices (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,      -- EME0000001, or the dispatch system's
  external_id  TEXT NOT NULL DEFAULT '',  -- the dispatch system's idempotency key
  customer_id  BIGINT NOT NULL,
  state        TEXT NOT NULL,             -- open, closed
  updated_at   BIGINT NOT NULL,           -- µs UTC; ZB-7 measures "no update" from it
  version      BIGINT NOT NULL,
  doc          TEXT NOT NULL
);
-- One notice per external id, enforced by the store (idempotent creation).
CREATE UNIQUE INDEX notices_external_id ON notices(external_id) WHERE external_id <> '';
-- Newest first (ReadTx::ListNotices), by customer or by state.
CREATE INDEX notices_customer ON notices(customer_id, id);
CREATE INDEX notices_state ON notices(state, id);
-- ZB-7: open notices by the time of their last update.
CREATE INDEX notices_stale ON notices(state, updated_at, id);
