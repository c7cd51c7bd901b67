"""The alert outbox, subscriptions and leases, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from storage import AlertWriter, Archive, LeaseHeld, Leases, NewAlert, NotFound, Outbox


@pytest.fixture
def outbox(archive: Archive) -> Outbox:
    return Outbox(archive)


def _alert(key: str, subscription_id: int, policy_id: int | None = None) -> NewAlert:
    return NewAlert(dedupe_key=key, subscription_id=subscription_id, kind="change",
                    payload={"subject": f"alert {key}", "text": "body"}, policy_id=policy_id)


def test_subscriptions_round_trip_and_removal_drops_pending_alerts(outbox: Outbox) -> None:
    mail = outbox.add_subscription(target="mailto:dpo@example.org", channel="email",
                                   policies=["example.com"], topics=["retention", "sharing"])
    hook = outbox.add_subscription(target="https://hooks.example.org/pw", channel="webhook",
                                   secret="s3cret")
    assert mail.policies == ("example.com",) and mail.topics == ("retention", "sharing")
    assert hook.policies == () and hook.secret == "s3cret"
    assert hook.to_dict()["signed"] is True and "s3cret" not in str(hook.to_dict())
    assert [s.id for s in outbox.subscriptions()] == [mail.id, hook.id]

    outbox.enqueue([_alert("a", mail.id), _alert("b", hook.id)])
    outbox.remove_subscription(mail.id)
    assert [s.id for s in outbox.subscriptions()] == [hook.id]
    assert outbox.subscription(mail.id).active is False
    statuses = {a.dedupe_key: a.status for a in outbox.alerts()}
    assert statuses == {"a": "failed", "b": "pending"}
    with pytest.raises(NotFound, match="no active subscription"):
        outbox.remove_subscription(mail.id)
    with pytest.raises(NotFound):
        outbox.subscription(9999)


def test_alerts_are_written_with_their_cause_or_not_at_all(archive: Archive, outbox: Outbox) -> None:
    sub = outbox.add_subscription(target="json://127.0.0.1/x", channel="apprise")
    policy = archive.add_policy(name="Example", url="https://example.com/privacy",
                                domain="example.com")

    def write_then_fail(tx, _policy) -> None:
        AlertWriter(tx).enqueue([_alert("lost", sub.id, policy.id)])
        raise RuntimeError("the recording transaction fails after the alert was added")

    with pytest.raises(RuntimeError):
        archive.in_transaction(policy.id, write_then_fail)
    assert outbox.alerts() == []

    def write(tx, _policy) -> None:
        writer = AlertWriter(tx)
        assert [s.id for s in writer.subscriptions()] == [sub.id]
        assert writer.enqueue([_alert("kept", sub.id, policy.id)]) == 1
        assert writer.enqueue([_alert("kept", sub.id, policy.id)]) == 0  # same dedupe key
        writer.set_broken_since(policy.id, datetime(2025, 1, 1, tzinfo=UTC))

    archive.in_transaction(policy.id, write)
    assert [a.dedupe_key for a in outbox.alerts()] == ["kept"]
    assert archive.policy(policy.slug).broken_since == datetime(2025, 1, 1, tzinfo=UTC)
    assert outbox.enqueue([_alert("kept", sub.id, policy.id)]) == 0


def test_claim_send_and_retry(outbox: Outbox) -> None:
    sub = outbox.add_subscription(target="https://x.example/hook", channel="webhook")
    outbox.enqueue([_alert("one", sub.id), _alert("two", sub.id)])
    one, two = outbox.due()
    claimed = outbox.claim(one, hold=timedelta(seconds=60))
    assert claimed is not None and claimed.status == "sending" and claimed.attempts == 1
    assert claimed.payload["subject"] == "alert one"
    assert outbox.claim(one, hold=timedelta(seconds=60)) is None  # nobody claims it twice
    outbox.mark_sent(one)
    assert outbox.alert(one).status == "sent" and outbox.alert(one).sent_at is not None
    assert outbox.due() == [two]

    # A failure that certainly did not deliver: pending again, due only later.
    assert outbox.claim(two, hold=timedelta(seconds=60)) is not None
    later = datetime.now(UTC) + timedelta(minutes=5)
    outbox.mark_failed(two, "connection refused", retry_at=later)
    row = outbox.alert(two)
    assert row.status == "pending" and row.last_error == "connection refused"
    assert outbox.due() == [] and outbox.claim(two, hold=timedelta(seconds=60)) is None
    assert outbox.due(now=later + timedelta(seconds=1)) == [two]
    # Out of retries: failed for good.
    outbox.mark_failed(two, "still refused", retry_at=None)
    assert outbox.alert(two).status == "pending"  # only a claimed row can fail
    with_claim = Outbox(outbox.archive)
    # Force it due now by recording the retry in the past.
    with_claim.enqueue([_alert("three", sub.id)])
    three = with_claim.due()[0]
    assert with_claim.claim(three, hold=timedelta(seconds=60)) is not None
    with_claim.mark_failed(three, "550 no such user", retry_at=None)
    assert with_claim.alert(three).status == "failed"
    assert three not in with_claim.due(now=datetime.now(UTC) + timedelta(days=1))


def test_a_send_interrupted_by_a_dead_process_is_never_sent_again(outbox: Outbox) -> None:
    sub = outbox.add_subscription(target="https://x.example/hook", channel="webhook")
    outbox.enqueue([_alert("k", sub.id)])
    alert_id = outbox.due()[0]
    assert outbox.claim(alert_id, hold=timedelta(seconds=60)) is not None
    # The process dies here. While the hold lasts, nothing happens to the row ...
    assert outbox.abandon_interrupted() == 0
    assert outbox.alert(alert_id).status == "sending"
    # ... after it, the row is failed (not re-sent: we cannot know whether it went out).
    assert outbox.abandon_interrupted(now=datetime.now(UTC) + timedelta(seconds=61)) == 1
    row = outbox.alert(alert_id)
    assert row.status == "failed" and "interrupted" in (row.last_error or "")
    assert outbox.due(now=datetime.now(UTC) + timedelta(days=1)) == []


def test_concurrent_claims_give_each_alert_to_exactly_one_sender(outbox: Outbox) -> None:
    sub = outbox.add_subscription(target="https://x.example/hook", channel="webhook")
    outbox.enqueue([_alert(f"k{i}", sub.id) for i in range(12)])
    ids = outbox.due()
    won: list[int] = []
    lock = threading.Lock()

    def sender() -> None:
        for alert_id in ids:
            if outbox.claim(alert_id, hold=timedelta(seconds=60)) is not None:
                with lock:
                    won.append(alert_id)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == sorted(ids)


def test_lease_is_exclusive_until_it_expires_or_is_released(archive: Archive) -> None:
    leases = Leases(archive)
    first = leases.acquire("scheduler", "host-a:100", ttl=timedelta(seconds=60))
    assert first.holder == "host-a:100"
    with pytest.raises(LeaseHeld) as held:
        leases.acquire("scheduler", "host-b:200", ttl=timedelta(seconds=60))
    assert held.value.holder == "host-a:100" and "host-a:100" in str(held.value)
    # Renewing and re-acquiring by the holder are fine.
    assert leases.renew("scheduler", "host-a:100", ttl=timedelta(seconds=60)).holder == "host-a:100"
    assert leases.acquire("scheduler", "host-a:100", ttl=timedelta(seconds=60)).holder == "host-a:100"
    # A holder known to be dead can be replaced before expiry.
    taken = leases.acquire("scheduler", "host-a:300", ttl=timedelta(seconds=60), replace="host-a:100")
    assert taken.holder == "host-a:300"
    with pytest.raises(LeaseHeld):
        leases.renew("scheduler", "host-a:100", ttl=timedelta(seconds=60))
    assert leases.release("scheduler", "host-b:200") is False
    assert leases.release("scheduler", "host-a:300") is True
    assert leases.current("scheduler") is None
    # An expired lease goes to whoever asks next.
    leases.acquire("scheduler", "host-c:1", ttl=timedelta(seconds=-1))
    assert leases.acquire("scheduler", "host-d:2", ttl=timedelta(seconds=60)).holder == "host-d:2"


def test_racing_for_a_free_lease_has_one_winner(archive: Archive) -> None:
    winners: list[str] = []
    barrier = threading.Barrier(4)

    def contender(i: int) -> None:
        leases = Leases(archive)
        barrier.wait()
        try:
            leases.acquire("race", f"h:{i}", ttl=timedelta(seconds=60))
            winners.append(f"h:{i}")
        except LeaseHeld:
            pass

    threads = [threading.Thread(target=contender, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    current = Leases(archive).current("race")
    assert current is not None and current.holder == winners[0]
