"""`calmdesk intake serve` refuses a mistaken start in one line, before it touches the database:
the listen address, the token file, the mapping file (with its line)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.cli import main


def _serve(tmp_path: Path, *extra: str, token: str = "a-long-enough-token-0123") -> list[str]:
    token_file = tmp_path / "token"
    token_file.write_text(token, encoding="utf-8")
    nowhere = tmp_path / "no-such-folder" / "calmdesk.sqlite3"
    return [
        "intake", "serve", "--db", f"sqlite:///{nowhere.as_posix()}",
        "--token-file", str(token_file), *extra,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "token", "says"),
    [
        (("--listen", "localhost"), "a-long-enough-token-0123", "is not HOST:PORT"),
        (("--listen", "0.0.0.0:99999"), "a-long-enough-token-0123", "is not HOST:PORT"),
        ((), "short", "at least 16 characters"),
        ((), "two words but long enough", "without spaces"),
    ],
)
def test_a_mistaken_start_says_what_to_fix_and_touches_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    token: str,
    says: str,
) -> None:
    status = main(_serve(tmp_path, *extra, token=token))

    err = capsys.readouterr().err
    assert status == 1
    assert says in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "no-such-folder").exists()


def test_a_broken_mapping_file_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[settings]\nimpact = "high"\nurgency = "urgent"\n', encoding="utf-8")

    status = main(_serve(tmp_path, "--mapping", str(mapping)))

    assert status == 1
    assert f"{mapping}, line 3: urgency is 'urgent'" in capsys.readouterr().err


def test_a_missing_token_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _serve(tmp_path)
    args[args.index("--token-file") + 1] = str(tmp_path / "nowhere.token")

    assert main(args) == 1
    assert "nowhere.token: cannot be read" in capsys.readouterr().err


def test_without_the_intake_extra_it_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as in the console's bundle

    assert main(_serve(tmp_path)) == 1
    assert "pip install 'calmdesk[intake]'" in capsys.readouterr().err
