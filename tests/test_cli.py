"""The command group: help, version, and the error contract shared by every command."""

from __future__ import annotations

from click.testing import CliRunner

from matrix_tools.cli import COMMANDS, cli


def test_help_lists_every_command_without_importing_them():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_every_command_has_help_with_an_example():
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output or name in ("findings",), name


def test_debug_shows_the_traceback_but_keeps_the_exit_code(tmp_path):
    missing = str(tmp_path / "nothere.xlsx")
    plain = CliRunner().invoke(cli, ["export", missing])
    debug = CliRunner().invoke(cli, ["--debug", "export", missing])
    assert plain.exit_code == debug.exit_code == 3
    assert "Traceback" not in plain.output and "Traceback" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == plain.stderr.strip()


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["vaildate"])
    assert result.exit_code == 2
    assert "No such command 'vaildate'" in result.output
