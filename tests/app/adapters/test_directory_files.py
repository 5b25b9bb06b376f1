"""People from a CSV export and a vCard file; what is not one is refused with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.directory_files import DirectoryFileError, read_csv, read_vcard

CSV = """\ufeffName,E-mail,Phone,Mobile,Department,Location,Manager,VIP,id
Ruth Adeyemi,ruth@example.com,020 7946 0000,07700 900123,Finance,London,Ken Ito,yes,E100
Ken Ito,Ken.Ito@example.com,+44 20 7946 0001,,Finance,London,,,
"""

VCARD = """BEGIN:VCARD
VERSION:4.0
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
FN:Ruth Adeyemi
EMAIL;TYPE=work:ruth@example.com
TEL;TYPE=work,voice:+44 20 7946 0000
TEL;TYPE=cell:07700 900123
ORG:Example Ltd;Finance
ADR;TYPE=work:;;1 Main St;London;;EC1;UK
X-MANAGER:Ken Ito
CATEGORIES:staff,VIP
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ken
  Ito
EMAIL:ken.ito@example.com
END:VCARD
"""


def test_a_csv_export_gives_every_field_whatever_the_column_order_and_case(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(CSV.replace("E-mail", "email"), encoding="utf-8")
    ruth, ken = read_csv(path)
    assert ruth.ref == "csv:E100"
    assert (ruth.name, ruth.email, ruth.phone, ruth.mobile) == (
        "Ruth Adeyemi",
        "ruth@example.com",
        "020 7946 0000",
        "07700 900123",
    )
    assert (ruth.department, ruth.location, ruth.manager, ruth.vip) == (
        "Finance",
        "London",
        "Ken Ito",
        True,
    )
    assert ken.ref == "csv:ken.ito@example.com"  # no id: known by their e-mail
    assert not ken.vip


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("email,phone\nruth@example.com,1\n", "at least 'name'"),
        ("name,email\n,ruth@example.com\n", "line 2: no name"),
        ("name,phone\nRuth,020\n", "neither an id nor an e-mail"),
    ],
)
def test_a_csv_without_names_or_ids_is_refused_with_the_line(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DirectoryFileError, match=says):
        read_csv(path)


def test_a_vcard_file_gives_names_numbers_department_and_the_vip_category(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.vcf"
    path.write_text(VCARD, encoding="utf-8")
    ruth, ken = read_vcard(path)
    assert ruth.ref == "vcard:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (ruth.phone, ruth.mobile) == ("+44 20 7946 0000", "07700 900123")
    assert (ruth.department, ruth.manager, ruth.vip) == ("Finance", "Ken Ito", True)
    assert "London" in ruth.location
    assert ken.name == "Ken Ito"  # a folded line is unfolded
    assert ken.ref == "vcard:ken.ito@example.com"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("hello\n", "not a vCard line"),
        ("", "no BEGIN:VCARD"),
        ("BEGIN:VCARD\nFN:Ruth\nEMAIL:r@example.com\n", "cut short"),
        ("BEGIN:VCARD\nEMAIL:r@example.com\nEND:VCARD\n", "no FN"),
    ],
)
def test_what_is_no_vcard_is_refused(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.vcf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DirectoryFileError, match=says):
        read_vcard(path)


def test_a_missing_or_binary_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(DirectoryFileError, match="no such file"):
        read_csv(tmp_path / "nope.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(DirectoryFileError, match="not UTF-8"):
        read_csv(tmp_path / "bin.csv")
