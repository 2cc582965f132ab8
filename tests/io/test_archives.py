"""One set of zip limits (spasmlog.io.archives) for every importer that opens an export zip."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from spasmlog.errors import ImportFormatError, UnsafeFileError
from spasmlog.importers import detect, read_apple_health, read_cronometer, read_myfitnesspal
from spasmlog.io.archives import BOMB_MIN_BYTES, MAX_ENTRY_BYTES, MAX_RATIO, check_entry, is_zip, open_zip

READERS: dict[str, Callable[[Path], object]] = {
    "apple-health": lambda p: read_apple_health(p, progress=False),
    "cronometer": read_cronometer,
    "myfitnesspal": read_myfitnesspal,
    "detect": detect,
}


def _info(name: str, unpacked: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = unpacked, packed
    return info


@pytest.mark.parametrize(
    ("unpacked", "packed", "refused"),
    [
        (BOMB_MIN_BYTES - 1, 1, False),  # small: any ratio is harmless
        (BOMB_MIN_BYTES + 1, -(-(BOMB_MIN_BYTES + 1) // MAX_RATIO), False),  # big, at the limit ratio
        (BOMB_MIN_BYTES + 1, (BOMB_MIN_BYTES + 1) // (MAX_RATIO + 2), True),  # big, just past it
        (MAX_ENTRY_BYTES + 1, MAX_ENTRY_BYTES, True),  # barely compressed, but bigger than any export
        (3 << 30, 200 << 20, False),  # a 3 GB Apple Health export.xml at 15:1
    ],
)
def test_the_limits(unpacked: int, packed: int, refused: bool) -> None:
    info = _info("export.xml", unpacked, packed)
    if refused:
        with pytest.raises(UnsafeFileError, match="zip bomb") as caught:
            check_entry(info, "export.zip")
        assert caught.value.detail["entry"] == "export.xml"
        assert caught.value.detail["ratio"] == pytest.approx(unpacked / packed)
    else:
        check_entry(info, "export.zip")


@pytest.mark.parametrize("name", ["../x.csv", "a/../../x.csv", "/etc/x.csv", "\\windows\\x.csv", "C:x.csv"])
def test_hostile_names(name: str) -> None:
    with pytest.raises(UnsafeFileError, match="path traversal"):
        check_entry(_info(name, 10, 10), "export.zip")


def test_names_that_only_look_odd_are_fine() -> None:
    for name in ["a..b.csv", "..x.csv", "apple_health_export/export.xml", "Ordner/Ernährung.csv"]:
        check_entry(_info(name, 10, 10), "export.zip")


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An 80 MiB entry of blanks packed about 1000:1, under the header each app writes."""
    folder = tmp_path_factory.mktemp("bombs")
    heads = {
        "apple-health": ("apple_health_export/export.xml", b'<?xml version="1.0"?>\n<HealthData locale="en_US">'),
        "cronometer": ("dailysummary.csv", b"Date,Energy (kcal),Sodium (mg)\n2026-01-01,2000,1500\n"),
        "myfitnesspal": ("Nutrition-Summary.csv", b"Date,Meal,Calories,Sodium (mg)\n2026-01-01,Lunch,400,300\n"),
    }
    heads["detect"] = heads["cronometer"]
    made = {}
    for source, (entry, head) in heads.items():
        archive = folder / f"{source}.zip"
        with (
            zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bundle,
            bundle.open(entry, "w") as member,
        ):
            member.write(head)
            blanks = b" " * (1 << 20)
            for _ in range(80):
                member.write(blanks)
        assert archive.stat().st_size < 1 << 20
        made[source] = archive
    return made


@pytest.mark.parametrize("source", sorted(READERS))
def test_every_importer_refuses_the_same_zip_bomb(source: str, bombs: dict[str, Path]) -> None:
    with pytest.raises(UnsafeFileError, match="zip bomb") as caught:
        READERS[source](bombs[source])
    assert caught.value.detail["ratio"] > MAX_RATIO


@pytest.mark.parametrize("source", sorted(READERS))
def test_every_importer_refuses_a_traversal_entry(source: str, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("dailysummary.csv", "Date,Energy (kcal)\n2026-01-01,2000\n")
        bundle.writestr(zipfile.ZipInfo("../../evil.csv"), "Date\n")
    with pytest.raises(UnsafeFileError, match="path traversal"):
        READERS[source](archive)


@pytest.mark.parametrize("source", sorted(READERS))
def test_a_damaged_zip_is_a_format_error_for_every_importer(source: str, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip's first bytes, then nothing
    assert is_zip(archive)
    with pytest.raises(ImportFormatError, match="cannot be"):
        READERS[source](archive)


def test_open_zip_refuses_a_file_that_is_no_zip(tmp_path: Path) -> None:
    text = tmp_path / "renamed.zip"
    text.write_text("Date,Energy\n", encoding="utf-8")
    assert not is_zip(text)
    with pytest.raises(ImportFormatError, match="cannot be opened"), open_zip(text):
        pass
