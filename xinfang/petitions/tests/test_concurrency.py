"""Two clerks acting on one petition at the same moment: the row lock lets them act one after the other.

Every service runs `with transaction.atomic(durable=True): petition = lock(...)`, a SELECT ... FOR UPDATE
on the petition row, and reads the stages only after it holds the lock. These tests prove on PostgreSQL,
with real concurrent connections, that two calls racing on one petition are serialised: the second
waits, then sees the first's result and is refused (or, where the law allows both, acts on it).

How the overlap is made certain rather than lucky (`Race`):
- each racer is a thread with its own database connection, and a `threading.Barrier` releases them
  together;
- the function each service calls right after taking its lock (`_base.check_on`, or
  `intake._next_number` for the numbering counter) is wrapped in a gate: the first racer through it
  stops there, holding its lock, until the test has seen every other racer blocked in PostgreSQL on a
  lock (`pg_stat_activity.wait_event_type = 'Lock'`), and only then lets it go;
- afterwards every other racer must have passed the lock only after that release.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from xinfang.core.errors import Forbidden, IllegalTransition
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs.demo import Region
from xinfang.orgs.models import Role, User
from xinfang.orgs.services import user_ensure
from xinfang.petitions import services
from xinfang.petitions.models import Counter, Document, Event, Outcome, Petition, Stage, StageKind, State
from xinfang.petitions.services import _base, intake
from xinfang.petitions.tests.helpers import id_number

pytestmark = pytest.mark.postgres

TIMEOUT = 20.0  # seconds; only reached when something is broken
RECEIVED_ON = dt.date(2026, 10, 8)
TRANSFERRED_ON = dt.date(2026, 10, 9)
ACCEPTED_ON = dt.date(2026, 10, 12)
EXTENDED_ON = dt.date(2026, 10, 20)
PETITION_ROW_LOCK = ('"petitions_petition"', "FOR UPDATE")


@pytest.fixture(autouse=True, scope="module")
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between concurrent connections are tested on PostgreSQL only")


@pytest.fixture
def people(transactional_db: None, region: Region, users: dict[str, User]) -> dict[str, User]:
    """The demo users plus a second 德清县信访局 clerk and a second 住建局 handler."""
    return {
        **users,
        "dq_clerk2": user_ensure("dq_clerk2", org_code="330521-XFJ", role=Role.CLERK, full_name="杨登记"),
        "dq_zjj2": user_ensure("dq_zjj2", org_code="330521-ZJJ", role=Role.HANDLER, full_name="朱承办"),
    }


def register(actor: User, seq: int = 1) -> Petition:
    return services.petition_register(
        services.PetitionInput(
            channel="letter",
            received_on=RECEIVED_ON,
            subject=f"小区旁违章建筑影响通行（{seq}）",
            content="小区东侧有人搭建违章建筑，占用消防通道，多次向物业反映无果。",
            request="请求依法拆除违章建筑，恢复消防通道。",
            kind="request",
            route="petition",
            region="330521",
            petitioners=[
                services.PetitionerInput(
                    name=f"信访人{seq}",
                    id_number=id_number(seq),
                    phone=f"138{seq:08d}",
                    address="德清县武康街道英溪南路1号",
                )
            ],
        ),
        actor=actor,
    )


def transferred(people: dict[str, User]) -> Petition:
    """A petition the 信访局 has transferred to 住建局: awaiting its acceptance."""
    petition = register(people["dq_clerk"])
    return services.petition_transfer(
        petition.pk, actor=people["dq_clerk"], on=TRANSFERRED_ON, to_org="330521-ZJJ"
    )


def in_handling(people: dict[str, User]) -> Petition:
    petition = transferred(people)
    return services.petition_accept(petition.pk, actor=people["dq_zjj"], on=ACCEPTED_ON)


@dataclasses.dataclass
class Result:
    value: Any = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class Race:
    """Run callables at once in threads (own connections), the first to take the lock held open.

    `module.attr` is the function the services call right after taking the lock; the gate wraps it.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, attr: str) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.holder: str | None = None
        self.locked_at: dict[str, float] = {}
        self.released_at = 0.0
        self.waiting: list[str] = []
        self._mutex = threading.Lock()
        original = getattr(module, attr)

        def gated(*args: Any, **kwargs: Any) -> Any:
            value = original(*args, **kwargs)  # the lock is held by now
            name = threading.current_thread().name
            with self._mutex:
                self.locked_at[name] = time.monotonic()
                first = self.holder is None
                if first:
                    self.holder = name
            if first:
                self.entered.set()
                if not self.release.wait(TIMEOUT):
                    raise RuntimeError("the gate was never released")
            return value

        monkeypatch.setattr(module, attr, gated)

    def run(self, calls: dict[str, Callable[[], Any]], *, first: str | None = None) -> dict[str, Result]:
        """Start every call together (or `first` alone, the others once it holds the lock)."""
        barrier = threading.Barrier(len(calls))
        results = {name: Result() for name in calls}

        def body(name: str, call: Callable[[], Any]) -> None:
            try:
                barrier.wait(TIMEOUT)
                if first is not None and name != first and not self.entered.wait(TIMEOUT):
                    raise RuntimeError(f"{first} never took the lock")
                results[name].value = call()
            except Exception as exc:  # handed to the test thread
                results[name].error = exc
            finally:
                connection.close()

        threads = [
            threading.Thread(target=body, args=item, name=item[0], daemon=True) for item in calls.items()
        ]
        for thread in threads:
            thread.start()
        try:
            assert self.entered.wait(TIMEOUT), f"no racer took the lock: {results}"
            if first is not None:
                assert self.holder == first
            others = [t for t in threads if t.name != self.holder]
            self.waiting = self._lock_waiters(len(others), others)
        finally:
            self.released_at = time.monotonic()
            self.release.set()
            for thread in threads:
                thread.join(TIMEOUT)
        assert not any(t.is_alive() for t in threads), "a racer is stuck"
        return results

    @staticmethod
    def _lock_waiters(count: int, threads: list[threading.Thread]) -> list[str]:
        """The queries of the other connections to this database that wait for a lock (polled)."""
        deadline = time.monotonic() + TIMEOUT
        queries: list[str] = []
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
                )
                queries = [row[0] for row in cursor.fetchall()]
            if len(queries) >= count or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.01)
        return queries

    @property
    def winner(self) -> str:
        """The racer that took the lock first."""
        assert self.holder is not None
        return self.holder

    def assert_serialised(self, *lock: str) -> None:
        """Every other racer was seen blocked on `lock`, and got past it only after the release."""
        others = sorted(set(self.locked_at) - {self.holder})
        assert len(self.waiting) == len(others) >= 1, self.waiting
        for query in self.waiting:
            assert all(part in query for part in lock), query
        for name in others:
            assert self.locked_at[name] >= self.released_at, (name, self.locked_at, self.released_at)


