#!/usr/bin/python3
"""bench/search_peers.py: customer search against two peers a user might pick
instead of Atiende's own index, on the same folded names and queries.

Input: the dump written by `memory_search_bench --dump=FILE` (FILE: id, folded
name, group, keys, initials per line; FILE.queries: class, folded query,
expected id), so every engine indexes exactly the same strings.

Peers:
  pg_trgm  PostgreSQL 15 with a GIN trigram index on " name group keys initials ";
           a query is `q <% doc` (word similarity, threshold 0.5 as Atiende's
           PostgreSQL adapter) ordered by `q <<-> doc`, LIMIT 20. Latency from
           pgbench (-c 1, per-transaction log), one run per class.
  xapian   python3-xapian 1.4, an on-disk database; AND of the terms, the last
           one a prefix (FLAG_PARTIAL), and the spelling correction when nothing
           matches; 20 results. Latency in process (Python bindings).
Both report per class p50/p90/p99 (µs), recall@1, recall@20, empty.

Usage: search_peers.py --dump FILE --pg-url URL [--work DIR] [--per-class N]
Thread-safety: not applicable (a program).
"""
import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"


def pct(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, int(p * len(v)))]


def load_queries(path, per_class):
    classes = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            cls, q, expected = line.rstrip("\n").split("\t")
            lst = classes.setdefault(cls, [])
            if len(lst) < per_class:
                lst.append((q, int(expected)))
    return classes


def psql(url, sql, *args):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", url, "-c", sql, *args],
                          check=True, capture_output=True, text=True).stdout


def report(name, cls, lat_us, hits, queries):
    expected = [(q, e) for q, e in queries if e]
    top1 = sum(1 for (q, e) in expected if hits.get(q) and hits[q][0] == e)
    top20 = sum(1 for (q, e) in expected if e in (hits.get(q) or []))
    empty = sum(1 for q, _ in queries if not hits.get(q))
    n = max(1, len(expected))
    print(f"{name:8s} {cls:8s} {pct(lat_us, .5):8.0f} {pct(lat_us, .9):8.0f} {pct(lat_us, .99):8.0f}"
          f" {top1 / n:9.3f} {top20 / n:9.3f} {empty / max(1, len(queries)):6.3f}", flush=True)


