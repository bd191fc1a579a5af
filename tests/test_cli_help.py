"""``--help`` teaches: every environment variable and default an option mentions is shown (fast)."""

import pytest
from typer.testing import CliRunner

from api.cli import app


@pytest.mark.parametrize(("command", "expected"), [
    ("ingest", ["HOINGHI_INDEX_DIR", "HOINGHI_MODEL", "HOINGHI_PDF_PASSWORD", "HOINGHI_CORRECT_OCR",
                "default: auto"]),
    ("search", ["HOINGHI_INDEX_DIR", "HOINGHI_MODEL"]),
])
def test_help_shows_environment_variables_and_defaults(command: str, expected: list[str]) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for word in expected:
        assert word in text, (word, result.output)
