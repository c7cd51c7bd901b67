"""``policywatch alerts add|list|remove|test``: who gets told when a policy changes."""

from __future__ import annotations

from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError

alerts_app = typer.Typer(rich_markup_mode=None, help="Alert subscriptions: e-mail, webhooks and Apprise URLs.",
                         no_args_is_help=True)


@alerts_app.command("add")
def add(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="mailto:ADDRESS, an http(s):// webhook URL, "
                                          "or any Apprise URL (slack://, ntfy://, json://, ...).")],
    policy: Annotated[list[str] | None, typer.Option("--policy", help="Only this policy "
                      "(slug; repeatable). Default: every policy.")] = None,
    topics: Annotated[list[str] | None, typer.Option("--topics", help="Only changes touching "
                      "these topics, comma-separated (e.g. sharing,retention).")] = None,
    secret: Annotated[str | None, typer.Option("--secret", help="Webhook: sign each POST "
                      "with HMAC-SHA256 of the body (X-Policywatch-Signature).")] = None,
) -> None:
    """Subscribe TARGET to change alerts; prints the subscription id."""
    from policywatch.services.subscriptions import create_subscription

    record = create_subscription(app_context(ctx).archive, target=target, policies=policy or [],
                                 topics=topics or [], secret=secret)
    typer.echo(record.id)


@alerts_app.command("list")
def list_subscriptions(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List active subscriptions with their filters and last delivery."""
    from rich.table import Table
    from policywatch.cli.output import console, print_json, when
    from storage import Outbox
    outbox = Outbox(app_context(ctx).archive)
    subscriptions = outbox.subscriptions()
    if as_json:
        rows = []
        for s in subscriptions:
            recent = outbox.alerts(subscription_id=s.id, limit=1)
            rows.append({**s.to_dict(), "last_alert": recent[0].to_dict() if recent else None})
        print_json(rows)
        return
    if not subscriptions:
        console.print("No subscriptions yet: `policywatch alerts add mailto:you@example.org`.")
        return
    table = Table("id", "channel", "target", "policies", "topics", "signed", "last alert")
    for s in subscriptions:
        recent = outbox.alerts(subscription_id=s.id, limit=1)
        last = f"{recent[0].kind} {recent[0].status} {when(recent[0].created_at)}" if recent else "-"
        table.add_row(str(s.id), s.channel, s.target, ", ".join(s.policies) or "all",
                      ", ".join(s.topics) or "all", "yes" if s.secret else "-", last)
    console.print(table)


@alerts_app.command("remove")
def remove(ctx: typer.Context, subscription_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Stop a subscription (undelivered alerts to it are dropped)."""
    from storage import Outbox
    Outbox(app_context(ctx).archive).remove_subscription(subscription_id)
    typer.echo(f"subscription {subscription_id} removed")


@alerts_app.command("test")
def test(ctx: typer.Context, subscription_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Send a sample change alert to a subscription now; exit 1 if it cannot be delivered."""
    import asyncio

    from policywatch.alerts.trial import send_test_alert
    app = app_context(ctx)
    subscription = asyncio.run(send_test_alert(app.settings, app.archive, subscription_id))
    typer.echo(f"test alert sent to {subscription.target}")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
