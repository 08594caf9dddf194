-- Telephony (mirrors sqlite/0012_telephony_extensions.sql), the admin's side (issue 17, docs/telephony.md).
-- The desk's extensions mapped to its users: an event that names extension
-- "201" pops the call on that user's consoles.
CREATE TABLE telephony_extensions (
  desk_id    TEXT NOT NULL REFERENCES desks(id) ON DELETE CASCADE,
  extension  TEXT NOT NULL,
  username   TEXT NOT NULL,
  PRIMARY KEY (desk_id, extension)
);
-- A desk's telephony settings (no row: the defaults). pop_on: 'answer' (the
-- answering user's console) or 'ringing' (the consoles of those it rings).
-- dial_url: where click-to-dial posts ('' none).
CREATE TABLE telephony_settings (
  desk_id   TEXT PRIMARY KEY REFERENCES desks(id) ON DELETE CASCADE,
  pop_on    TEXT NOT NULL DEFAULT 'answer',
  dial_url  TEXT NOT NULL DEFAULT ''
);
