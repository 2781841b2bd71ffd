"""`ingest users ...` and `ingest serve`."""

from typer.testing import CliRunner

from ingest.cli import app

runner = CliRunner()


def test_users_add_list_disable(settings):
    added = runner.invoke(app, ["users", "add", "ana", "--password-stdin"],
                          input="a long password\n")
    assert added.exit_code == 0, added.output
    assert "reviewer ana created" in added.output
    again = runner.invoke(app, ["users", "add", "ana", "--password-stdin"],
                          input="a long password\n")
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(app, ["users", "add", "bo", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    prompted = runner.invoke(app, ["users", "add", "bo"], input="another one!\nanother one!\n")
    assert prompted.exit_code == 0, prompted.output
    listing = runner.invoke(app, ["users", "list"])
    assert listing.exit_code == 0
    assert "ana" in listing.output and "bo" in listing.output and "active" in listing.output
    assert "a long password" not in listing.output
    assert runner.invoke(app, ["users", "disable", "bo"]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["users", "list"]).output


def test_serve_help():
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output
