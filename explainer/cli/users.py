"""Console accounts from the command line: ``explainer users create`` (and disable)."""

from __future__ import annotations

import sys

import click

from explainer.cli.context import serviced
from explainer.oversight.roles import ROLES

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Add ``users`` to ``group``."""
    group.add_command(users)


@click.group("users")
def users() -> None:
    """Audit console users (roles nest: admin > reviewer > auditor)."""


@users.command("create")
@click.option("--username", required=True, help="The sign-in name (letters, digits, . _ -).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username: str, role: str, password_stdin: bool) -> None:
    """Create a user; the password is prompted for twice unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    # upgrade: the console tables may be newer than the database
    with serviced(upgrade=True) as service:
        user = service.accounts.create_user(username, password, role, actor="cli")
    click.echo(f"created {user.role} {user.username}")


@users.command("disable")
@click.option("--username", required=True)
@click.option("--enable", is_flag=True, help="Re-enable instead.")
def users_disable(username: str, enable: bool) -> None:
    """Disable a user (their sessions end at once), or re-enable with --enable."""
    with serviced(upgrade=True) as service:
        service.accounts.set_disabled(username, not enable, actor="cli")
    click.echo(f"{'enabled' if enable else 'disabled'} {username}")


@users.command("list")
def users_list() -> None:
    """Every console user: name, role, whether disabled, when created."""
    with serviced(upgrade=True) as service:
        found = service.accounts.list_users()
    if not found:
        click.echo("no console users yet; add one with `explainer users create`", err=True)
        return
    click.echo(f"{'username':<24} {'role':<9} {'state':<9} created")
    for u in found:
        state = "disabled" if u["disabled"] else "active"
        click.echo(
            f"{u['username']:<24} {u['role']:<9} {state:<9} {u['created_at']:%Y-%m-%d %H:%M}"
        )
