"""`flask --app wsgi …` commands."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import delete

from surveyapp.extensions import db
from surveyapp.models import Draft, Partner, Role, User
from surveyapp.models.base import utcnow
from surveyapp.surveys.definition import DefinitionError
from surveyapp.surveys.files import read_survey
from surveyapp.surveys.store import add_version

surveys = AppGroup("surveys", help="Check and load survey definition files.")


@surveys.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check_survey(path: str) -> None:
    """Validate a survey definition file and its translations, changing nothing."""
    definition = _read_or_exit(path)
    click.echo(f"{path}: valid: {len(definition.pages)} pages, "
               f"{len(definition.questions)} questions, "
               f"languages {', '.join(definition.languages)}")


@surveys.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--draft", is_flag=True, help="Add as an unpublished draft version.")
def load_survey(path: str, draft: bool) -> None:
    """Load a survey definition file as the survey's next version."""
    definition = _read_or_exit(path)
    version = add_version(definition, publish=not draft)
    state = "draft" if draft else "published"
    click.echo(f"Loaded '{definition.key}' as version {version.number} ({state}).")


def _read_or_exit(path: str):  # type: ignore[no-untyped-def]
    try:
        return read_survey(path)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from error


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo survey, partners, links and logins (once), and print them."""
    from surveyapp.demo import seed_demo

    survey, links, created = seed_demo()
    click.echo(("Loaded" if created else "Already loaded:") + f" demo survey '{survey.title}'.")
    base = current_app.config["PUBLIC_BASE_URL"] or "http://127.0.0.1:5000"
    for link in links:
        click.echo(f"  {base}/s/{link.code}   {link.partner.name}: {link.label} "
                   f"[{link.default_language or 'phone language'}]")
    if created:
        from surveyapp.demo import seed_demo_users

        click.echo(f"Demo logins at {base}/staff/login (shown once; passwords are stored "
                   "only as hashes):")
        for email, role, password in seed_demo_users(survey, links):
            click.echo(f"  {role:9s} {email}   password: {password}")


@click.command("purge-drafts")
@with_appcontext
@click.option("--older-than", "days", type=click.IntRange(min=1), default=None,
              help="Days since the draft was last saved (default DRAFT_RETENTION_DAYS).")
def purge_drafts(days: int | None) -> None:
    """Delete unfinished surveys nobody has touched for a while."""
    keep = days or current_app.config["DRAFT_RETENTION_DAYS"]
    result = db.session.execute(delete(Draft).where(Draft.updated_at < utcnow()
                                                    - timedelta(days=keep)))
    db.session.commit()
    click.echo(f"Deleted {result.rowcount} unfinished surveys older than {keep} days.")  # type: ignore[attr-defined]


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--partner", "partner_name", help="The partner organisation (for --role partner).")
@click.option("--password", envvar="SURVEYAPP_NEW_PASSWORD", default=None,
              help="Set this password now (or SURVEYAPP_NEW_PASSWORD); otherwise print a "
                   "one-time link for the user to choose one.")
@with_appcontext
def create_user(email: str, role: str, partner_name: str | None, password: str | None) -> None:
    """Create a staff account and print its invitation link."""
    from sqlalchemy import func, select

    from surveyapp.auth.access import audit
    from surveyapp.auth.passwords import password_problem
    from surveyapp.auth.routes import new_invitation

    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("enter an email address like name@example.nhs.uk")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.BadParameter(f"a user with the email {email} already exists")
    partner = None
    if role == Role.PARTNER:
        if not partner_name:
            raise click.BadParameter("a partner user needs --partner NAME")
        partner = db.session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            raise click.BadParameter(f"no partner organisation called '{partner_name}'")
    elif partner_name:
        raise click.BadParameter("--partner is only for --role partner")
    # "!" is no valid hash: nobody can sign in until a password is chosen.
    user = User(email=email, role=role, partner=partner, password_hash="!")  # noqa: S106
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise click.BadParameter(problem)
        user.set_password(password)
    token = None if password is not None else new_invitation(user)
    db.session.add(user)
    db.session.flush()
    audit("user_created", target=email, actor=None, commit=False, role=role, via="cli")
    db.session.commit()
    click.echo(f"Created {role} {email}.")
    if token:
        base = current_app.config["PUBLIC_BASE_URL"] or "http://127.0.0.1:5000"
        click.echo(f"Send them this one-time link to choose a password (valid 7 days):\n"
                   f"  {base}/staff/invite/{token}")


def register(app: Flask) -> None:
    app.cli.add_command(surveys)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(purge_drafts)
    app.cli.add_command(create_user)

    from surveyapp.insights.cli import insights_cli, representation_command

    app.cli.add_command(representation_command)
    app.cli.add_command(insights_cli)

    from surveyapp.population.commands import import_population

    app.cli.add_command(import_population)

    from surveyapp.surveys.responses_cli import import_responses_command

    app.cli.add_command(import_responses_command)

    from surveyapp.translation_status import translations_cli

    app.cli.add_command(translations_cli)

    from surveyapp.themes.cli import themes_cli, worker_command

    app.cli.add_command(themes_cli)
    app.cli.add_command(worker_command)

    from surveyapp.backup import backup_command
    from surveyapp.privacy.commands import purge_command

    app.cli.add_command(backup_command)
    app.cli.add_command(purge_command)