def run_pg(url, dump, classes, work):
    t0 = time.time()
    psql(url, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
    psql(url, "DROP TABLE IF EXISTS peer_customers; DROP TABLE IF EXISTS peer_queries;"
              " CREATE UNLOGGED TABLE peer_customers (id bigint, name text, grp text, keys text,"
              " initials text, doc text)")
    with open(dump, "rb") as f:
        subprocess.run(["psql", "-X", "-q", url, "-c",
                        "COPY peer_customers(id, name, grp, keys, initials) FROM STDIN"],
                       stdin=f, check=True)
    psql(url, "UPDATE peer_customers SET doc = ' ' || name || ' ' || grp || ' ' || keys || ' '"
              " || initials || ' '")
    psql(url, "CREATE INDEX peer_customers_trgm ON peer_customers USING gin (doc gin_trgm_ops);"
              " ANALYZE peer_customers")
    print(f"pg_trgm: loaded and indexed in {time.time() - t0:.1f} s;"
          f" index {psql(url, 'SELECT pg_size_pretty(pg_relation_size(' + chr(39) + 'peer_customers_trgm' + chr(39) + '))').strip()}",
          flush=True)
    psql(url, "CREATE TABLE peer_queries (n int, cls text, q text, expected bigint)")
    rows = []
    for cls, qs in classes.items():
        for i, (q, e) in enumerate(qs):
            rows.append(f"{len(rows) + 1}\t{cls}\t{q}\t{e}\n")
    subprocess.run(["psql", "-X", "-q", url, "-c", "COPY peer_queries FROM STDIN"],
                   input="".join(rows), text=True, check=True)
    search = ("SELECT id FROM peer_customers WHERE q <% doc ORDER BY q <<-> doc, id LIMIT 20")
    # Quality: every query once, in SQL.
    out = psql(url, "SET pg_trgm.word_similarity_threshold = 0.5;"
                    " SELECT n, coalesce(string_agg(id::text, ',' ORDER BY r), '') FROM peer_queries"
                    " LEFT JOIN LATERAL (SELECT id, row_number() OVER () AS r FROM ("
                    + search.replace("q <", "peer_queries.q <") + ") s) h ON true GROUP BY n")
    by_n = {}
    for line in out.splitlines():
        if "|" not in line:
            continue
        n, ids = line.split("|", 1)
        by_n[int(n)] = [int(x) for x in ids.split(",") if x]
    n = 0
    for cls, qs in classes.items():
        hits = {}
        first = n + 1
        for q, _ in qs:
            n += 1
            hits[q] = by_n.get(n, [])
        script = os.path.join(work, f"pg_{cls}.sql")
        with open(script, "w") as f:
            f.write(f"\\set n random({first}, {n})\n"
                    "SET pg_trgm.word_similarity_threshold = 0.5;\n"
                    "SELECT id FROM peer_customers, (SELECT q FROM peer_queries WHERE n = :n) x"
                    " WHERE x.q <% doc ORDER BY x.q <<-> doc, id LIMIT 20;\n")
        logdir = os.path.join(work, f"pglog_{cls}")
        shutil.rmtree(logdir, ignore_errors=True)
        os.makedirs(logdir)
        subprocess.run([f"{PG_BIN}/pgbench", "-n", "-c", "1", "-t", str(len(qs)), "-f", script,
                        "-l", "--log-prefix", os.path.join(logdir, "log"), url],
                       check=True, capture_output=True, cwd=logdir)
        lat = []
        for name in os.listdir(logdir):
            with open(os.path.join(logdir, name)) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 3:
                        lat.append(float(parts[2]))  # µs per transaction (two statements)
        report("pg_trgm", cls, lat, hits, qs)


def run_xapian(dump, classes, work):
    import xapian  # python3-xapian
    path = os.path.join(work, "xapian.db")
    shutil.rmtree(path, ignore_errors=True)
    t0 = time.time()
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_database(db)
    tg.set_flags(xapian.TermGenerator.FLAG_SPELLING)
    with open(dump, encoding="utf-8") as f:
        for line in f:
            cid, name, grp, keys, initials = line.rstrip("\n").split("\t")
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(" ".join((name, grp, keys, initials)))
            doc.add_value(0, cid)
            db.add_document(doc)
    db.commit()
    db.close()
    print(f"xapian: indexed in {time.time() - t0:.1f} s;"
          f" database {subprocess.run(['du', '-sh', path], capture_output=True, text=True).stdout.split()[0]}",
          flush=True)
    db = xapian.Database(path)
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND)
    flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_PARTIAL | \
        xapian.QueryParser.FLAG_SPELLING_CORRECTION
    enquire = xapian.Enquire(db)

    def search(q):
        enquire.set_query(qp.parse_query(q, flags))
        m = enquire.get_mset(0, 20)
        if m.empty():
            corrected = qp.get_corrected_query_string()
            if corrected:
                enquire.set_query(qp.parse_query(corrected.decode(), flags))
                m = enquire.get_mset(0, 20)
        return [int(item.document.get_value(0)) for item in m]

    for cls, qs in classes.items():
        for q, _ in qs:  # warm-up
            search(q)
        hits, lat = {}, []
        for _ in range(2):
            for q, _ in qs:
                t = time.perf_counter()
                hits[q] = search(q)
                lat.append((time.perf_counter() - t) * 1e6)
        report("xapian", cls, lat, hits, qs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--work", default="")
    ap.add_argument("--per-class", type=int, default=200)
    ap.add_argument("--skip", default="", help="comma-separated: pg_trgm,xapian")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="search-peers-")
    os.makedirs(work, exist_ok=True)
    classes = load_queries(a.dump + ".queries", a.per_class)
    print(f"{'engine':8s} {'class':8s} {'p50_us':>8s} {'p90_us':>8s} {'p99_us':>8s}"
          f" {'recall@1':>9s} {'recall@20':>9s} {'empty':>6s}", flush=True)
    skip = set(a.skip.split(","))
    if "pg_trgm" not in skip:
        run_pg(a.pg_url, a.dump, classes, work)
    if "xapian" not in skip:
        run_xapian(a.dump, classes, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