def split(results: dict[str, Result]) -> tuple[str, str]:
    """(winner, loser) of a race that only one may win."""
    won = [name for name, r in results.items() if r.ok]
    lost = [name for name, r in results.items() if not r.ok]
    assert len(won) == 1 and len(lost) == 1, results
    return won[0], lost[0]


def actions(petition: Petition) -> list[str]:
    return list(Event.objects.filter(petition=petition).order_by("id").values_list("action", flat=True))


def open_stages(petition: Petition) -> list[Stage]:
    return list(Stage.objects.filter(petition=petition, closed_on__isnull=True).select_related("org"))


def kinds(petition: Petition) -> list[str]:
    return list(Document.objects.filter(petition=petition).order_by("id").values_list("kind", flat=True))


# --- 转送 against 转送 ---------------------------------------------------------------------------------

TARGETS = {"to_zjj": "330521-ZJJ", "to_rsj": "330521-RSJ"}


def assert_transfer_refused(error: Exception | None) -> None:
    # The loser re-reads the stages under the lock and finds the 15-day stage gone to the winner's unit.
    # The loser's org has passed the matter on: a state conflict (409), not a scope refusal.
    assert isinstance(error, IllegalTransition | Forbidden), error
    assert error.code == "illegal_transition", error.code


def assert_transferred_once(petition: Petition, winner: str, loser: str) -> None:
    """One 转送 to the winner's unit and nothing of the loser's: stages, events, documents."""
    target, other = TARGETS[winner], TARGETS[loser]
    petition.refresh_from_db()
    assert petition.state == State.AWAITING_ACCEPTANCE
    assert petition.last_action_on == TRANSFERRED_ON
    [notice] = open_stages(petition)
    assert notice.from_org is not None
    assert (notice.kind, notice.org.code, notice.from_org.code) == (StageKind.NOTICE, target, "330521-XFJ")
    triage = Stage.objects.get(petition=petition, kind=StageKind.TRIAGE)
    assert (triage.closed_on, triage.outcome) == (TRANSFERRED_ON, Outcome.TRANSFERRED)
    assert Stage.objects.filter(petition=petition).count() == 2

    assert actions(petition) == ["register", "transfer"]
    assert Event.objects.get(petition=petition, action="transfer").data["to_org"] == target
    docs = list(Document.objects.filter(petition=petition).select_related("to_org"))
    assert [d.kind for d in docs] == [DocumentKind.TRANSFER_SLIP, DocumentKind.TRANSFER_NOTICE]
    assert docs[0].to_org is not None and docs[0].to_org.code == target
    assert [d.number for d in docs] == [f"{petition.number}-01", f"{petition.number}-02"]
    other_name = {"330521-ZJJ": "住房和城乡建设局", "330521-RSJ": "人力资源和社会保障局"}[other]
    assert not any(other_name in d.text for d in docs)


