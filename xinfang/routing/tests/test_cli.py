"""The three command-line contracts, on small files made here, and a smoke run on the real data."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from xinfang.routing.tests.helpers import BUILDING, LABOUR, need_shared


@pytest.fixture(autouse=True)
def _no_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINFANG_ENCODER", "none")


def _write(path: Path, header: list[str], rows: list[list[object]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _run(*args: str) -> list[dict[str, object]]:
    out = StringIO()
    call_command(*args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def _labelled(
    tmp_path: Path, name: str, rows: list[tuple[str, str]], label: str, start: int
) -> list[list[object]]:
    return [[start + i, f"U{start + i}", "2019-01-01 10:00:00", t, c, label] for i, (t, c) in enumerate(rows)]


def test_it_evaluates_routing_on_two_files_without_a_database(tmp_path):
    header = ["id", "user", "time", "title", "text", "label"]
    train = _labelled(tmp_path, "t", BUILDING[:5], "城乡建设", 1) + _labelled(
        tmp_path, "t", LABOUR[:5], "劳动和社会保障", 10
    )
    test = _labelled(tmp_path, "s", BUILDING[5:], "城乡建设", 20) + _labelled(
        tmp_path, "s", LABOUR[5:], "劳动和社会保障", 30
    )
    (line,) = _run(
        "routing",
        "evaluate",
        "--train",
        _write(tmp_path / "train.csv", header, train),
        "--test",
        _write(tmp_path / "test.csv", header, test),
    )
    assert set(line) == {"macro_f1", "accuracy", "n_train", "n_test", "train_seconds", "ms_per_item"}
    assert (line["n_train"], line["n_test"]) == (10, 2)
    assert 0 <= float(line["macro_f1"]) <= 1  # type: ignore[arg-type]


def test_it_evaluates_repeat_detection_on_labelled_pairs(tmp_path):
    messages = _write(
        tmp_path / "m.csv",
        ["id", "user", "time", "title", "text"],
        [
            [
                1,
                "A",
                "2019-01-01 10:00:00",
                "小区违章建筑占用消防通道",
                "小区东侧有人搭建违章建筑，占用消防通道，物业不管。",
            ],
            [
                2,
                "A",
                "2019-02-01 10:00:00",
                "再次反映小区违章建筑",
                "小区东侧有人搭建违章建筑，占用消防通道，至今未解决。",
            ],
            [3, "A", "2019-03-01 10:00:00", "孩子入学问题", "学区划分不合理，希望教育局重新核定。"],
            [4, "B", "2019-03-02 10:00:00", "公司拖欠工资", "公司拖欠工资三个月。"],
        ],
    )
    pairs = _write(tmp_path / "p.csv", ["id_a", "id_b", "same_matter"], [[1, 2, 1], [1, 3, 0], [2, 3, 0]])
    (line,) = _run("repeats", "evaluate", "--messages", messages, "--pairs", pairs)
    assert line == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "n_pairs": 3}


def test_it_prints_hotspot_groups_as_json_lines(tmp_path):
    plant = "丽景花园小区旁边新建搅拌站，粉尘和噪音严重影响居民生活，请求停止建设。"
    rows = [[i, f"U{i}", f"2019-11-{i + 1:02d} 10:00:00", "丽景花园搅拌站扰民", plant] for i in range(4)]
    rows.append([9, "U9", "2019-11-03 10:00:00", "孩子入学", "学区划分不合理。"])
    rows.append([10, "U10", "2019-06-01 10:00:00", "丽景花园搅拌站扰民", plant])  # outside any 30-day window
    path = _write(tmp_path / "m.csv", ["id", "user", "time", "title", "text"], rows)
    groups = _run("hotspots", "--messages", path, "--window-days", "30", "--min-size", "3")
    assert [g["ids"] for g in groups] == [["0", "1", "2", "3"]]
    assert groups[0]["petitioners"] == 4 and groups[0]["size"] == 4
    assert _run("hotspots", "--messages", path, "--window-days", "30", "--min-size", "5") == []


def test_it_runs_the_contracts_on_the_real_data(tmp_path):
    dev = need_shared("tipdm2020c_classification", "dev.csv")
    hot = need_shared("tipdm2020c_hot_issues")
    with dev.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    train = _write(tmp_path / "tr.csv", header, [list(r.values()) for r in rows[::2]])
    test = _write(tmp_path / "te.csv", header, [list(r.values()) for r in rows[1::2][:60]])
    (scores,) = _run("routing", "evaluate", "--train", train, "--test", test)
    assert float(scores["macro_f1"]) > 0.5  # type: ignore[arg-type]
    # Repeat pairs: only the labelled messages are needed to decide.
    with (hot / "repeat_pairs_dev.csv").open(encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))[:60]
    wanted = {p["id_a"] for p in pairs} | {p["id_b"] for p in pairs}
    with (hot / "messages.csv").open(encoding="utf-8") as handle:
        messages = [r for r in csv.DictReader(handle)]
    small = _write(
        tmp_path / "m.csv",
        ["id", "user", "time", "title", "text"],
        [[r["id"], r["user"], r["time"], r["title"], r["text"]] for r in messages if r["id"] in wanted],
    )
    pairs_file = _write(
        tmp_path / "p.csv",
        ["id_a", "id_b", "same_matter"],
        [[p["id_a"], p["id_b"], p["same_matter"]] for p in pairs],
    )
    (rep,) = _run("repeats", "evaluate", "--messages", small, "--pairs", pairs_file)
    assert rep["n_pairs"] == 60 and float(rep["f1"]) > 0.8  # type: ignore[arg-type]
    recent = _write(
        tmp_path / "h.csv",
        ["id", "user", "time", "title", "text"],
        [
            [r["id"], r["user"], r["time"], r["title"], r["text"]]
            for r in messages
            if r["time"] >= "2019-11-01"
        ],
    )
    groups = _run("hotspots", "--messages", recent, "--window-days", "30", "--min-size", "5")
    assert groups and all(int(g["size"]) >= 5 for g in groups)  # type: ignore[call-overload]
