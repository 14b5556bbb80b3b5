"""Commands of `flask --app wsgi ...`: the worker, loading the organisation, the demo CRM."""

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext


def register_cli(app: Flask) -> None:
    """Attach the project's commands to the app."""
    app.cli.add_command(worker_command)
    app.cli.add_command(org_cli)
    app.cli.add_command(crm_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(push_cli)
    app.cli.add_command(evidence_cli)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued and due, then exit.")
@click.option(
    "--sweep-interval",
    type=float,
    default=None,
    help="Seconds between sweeps (default: SWEEP_INTERVAL_SECONDS).",
)
@with_appcontext
def worker_command(burst: bool, sweep_interval: float | None) -> None:
    """Run an RQ worker with its clocks: the periodic sweep, what just fell due, RQ's schedule."""
    from rq import Worker

    from workers.forks import forks_die_with_this_process
    from workers.queues import get_queue
    from workers.tickers import start_tickers, stop_tickers

    forks_die_with_this_process()
    # Jobs run in forks of this process and inherit its app context (workers.context).
    queue = get_queue()
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy, typed by Flask as the app
    tickers = start_tickers(
        app,
        queue,
        sweep_interval or current_app.config["SWEEP_INTERVAL_SECONDS"],
        current_app.config["DISPATCH_INTERVAL_SECONDS"],
    )
    try:
        # No with_scheduler: the dispatch clock moves scheduled jobs (workers.dispatch).
        Worker([queue], connection=queue.connection).work(burst=burst)
    finally:
        stop_tickers(tickers)


org_cli = AppGroup("org", help="The organisation: power companies, teams and users.")


@org_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def org_load(path: str) -> None:
    """Create or update companies, teams and users from a JSON file."""
    from fieldapp.services.org import OrgFileError, load_org

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        counts = load_org(data)
    except json.JSONDecodeError as err:
        raise click.ClickException(f"{path} is not valid JSON: {err}") from None
    except OrgFileError as err:
        raise click.ClickException(f"{path}: {err}") from None
    for kind, tally in counts.items():
        click.echo(
            f"{kind}: {tally['created']} created, {tally['updated']} updated, "
            f"{tally['unchanged']} unchanged"
        )


crm_cli = AppGroup("crm", help="The call center's CRM, simulated for demos.")


@crm_cli.command("simulate")
@click.option("--url", required=True, help="The app's base URL, e.g. http://127.0.0.1:5000")
@click.option(
    "--interval",
    type=float,
    default=20.0,
    show_default=True,
    help="Seconds between tickets after the first burst.",
)
@click.option("--count", type=int, default=None, help="Stop after this many tickets.")
@click.option(
    "--burst", type=int, default=15, show_default=True, help="Tickets sent at once when starting."
)
@click.option("--seed", type=int, default=None, help="Make the tickets reproducible.")
@click.option(
    "--scenario",
    type=click.Choice(["normal", "storm"]),
    default="normal",
    show_default=True,
    help="storm: a station of the first team goes dark.",
)
@click.option(
    "--storm-after",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds into the run when the station goes dark.",
)
@click.option(
    "--storm-calls", type=int, default=150, show_default=True, help="Outage calls the storm brings."
)
@click.option(
    "--storm-minutes",
    type=float,
    default=20.0,
    show_default=True,
    help="Minutes over which they come.",
)
def crm_simulate(
    url: str,
    interval: float,
    count: int | None,
    burst: int,
    seed: int | None,
    scenario: str,
    storm_after: float,
    storm_calls: int,
    storm_minutes: float,
) -> None:
    """Push realistic signed tickets to the app, as the CRM would."""
    import time

    from sqlalchemy import select

    from fieldapp.demo import storm
    from fieldapp.demo.crm_simulator import Timeline, simulate
    from fieldapp.extensions import db
    from fieldapp.models import Team

    teams = list(db.session.scalars(select(Team.code).order_by(Team.code)))
    if not teams:
        raise click.ClickException("no teams yet: run `flask --app wsgi org load FILE` first")
    seed = int(time.time()) if seed is None else seed
    extra: Timeline = ()
    if scenario == "storm":
        dark = storm.Storm(teams[0], storm_after, storm_calls, storm_minutes)
        extra = storm.timeline(dark, seed)
    simulate(
        url,
        current_app.config["CRM_SHARED_SECRET"],
        teams,
        interval=interval,
        count=count,
        burst=burst,
        seed=seed,
        extra=extra,
    )


calendar_cli = AppGroup("calendar", help="Corrections to the Vietnamese holiday calendar.")


@calendar_cli.command("off")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--note", default="", help="Why, e.g. the government decision.")
def calendar_off(day, note: str) -> None:
    """Declare DAY (YYYY-MM-DD) a non-working day."""
    from fieldapp.services.calendar import set_override

    set_override(day.date(), "off", note)
    click.echo(f"{day.date()}: non-working day")


@calendar_cli.command("work")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--note", default="", help="Why, e.g. the make-up Saturday's decision.")
def calendar_work(day, note: str) -> None:
    """Declare DAY (YYYY-MM-DD) a working day (a make-up Saturday, a cancelled holiday)."""
    from fieldapp.services.calendar import set_override

    set_override(day.date(), "work", note)
    click.echo(f"{day.date()}: working day")


@calendar_cli.command("remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def calendar_remove(day) -> None:
    """Drop the correction for DAY; the holidays package decides again."""
    from fieldapp.services.calendar import set_override

    set_override(day.date(), None)
    click.echo(f"{day.date()}: as the holiday calendar says")


@calendar_cli.command("list")
def calendar_list() -> None:
    """Every correction in force."""
    from fieldapp.services.calendar import list_overrides

    for row in list_overrides():
        click.echo(f"{row.day}  {row.kind:<4}  {row.note}")


push_cli = AppGroup("push", help="Web Push notifications.")


@push_cli.command("keys")
def push_keys() -> None:
    """Print a new VAPID key pair, as the environment variables that configure it."""
    from fieldapp.services.push import generate_keys

    keys = generate_keys()
    click.echo(f"VAPID_PRIVATE_KEY={keys.private_key}")
    click.echo(f"VAPID_PUBLIC_KEY={keys.public_key}")


evidence_cli = AppGroup("evidence", help="Photos and documents: clean-up and retention.")
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="List what would be deleted; delete nothing."
)


@evidence_cli.command("cleanup")
@dry_run_option
def evidence_cleanup(dry_run: bool) -> None:
    """Delete uploads no update attached within EVIDENCE_UNATTACHED_HOURS."""
    from fieldapp.models import utcnow
    from workers.evidence import cleanup, unattached_due

    now = utcnow()
    _list_evidence(unattached_due(now), now)
    if not dry_run:
        click.echo(f"deleted {cleanup(now)} unattached uploads")


@evidence_cli.command("purge")
@dry_run_option
def evidence_purge(dry_run: bool) -> None:
    """Delete the evidence of tickets closed longer ago than its retention (EVIDENCE_KEEP_*)."""
    from fieldapp.models import utcnow
    from workers.evidence import purge, purge_due

    now = utcnow()
    _list_evidence(purge_due(now), now)
    if not dry_run:
        click.echo(f"purged {purge(now)} files")


def _list_evidence(query, now) -> None:
    """One line per file (ticket, file, size, age), then the totals."""
    from fieldapp.extensions import db

    count = total = 0
    for row in db.session.execute(query):
        age = now - row.since
        click.echo(
            f"{row.crm_id or '-'}\t#{row.ticket_id or '-'}\t{row.filename}\t{row.size} B\t"
            f"{age.days} d {age.seconds // 3600} h"
        )
        count, total = count + 1, total + row.size
    click.echo(f"{count} files, {total} bytes")
