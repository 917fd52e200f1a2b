#!/usr/bin/env python3
"""The PostgreSQL peer of ``make compare``: the same CSV in tables, the queries as SQL.

    python3 benches/compare/postgres.py --data DIR --out FILE [--rounds N] [--runs N]

Starts a throwaway PostgreSQL 15 server (``initdb`` into a new temporary folder,
``pg_ctl start`` on 127.0.0.1 and a Unix socket in that folder, a free port),
loads ``nodes.csv`` and ``edges.csv`` with ``COPY``, indexes and analyses them,
measures, then stops the server and deletes the folder -- also on an error or
Ctrl-C. Run as root, the server runs as the ``postgres`` user (``runuser``):
``initdb`` refuses root.

Queries are timed from Python with psycopg 3 over the Unix socket, one prepared
statement per query (a round trip each, as an application would call it); the
median is over batches of 100 as for every peer. The same queries are also run
100 to a statement (``unnest`` of the sample + ``LATERAL``), which gives the
server's own time per query without the round trips; those figures are notes.

Server settings (all single-threaded, like the other peers): no parallel
workers, ``shared_buffers`` 1 GB, ``work_mem`` 64 MB, ``maintenance_work_mem``
1 GB; the data is throwaway, so ``fsync``, ``synchronous_commit`` and
``full_page_writes`` are off. Everything else is the default configuration.
"""

import argparse
import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import shared
from shared import Result

SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "1GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "max_parallel_workers_per_gather": "0",
    "max_parallel_maintenance_workers": "0",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}

SCHEMA = """
CREATE TABLE nodes (idx int NOT NULL, id text NOT NULL, type text NOT NULL, kind text NOT NULL,
                    members int, parent int);
CREATE TABLE edges (link int NOT NULL, src int NOT NULL, dst int NOT NULL, kind text NOT NULL,
                    is_primary boolean, role text, scope int);
"""

INDEXES = [
    "ALTER TABLE nodes ADD PRIMARY KEY (idx)",
    "CREATE INDEX nodes_parent ON nodes (parent)",
    "ALTER TABLE edges ADD PRIMARY KEY (link)",
    # Links arriving at a record by kind: leaders, party organisations, jurisdiction holders.
    "CREATE INDEX edges_in ON edges (dst, kind) INCLUDE (src, link, is_primary)",
    # Links between two records by kind: a holder's responsible links to a matter.
    "CREATE INDEX edges_out ON edges (src, dst, kind) INCLUDE (link, role, scope)",
    # Scoped lead links of a matter.
    "CREATE INDEX edges_scoped ON edges (dst, scope) INCLUDE (link) WHERE kind = 'responsible' AND role = 'lead'",
]

# The chain walk: the leader is the primary leads link first, else the first in document order;
# CYCLE stops the walk at a unit already on the path (that row has is_cycle = true).
CHAIN = """
WITH RECURSIVE walk(node, depth) AS (
    SELECT {u}, 1
  UNION ALL
    SELECT l.src, w.depth + 1
    FROM walk w
    CROSS JOIN LATERAL (
        SELECT e.src FROM edges e
        WHERE e.dst = w.node AND e.kind = 'leads'
        ORDER BY e.is_primary IS TRUE DESC, e.link
        LIMIT 1) l
) CYCLE node SET is_cycle USING path
SELECT array_agg(node ORDER BY depth) FILTER (WHERE NOT is_cycle) AS units, bool_or(is_cycle) AS cycle
FROM walk
"""

# Every unit reaching the unit by leads links, the unit excluded (UNION: each unit once, cycles end).
ANCESTORS = """
WITH RECURSIVE up(node) AS (
    SELECT {u}
  UNION
    SELECT e.src FROM up JOIN edges e ON e.dst = up.node AND e.kind = 'leads'
)
SELECT coalesce(array_agg(node), '{{}}') AS units FROM up WHERE node <> {u}
"""

