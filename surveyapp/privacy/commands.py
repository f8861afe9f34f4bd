"""`flask --app wsgi purge`: delete responses past the retention period."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.privacy.erasure import (
    count_drafts,
    count_responses,
    delete_drafts,
    delete_responses,
    submitted_before,
)


@click.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=1), required=True,
              help="Delete responses submitted more than this many days ago.")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@with_appcontext
def purge_command(days: int, dry_run: bool) -> None:
    """Delete responses (with their answers) and unfinished surveys older than the
    retention period. Audited with the counts, never the answers."""
    from surveyapp.auth.access import audit

    # Submission times are kept to the hour (rounded down), so a response is deleted up
    # to an hour before it is exactly DAYS old.
    cutoff = utcnow().replace(microsecond=0) - timedelta(days=days)
    when = f"before {cutoff:%Y-%m-%d %H:%M} UTC ({days} days ago)"
    if dry_run:
        responses, answers = count_responses(db.session, submitted_before(cutoff))
        drafts = count_drafts(db.session, cutoff)
        click.echo(f"Would delete {responses} responses ({answers} answers) submitted {when}, "
                   f"and {drafts} unfinished surveys last saved then. Nothing was deleted.")
        return
    deleted = delete_responses(db.session, submitted_before(cutoff))
    drafts = delete_drafts(db.session, cutoff)
    audit("responses_purged", target=f"older than {days} days", actor=None,
          responses=deleted.responses, answers=deleted.answers, drafts=drafts,
          cutoff=f"{cutoff:%Y-%m-%d %H:%M}", via="cli")
    click.echo(f"Deleted {deleted.responses} responses ({deleted.answers} answers) submitted "
               f"{when}, and {drafts} unfinished surveys last saved then.")
