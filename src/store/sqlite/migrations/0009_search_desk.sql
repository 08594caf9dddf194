-- The customer's desk beside its search texts, UNINDEXED (never matched): a
-- search in one desk filters its matches on it, from the row FTS5 reads for
-- the texts anyway, instead of reading each match's customers row. A
-- customer never changes desk, so the copy never goes stale.
CREATE VIRTUAL TABLE customer_search_desk USING fts5(
  name, grp, keys, initials, desk UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
INSERT INTO customer_search_desk(rowid, name, grp, keys, initials, desk)
  SELECT s.rowid, s.name, s.grp, s.keys, s.initials, c.desk_id
  FROM customer_search s JOIN customers c ON c.id = s.rowid;
DROP TABLE customer_search_vocab;
DROP TABLE customer_search;
ALTER TABLE customer_search_desk RENAME TO customer_search;
CREATE VIRTUAL TABLE customer_search_vocab USING fts5vocab(customer_search, row);