# The lead links for the matter applying at territory {x}: scoped there, or held there by jurisdiction.
# The holders' links are looked up from each holder (OFFSET 0 keeps PostgreSQL from flattening the
# subquery): where the matter is not a known value (the generic plan PostgreSQL switches a prepared
# statement to after five runs, or a batch's LATERAL) the planner otherwise starts from all the
# matter's `responsible` links: 186 ms a query nationally, against 0.26 ms now.
APPLYING = """(
    SELECT array_agg(link ORDER BY link) FROM (
        SELECT r.link FROM edges j
        CROSS JOIN LATERAL (
            SELECT r.link FROM edges r
            WHERE r.src = j.src AND r.dst = {m} AND r.kind = 'responsible' AND r.role = 'lead' AND r.scope IS NULL
            OFFSET 0) r
        WHERE j.dst = {x} AND j.kind = 'jurisdiction'
      UNION
        SELECT r.link FROM edges r WHERE r.dst = {m} AND r.scope = {x} AND r.kind = 'responsible' AND r.role = 'lead'
    ) a)"""

# The dispatch-like lookup: walk up the parents from the territory, stopping at the first with lead links.
# (A first version joined every level at once and took the nearest: PostgreSQL's generic plan then
# started from all the matter's lead links, 2-8x slower than this walk.)
DISPATCH = """
WITH RECURSIVE walk(t, links) AS (
    SELECT {t}, AT_T
  UNION ALL
    SELECT n.parent, AT_PARENT
    FROM walk w JOIN nodes n ON n.idx = w.t
    WHERE w.links IS NULL AND n.parent IS NOT NULL
)
SELECT t, links FROM walk WHERE links IS NOT NULL
""".replace("AT_T", APPLYING.replace("{x}", "{t}")).replace("AT_PARENT", APPLYING.replace("{x}", "n.parent"))

SCAN = """
SELECT
  (SELECT count(*) FROM nodes u
   WHERE u.type = 'unit' AND u.members >= 3
     AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.dst = u.idx AND e.kind = 'party_org_of')),
  (SELECT count(*) FROM nodes t
   WHERE t.type = 'territory'
     AND NOT EXISTS (SELECT 1 FROM nodes c WHERE c.parent = t.idx)
     AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.dst = t.idx AND e.kind = 'jurisdiction'))
"""


def single(sql, **params):
    """A query for one sample entry, parameters as %s placeholders (in order)."""
    return sql.format(**{k: "%s::int" for k in params})


def batched(sql, select, **columns):
    """The query for 100 entries in one statement: LATERAL over unnest of int arrays."""
    arrays = ", ".join("%s::int[]" for _ in columns)
    names = ", ".join(columns)
    inner = sql.format(**{k: f"s.{k}" for k in columns})
    return f"SELECT {select} FROM unnest({arrays}) AS s({names}) CROSS JOIN LATERAL ({inner}) q"


class Server:
    """A throwaway PostgreSQL server in a temporary folder; stopped and deleted by ``stop``."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="tiaokuai-pg-")
        self.data = os.path.join(self.dir, "data")
        self.started = False
        self.user = None
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                sys.exit("postgres.py: run as root, but there is no postgres user to run the server as")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.user = "postgres"
        self.port = free_port()

    def cmd(self, *args):
        argv = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        return argv

    def start(self):
        run(self.cmd("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"))
        opts = " ".join([f"-k {self.dir}", f"-p {self.port}"] + [f"-c {k}={v}" for k, v in SERVER_SETTINGS.items()])
        run(self.cmd("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-w", "-o", opts, "start"))
        self.started = True

    def stop(self):
        if self.started:
            self.started = False
            subprocess.run(
                self.cmd("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        sys.exit(f"postgres.py: {' '.join(argv)} failed ({p.returncode}):\n{p.stdout}{p.stderr}")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_bindir():
    for d in ("/usr/lib/postgresql/15/bin",):
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if os.path.exists(os.path.join(out, "initdb")):
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    sys.exit("postgres.py: no initdb found; install the server with: apt-get install -y postgresql-15")


def vm_hwm_mib(pid):
    """The peak resident memory of a process (VmHWM), in MiB, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def copy_file(cur, table, path):
    with open(path, "rb") as f, cur.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy:
        while block := f.read(1 << 20):
            copy.write(block)


