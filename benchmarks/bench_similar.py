"""Repeat/similarity look-up at registration against 1,000,000 earlier petitions (PostgreSQL).

    python benchmarks/bench_similar.py [--rows 1000000] [--probes 300]

Two parts:
1. Same petitioner (ID number / phone blind index): the app's selectors (`same_person_candidates`, and
   `similar_petitions` as a 德清县 clerk sees it), read-only on the 1M-petition bench database
   (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/xinfang_bench, made by benchmarks/generate.py).
2. Near-identical text from anyone (SimHash bands) and same name + address (blind index): these are the
   routing tables; the bench database does not have them, so a copy with the same columns and indexes
   is filled with ROWS rows in a database of our own (xinfang_routing_bench, created if missing).
Then the pair scoring of the candidates found (char TF-IDF on ≤ 10 texts) is timed in Python.
Prints p50/p95/max in milliseconds per look-up.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from xinfang.routing import pairs as rp
from xinfang.routing import text as tx

BENCH = "postgresql://postgres@127.0.0.1:5432/xinfang_bench"
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
OWN = "postgresql://postgres@127.0.0.1:5432/xinfang_routing_bench"


def stats(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def same_petitioner(probes: int) -> list[dict[str, object]]:
    """The app's own look-up (`petitions.selectors`) for petitions already in the 1M database.

    Probes are petitions of 德清县 read as its clerk would see them: half drawn at random, half from the
    people with the most petitions (the slow case: up to 200 candidates per key). Each probe is timed
    twice: the first pass reads index and heap pages from disk or the OS cache as a fresh request would,
    the second finds them in shared buffers.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import common

    common.setup_django()
    from django.db import connection

    from xinfang.orgs.models import User
    from xinfang.petitions.models import Petition
    from xinfang.petitions.selectors import same_person_candidates, similar_petitions

    user = User.objects.select_related("org__parent").get(username="dq_clerk")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.id FROM petitions_petition p TABLESAMPLE SYSTEM (1) "
            "JOIN orgs_org o ON o.id = p.registered_org_id WHERE o.region_code LIKE '330521%%' LIMIT %s",
            [probes // 2],
        )
        random_ids = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT min(t.petition_id) FROM petitions_petitioner t JOIN petitions_petition p ON p.id = "
            "t.petition_id JOIN orgs_org o ON o.id = p.registered_org_id WHERE o.region_code LIKE "
            "'330521%%' AND t.id_number_hash <> '' GROUP BY t.id_number_hash ORDER BY count(*) DESC LIMIT %s",
            [probes // 2],
        )
        frequent_ids = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT count(*) FROM petitions_petition")
        (count,) = cur.fetchone() or (0,)
    out: list[dict[str, object]] = []
    for label, ids in (("random", random_ids), ("frequent", frequent_ids)):
        petitions = list(Petition.objects.filter(pk__in=ids))
        for rnd in ("first", "second"):
            candidates, whole, found = [], [], []
            for p in petitions:
                fresh = Petition.objects.get(pk=p.pk)
                started = time.perf_counter()
                hits = same_person_candidates(fresh)
                candidates.append((time.perf_counter() - started) * 1000)
                fresh = Petition.objects.get(pk=p.pk)
                started = time.perf_counter()
                similar = similar_petitions(fresh, user)
                whole.append((time.perf_counter() - started) * 1000)
                found.append(len(hits))
                del similar
            base = {
                "probes": label,
                "pass": rnd,
                "petitions": count,
                "candidates_mean": round(statistics.mean(found), 1),
            }
            out.append({"lookup": "same_person_candidates", **base, **stats(candidates)})
            out.append({"lookup": "similar_petitions_visible_to_clerk", **base, **stats(whole)})
    return out


def ensure_own(rows: int) -> None:
    with psycopg.connect(SERVER, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'xinfang_routing_bench'").fetchone():
            conn.execute("CREATE DATABASE xinfang_routing_bench")
    with psycopg.connect(OWN, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS routing_petitionvector (id bigserial PRIMARY KEY, petition_id bigint, "
            "simhash bigint, band0 int, band1 int, band2 int, band3 int)"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS routing_personkey (id bigserial PRIMARY KEY, petition_id bigint, key varchar(64))"
        )
        have = conn.execute("SELECT count(*) FROM routing_petitionvector").fetchone()
        if have and have[0] >= rows:
            return
        conn.execute("TRUNCATE routing_petitionvector, routing_personkey")
        # Uniform random 64-bit hashes: real texts cluster more, so real band buckets are somewhat fuller.
        conn.execute(
            "INSERT INTO routing_petitionvector (petition_id, simhash, band0, band1, band2, band3) "
            "SELECT g, h, h & 65535, (h >> 16) & 65535, (h >> 32) & 65535, (h >> 48) & 65535 FROM ("
            " SELECT g, ((random() * 4294967295)::bigint << 32) # (random() * 4294967295)::bigint AS h"
            " FROM generate_series(1, %s) g) s",
            [rows],
        )
        conn.execute(
            "INSERT INTO routing_personkey (petition_id, key) SELECT g, md5(g::text) || md5((g * 7)::text) "
            "FROM generate_series(1, %s) g",
            [rows],
        )
        for i in range(4):
            conn.execute(f"CREATE INDEX IF NOT EXISTS pv_band{i} ON routing_petitionvector (band{i})")
        conn.execute("CREATE INDEX IF NOT EXISTS pk_key ON routing_personkey (key)")
        conn.execute("ANALYZE")


def near_identical(probes: int, rows: int) -> list[dict[str, object]]:
    rng = random.Random(8)
    out = []
    with psycopg.connect(OWN) as conn, conn.cursor() as cur:
        texts = [
            f"小区{rng.randint(1, 999)}号楼违章建筑占用消防通道，物业不管，请求拆除{rng.random()}"
            for _ in range(probes)
        ]
        times = []
        for text in texts:
            started = time.perf_counter()
            value = tx.simhash(tx.document("违章建筑", text))
            bands = tx.simhash_bands(value)
            cur.execute(
                "SELECT petition_id, simhash FROM routing_petitionvector "
                "WHERE band0 = %s OR band1 = %s OR band2 = %s OR band3 = %s LIMIT 200",
                bands,
            )
            found = [pid for pid, h in cur.fetchall() if tx.hamming(value, tx.from_signed64(h)) <= 3]
            del found
            times.append((time.perf_counter() - started) * 1000)
        out.append({"lookup": "near_identical_simhash_incl_hashing", "rows": rows, **stats(times)})
        times = []
        for g in range(probes):
            key = f"{g}" * 3
            started = time.perf_counter()
            cur.execute("SELECT petition_id FROM routing_personkey WHERE key = %s LIMIT 200", [key])
            cur.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        out.append({"lookup": "same_name_address", "rows": rows, **stats(times)})
    docs = [f"小区{i}号楼违章建筑占用消防通道，物业不管，多次反映无果，请求依法拆除。" * 3 for i in range(11)]
    times = []
    for _ in range(50):
        started = time.perf_counter()
        m = rp.pair_vectorizer().fit_transform(docs)
        (m[1:] @ m[0].T).toarray()
        times.append((time.perf_counter() - started) * 1000)
    out.append({"lookup": "score_10_candidates_char_tfidf", **stats(times)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()
    for line in same_petitioner(args.probes):
        print(json.dumps(line), flush=True)
    ensure_own(args.rows)
    for line in near_identical(args.probes, args.rows):
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