def test_two_transfers_at_once_only_one_goes_through(people, monkeypatch):
    petition = register(people["dq_clerk"])
    race = Race(monkeypatch, _base, "check_on")

    results = race.run(
        {
            "to_zjj": lambda: services.petition_transfer(
                petition.pk, actor=people["dq_clerk"], on=TRANSFERRED_ON, to_org=TARGETS["to_zjj"]
            ),
            "to_rsj": lambda: services.petition_transfer(
                petition.pk, actor=people["dq_clerk2"], on=TRANSFERRED_ON, to_org=TARGETS["to_rsj"]
            ),
        }
    )

    winner, loser = split(results)
    assert winner == race.winner
    race.assert_serialised(*PETITION_ROW_LOCK)
    assert_transfer_refused(results[loser].error)
    assert_transferred_once(petition, winner, loser)


def test_two_transfers_without_any_gate_repeatedly(people):
    """The same race as it runs in production, nothing patched: five rounds, one transfer each."""
    for seq in range(1, 6):
        petition = register(people["dq_clerk"], seq)
        barrier = threading.Barrier(2)
        results = {name: Result() for name in TARGETS}

        def body(
            name: str,
            actor: User,
            pk: int = petition.pk,
            results: dict[str, Result] = results,
            barrier: threading.Barrier = barrier,
        ) -> None:
            try:
                barrier.wait(TIMEOUT)
                results[name].value = services.petition_transfer(
                    pk, actor=actor, on=TRANSFERRED_ON, to_org=TARGETS[name]
                )
            except Exception as exc:
                results[name].error = exc
            finally:
                connection.close()

        threads = [
            threading.Thread(target=body, args=("to_zjj", people["dq_clerk"])),
            threading.Thread(target=body, args=("to_rsj", people["dq_clerk2"])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
        winner, loser = split(results)
        assert_transfer_refused(results[loser].error)
        assert_transferred_once(petition, winner, loser)


# --- 受理 against 撤回 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first", ["accept", "withdraw", None], ids=["accept-first", "withdraw-first", "either"]
)
def test_accept_and_withdraw_at_once_end_consistent(people, monkeypatch, first):
    petition = transferred(people)
    race = Race(monkeypatch, _base, "check_on")

    results = race.run(
        {
            "accept": lambda: services.petition_accept(petition.pk, actor=people["dq_zjj"], on=ACCEPTED_ON),
            "withdraw": lambda: services.petition_withdraw(
                petition.pk,
                actor=people["dq_clerk"],
                on=ACCEPTED_ON,
                reason="信访人来电表示问题已解决，申请撤回。",
            ),
        },
        first=first,
    )

    race.assert_serialised(*PETITION_ROW_LOCK)
    assert results["withdraw"].ok, results["withdraw"].error
    petition.refresh_from_db()
    # Whoever held the lock first, the petition ends withdrawn with every clock stopped: no orphan stage.
    assert (petition.state, petition.closed_on, petition.last_action_on) == (
        State.WITHDRAWN,
        ACCEPTED_ON,
        ACCEPTED_ON,
    )
    assert open_stages(petition) == []
    notice = Stage.objects.get(petition=petition, kind=StageKind.NOTICE)
    handling = list(Stage.objects.filter(petition=petition, kind=StageKind.HANDLING))
    if race.winner == "accept":
        # Accepted first; the withdrawal, serialised after it, saw the handling stage and closed it.
        assert results["accept"].ok, results["accept"].error
        assert notice.outcome == Outcome.ACCEPTED
        [stage] = handling
        assert (stage.closed_on, stage.outcome) == (ACCEPTED_ON, Outcome.WITHDRAWN)
        assert actions(petition) == ["register", "transfer", "accept", "withdraw"]
        withdrawal = Event.objects.get(petition=petition, action="withdraw")
        assert withdrawal.stage_id == stage.pk
        assert kinds(petition) == [
            DocumentKind.TRANSFER_SLIP,
            DocumentKind.TRANSFER_NOTICE,
            DocumentKind.ACCEPTANCE_NOTICE,
            DocumentKind.WITHDRAWAL_RECORD,
        ]
    else:
        # Withdrawn first: nothing is left to accept.
        error = results["accept"].error
        assert isinstance(error, IllegalTransition), error
        assert error.status == 409
        assert (notice.closed_on, notice.outcome) == (ACCEPTED_ON, Outcome.WITHDRAWN)
        assert handling == []
        assert actions(petition) == ["register", "transfer", "withdraw"]
        assert kinds(petition) == [
            DocumentKind.TRANSFER_SLIP,
            DocumentKind.TRANSFER_NOTICE,
            DocumentKind.WITHDRAWAL_RECORD,
        ]


# --- 延期 against 延期 ---------------------------------------------------------------------------------


def test_two_extensions_at_once_only_one_is_recorded(people, monkeypatch):
    petition = in_handling(people)
    handling = Stage.objects.get(petition=petition, kind=StageKind.HANDLING)
    days = {"extend_10": 10, "extend_20": 20}
    race = Race(monkeypatch, _base, "check_on")

    def extend(actor: User, n: int) -> Callable[[], Petition]:
        return lambda: services.petition_extend(
            petition.pk, actor=actor, on=EXTENDED_ON, days=n, approver="吴局长", reason="需补充调查取证。"
        )

    results = race.run(
        {
            "extend_10": extend(people["dq_zjj"], days["extend_10"]),
            "extend_20": extend(people["dq_zjj2"], days["extend_20"]),
        }
    )

    winner, loser = split(results)
    assert winner == race.winner
    race.assert_serialised(*PETITION_ROW_LOCK)
    error = results[loser].error
    assert isinstance(error, IllegalTransition), error
    assert (error.status, error.code) == (409, "already_extended")

    handling.refresh_from_db()
    assert handling.extended_days == days[winner]
    assert handling.closed_on is None
    expected = _base.due("handling", ACCEPTED_ON, extension_days=days[winner]).due_on
    assert handling.due_on == expected
    [event] = Event.objects.filter(petition=petition, action="extend")
    assert event.data["days"] == days[winner]
    assert event.data["due_on"] == expected.isoformat()
    assert kinds(petition).count(DocumentKind.EXTENSION_NOTICE) == 1
    petition.refresh_from_db()
    assert (petition.state, petition.last_action_on) == (State.IN_HANDLING, EXTENDED_ON)


# --- 登记 against 登记: the numbering counter --------------------------------------------------------


@pytest.mark.parametrize("earlier", [0, 1], ids=["first-of-the-year", "counter-exists"])
def test_two_registrations_in_one_county_get_distinct_numbers(people, monkeypatch, earlier):
    for seq in range(earlier):
        register(people["dq_clerk"], 100 + seq)
    race = Race(monkeypatch, intake, "_next_number")

    # Two units of 德清县 share the county's counter: its 信访局 and its 住建局 (which opens a notice).
    results = race.run(
        {"xfj": lambda: register(people["dq_clerk"], 1), "zjj": lambda: register(people["dq_zjj"], 2)}
    )

    assert all(r.ok for r in results.values()), results
    # The second either waited on the counter row lock or, for the year's first number, on the
    # unique key of the counter row the first had just inserted.
    race.assert_serialised('"petitions_counter"')
    numbers = {name: r.value.number for name, r in results.items()}
    assert sorted(numbers.values()) == [f"3305212026{earlier + n:07d}" for n in (1, 2)]
    assert numbers[race.winner] == f"3305212026{earlier + 1:07d}"
    assert Counter.objects.get(key="330521-2026").value == earlier + 2
    assert Petition.objects.count() == earlier + 2
    for name, kind in (("xfj", StageKind.TRIAGE), ("zjj", StageKind.NOTICE)):
        [stage] = open_stages(results[name].value)
        assert stage.kind == kind


# --- the same race through the REST API ------------------------------------------------------------


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("second", ["dq_zjj2", "dq_zjj"], ids=["two-handlers", "double-submit"])
def test_two_api_posts_at_once_one_200_one_409(people, monkeypatch, second):
    petition = transferred(people)
    race = Race(monkeypatch, _base, "check_on")
    url = f"/api/v1/petitions/{petition.pk}/actions/"
    body = {"action": "accept", "on": ACCEPTED_ON.isoformat()}
    clients = {"first": client_for(people["dq_zjj"]), "second": client_for(people[second])}

    def post(client: APIClient) -> Callable[[], Any]:
        return lambda: client.post(url, body, format="json")

    results = race.run({name: post(client) for name, client in clients.items()})

    assert all(r.ok for r in results.values()), results
    statuses = {name: r.value.status_code for name, r in results.items()}
    assert statuses[race.winner] == 200, results[race.winner].value.json()
    [loser] = set(statuses) - {race.winner}
    assert statuses[loser] == 409, results[loser].value.json()
    assert results[loser].value.json()["code"] == "illegal_transition"
    assert results[race.winner].value.json()["state"] == State.IN_HANDLING
    race.assert_serialised(*PETITION_ROW_LOCK)

    petition.refresh_from_db()
    assert petition.state == State.IN_HANDLING
    [stage] = open_stages(petition)
    assert (stage.kind, stage.org.code) == (StageKind.HANDLING, "330521-ZJJ")
    assert actions(petition) == ["register", "transfer", "accept"]
    assert kinds(petition).count(DocumentKind.ACCEPTANCE_NOTICE) == 1


def test_two_api_transfers_at_once_one_200_one_refused(people, monkeypatch):
    petition = register(people["dq_clerk"])
    race = Race(monkeypatch, _base, "check_on")
    url = f"/api/v1/petitions/{petition.pk}/actions/"
    posts = {
        "to_zjj": (client_for(people["dq_clerk"]), TARGETS["to_zjj"]),
        "to_rsj": (client_for(people["dq_clerk2"]), TARGETS["to_rsj"]),
    }

    def post(client: APIClient, to_org: str) -> Callable[[], Any]:
        body = {"action": "transfer", "on": TRANSFERRED_ON.isoformat(), "to_org": to_org}
        return lambda: client.post(url, body, format="json")

    results = race.run({name: post(client, to_org) for name, (client, to_org) in posts.items()})

    assert all(r.ok for r in results.values()), results
    [loser] = set(results) - {race.winner}
    assert results[race.winner].value.status_code == 200, results[race.winner].value.json()
    refusal = results[loser].value
    # Refused as in assert_transfer_refused: 409, the matter has already been sent on.
    assert (refusal.status_code, refusal.json()["code"]) == (409, "illegal_transition")
    race.assert_serialised(*PETITION_ROW_LOCK)
    assert_transferred_once(petition, race.winner, loser)
