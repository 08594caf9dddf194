-- The next due time of a kind of work (ReadTx::NextDueWork) without reading
-- every pending item: unclaimed items by due_at (work_items_due), and the few
-- claimed ones by the end of their lease here. 100k pending case timers made
-- the old MIN over all of them cost 100 ms per poll.
CREATE INDEX work_items_claimed ON work_items(kind, claimed_until)
  WHERE done_at IS NULL AND claimed_until IS NOT NULL;
