"""The `charter` command: plan as code, schedules and reports from the terminal."""

from __future__ import annotations

import sys

import typer

from charter import __version__
from charter.cli.admin_cmd import db_app, token_app, user_app
from charter.cli.backup_cmd import backup_command, restore_command
from charter.cli.baseline_cmd import baseline_app
from charter.cli.convert_cmd import export_command, import_command
from charter.cli.demo_cmd import demo_command
from charter.cli.evm_cmd import evm_command
from charter.cli.forecast_cmd import forecast_command
from charter.cli.level_cmd import level_command
from charter.cli.plan_cmd import check_command, fmt_command, init_command, schema_command
from charter.cli.render import print_error
from charter.cli.risk_cmd import risk_command
from charter.cli.schedule_cmd import critical_command, schedule_command
from charter.cli.serve_cmd import serve_command
from charter.cli.workload_cmd import workload_command
from charter.errors import CharterError

app = typer.Typer(
    name="charter",
    help="Charter: IT project management from a plan file. Write the plan in YAML, then "
    "check it, schedule it, explain its critical path and track it against baselines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"charter {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Charter: IT project management from a plan file."""


app.command("init")(init_command)
app.command("check")(check_command)
app.command("schedule")(schedule_command)
app.command("critical")(critical_command)
app.command("risk")(risk_command)
app.command("forecast")(forecast_command)
app.command("fmt")(fmt_command)
app.command("schema")(schema_command)
app.add_typer(baseline_app)
app.command("evm")(evm_command)
app.command("import")(import_command)
app.command("export")(export_command)
app.command("serve")(serve_command)
app.command("demo")(demo_command)
app.command("level")(level_command)
app.command("workload")(workload_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
for group in (db_app, user_app, token_app):
    app.add_typer(group)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 0 fine, 1 a check failed, 2 a user error."""
    try:
        app(args=argv, prog_name="charter")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except CharterError as exc:
        print_error(exc)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    return 0


def run() -> None:
    sys.exit(main())