def measure(conn, args, res):
    cur = conn.cursor()
    t0 = time.perf_counter()
    cur.execute(SCHEMA)
    copy_file(cur, "nodes", os.path.join(args.data, "nodes.csv"))
    copy_file(cur, "edges", os.path.join(args.data, "edges.csv"))
    for sql in INDEXES:
        cur.execute(sql)
    cur.execute("VACUUM ANALYZE nodes")
    cur.execute("VACUUM ANALYZE edges")
    res.set("load_s", time.perf_counter() - t0)
    cur.execute("SELECT pg_total_relation_size('nodes') + pg_total_relation_size('edges')")
    db_mib = cur.fetchone()[0] / 2**20

    sample = shared.read_sample(args.data)
    units = [s["unit"] for s in sample]
    pairs = [(s["matter"], s["territory"]) for s in sample]
    chain_sql = single(CHAIN, u=1)
    ancestors_sql = ANCESTORS.format(u="%(u)s::int")
    dispatch_sql = DISPATCH.format(t="%(t)s::int", m="%(m)s::int")

    def chain(u):
        cur.execute(chain_sql, (u,), prepare=True)
        return cur.fetchone()

    def ancestors(u):
        cur.execute(ancestors_sql, {"u": u}, prepare=True)
        return cur.fetchone()[0]

    def resolve(pair):
        cur.execute(dispatch_sql, {"m": pair[0], "t": pair[1]}, prepare=True)
        return cur.fetchone()

    # Warm-up passes: their answers are the checks.
    chain_check = shared.chain_check([(p, bool(c)) for p, c in map(chain, units)])
    ancestors_check = shared.ancestors_check([ancestors(u) for u in units])
    answers = [row or (None, ()) for row in map(resolve, pairs)]
    dispatch_check = shared.dispatch_check(answers)
    res.op("chain", shared.time_queries(units, chain, args.rounds), chain_check)
    res.op("ancestors", shared.time_queries(units, ancestors, args.rounds), ancestors_check)
    res.op("dispatch", shared.time_queries(pairs, resolve, args.rounds), dispatch_check)
    cur.execute(SCAN)
    counts = cur.fetchone()

    def scan():
        cur.execute(SCAN, prepare=True)
        return cur.fetchone()

    ns, counts = shared.time_runs(scan, args.runs)
    res.op("scan", ns, list(counts))

    # The server's time per query without round trips: 100 queries per statement.
    batch_sql = {
        "chain": batched(CHAIN, "q.units, q.cycle", u=1),
        "ancestors": batched(ANCESTORS, "q.units", u=1),
        "dispatch": batched(DISPATCH, "q.t, q.links", m=1, t=1),
    }
    batch_args = {
        "chain": [[u] for u in units],
        "ancestors": [[u] for u in units],
        "dispatch": [[m, t] for m, t in pairs],
    }
    in_server = {}
    for op, sql in batch_sql.items():
        rows = batch_args[op]
        groups = [rows[i : i + shared.BATCH] for i in range(0, len(rows) - shared.BATCH + 1, shared.BATCH)]
        params = [[list(col) for col in zip(*g)] for g in groups]

        def statement(p, sql=sql):
            cur.execute(sql, p, prepare=True)
            return cur.fetchall()

        got = sum(len(statement(p)) for p in params)  # warm-up
        per = []
        for _ in range(args.rounds):
            for p in params:
                t = time.perf_counter_ns()
                statement(p)
                per.append((time.perf_counter_ns() - t) / shared.BATCH)
        per.sort()
        in_server[op] = per[len(per) // 2]
        res.doc["ops"][op]["in_server_ns"] = in_server[op]
        res.doc["ops"][op]["in_server_rows"] = got
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    res.set("peak_rss_mib", vm_hwm_mib(pid))
    res.set("db_mib", db_mib)
    res.note(
        f"PostgreSQL: peak RSS is the server backend's VmHWM (shared buffers it touched included); "
        f"tables and indexes take {db_mib:,.0f} MiB; queries timed from Python (psycopg, prepared, Unix socket), "
        "one round trip each; 100 per statement (LATERAL, no round trips) the server takes "
        + ", ".join(f"{op} {ns / 1000:,.1f} µs" for op, ns in in_server.items())
        + " per query"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="the folder with nodes.csv, edges.csv, sample.csv")
    ap.add_argument("--out", required=True, help="where to write the result (JSON)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the sample per timed query")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of the scan")
    args = ap.parse_args()
    import psycopg

    server = Server(find_bindir())
    atexit.register(server.stop)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda n, _f: sys.exit(128 + n))
    try:
        server.start()
        with psycopg.connect(host=server.dir, port=server.port, user="postgres", dbname="postgres") as conn:
            conn.autocommit = True
            version = conn.execute("SHOW server_version").fetchone()[0]
            res = Result("postgresql", version.split()[0])
            res.set("runtime", f"psycopg {psycopg.__version__}, {shared.python_version()}")
            measure(conn, args, res)
        res.write(args.out)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
