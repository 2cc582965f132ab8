"""Person IDs of many-person exports become folder names that are safe, unique and stable (issue 11 trial)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.importers.merge import person_folder, person_folders

NASTY = [
    "../evil",
    "../../escape",
    "..",
    ".",
    ".hidden",
    "_private",
    "~home",
    "/tmp/ABSOLUTE",
    "C:\\Users\\x",
    "a\\b",
    "CON",
    "con",
    "Nul.txt",
    "COM1",
    "lpt9",
    "tab\there",
    "line\nbreak",
    "trailing.",
    "trailing ",
    " leading",
    'quo"te',
    "a:b*c?d<e>f|g",
    "50%",
    "50%25",
    "QEVuQwEAWRNG+/TRqXG2FQ==",
    "TRqXG2FQ==",
    "Ünïcødé 名前",
]
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{s}{n}" for s in ("COM", "LPT") for n in range(1, 10)}


@pytest.mark.parametrize("person", NASTY)
def test_every_id_gives_one_plain_folder_name_that_no_system_refuses_or_hides(person: str) -> None:
    name = person_folder(person)
    assert name not in ("", ".", "..")
    assert not set(name) & set('/\\<>:"|?*')
    assert all(ord(c) >= 32 for c in name)
    assert not name.startswith((".", "_", "~", " ")) and not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in WINDOWS_RESERVED
    assert Path(name).name == name and not Path(name).is_absolute()
    assert person_folder(person) == name  # stable


def test_distinct_ids_never_share_a_folder_and_safe_ids_keep_their_name() -> None:
    names = [person_folder(p) for p in NASTY]
    assert len(set(names)) == len(NASTY)
    assert person_folder("Maria") == "Maria"
    assert person_folder("p-01_b") == "p-01_b"
    # The Flaredown user id with a '/' is one folder, not a folder 'TRqXG2FQ==' inside another.
    assert person_folder("QEVuQwEAWRNG+/TRqXG2FQ==") == "QEVuQwEAWRNG+%2FTRqXG2FQ=="
    assert person_folder("../evil") == "%2E.%2Fevil"
    assert person_folder("CON") == "CO%4E"


@pytest.mark.parametrize("person", ["", "   "])
def test_an_empty_id_is_refused(person: str) -> None:
    with pytest.raises(ParameterError, match="not a person ID"):
        person_folder(person)


def test_an_id_too_long_for_a_folder_name_is_refused() -> None:
    with pytest.raises(ParameterError, match="too long"):
        person_folder("/" * 90)  # 270 bytes as %2F


def test_folders_all_lie_directly_inside_the_log_folder(tmp_path: Path) -> None:
    folders = person_folders(NASTY, tmp_path)
    assert {p.resolve().parent for p in folders.values()} == {tmp_path.resolve()}


def test_ids_differing_only_in_case_are_refused_before_anything(tmp_path: Path) -> None:
    with pytest.raises(SpasmlogError, match="'Ab' and 'aB' differ only in upper and lower case"):
        person_folders(["Maria", "Ab", "aB"], tmp_path)
    with pytest.raises(SpasmlogError, match="in how an accent is encoded"):
        person_folders(["Jos\u00e9", "Jose\u0301"], tmp_path)  # é composed, and e + combining accent
    (tmp_path / "maria").mkdir()
    with pytest.raises(SpasmlogError, match="already has the folder 'maria'"):
        person_folders(["Maria"], tmp_path)


def test_every_bad_id_is_named_in_one_error(tmp_path: Path) -> None:
    with pytest.raises(SpasmlogError) as caught:
        person_folders(["ok", "", "x" * 300], tmp_path)
    assert "not a person ID" in str(caught.value) and "too long" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
