"""Reading CCSDS OEM files: the real NASA states, and hostile files refused with one clear line each."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from isstrack.elements.oem import OemFormatError, parse_oem
from isstrack.elements.oemfile import load_oem_file
from tests.oem_tools import NOW, OEM_FILE, oem_text


def test_reference_file_reads_whole() -> None:
    """The 1,018 states in 21 runs that tests/iss-oem-2026-09-21.txt holds (its README's figures)."""
    oem = load_oem_file(OEM_FILE, NOW)
    assert oem.state_count == 1018
    assert len(oem.segments) == 21
    assert oem.start == datetime(2026, 9, 21, 12, tzinfo=timezone.utc)
    assert oem.stop == datetime(2026, 10, 6, 7, tzinfo=timezone.utc)
    assert oem.creation == datetime(2026, 9, 21, tzinfo=timezone.utc)
    first = oem.segments[0]
    assert first.object_id == "1998-067-A"
    # The first state line of the file, as written there.
    assert first.position_km[0].tolist() == [-6472.6452, -1488.4454, 1453.7197]
    assert first.velocity_km_s[0].tolist() == [2.331950, -4.456293, 5.776316]


def _refused(text: str, *words: str) -> str:
    with pytest.raises(OemFormatError) as caught:
        parse_oem(text.encode(), "test.oem", NOW)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    return message


def test_truncated_file_is_refused() -> None:
    text = oem_text()
    _refused(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n2026-09-25T14:20", "truncated")
    cut_at_line = "\n".join(text.splitlines()[:200])  # ends on a whole state line, mid-segment
    _refused(cut_at_line, "truncated")
    _refused(text.split("META_STOP")[0], "truncated")


def test_wrong_frame_centre_and_time_system_are_refused() -> None:
    text = oem_text()
    _refused(text.replace("REF_FRAME = EME2000", "REF_FRAME = TEME", 1), "REF_FRAME = TEME", "EME2000")
    _refused(text.replace("CENTER_NAME = EARTH", "CENTER_NAME = MOON", 1), "MOON")
    _refused(text.replace("TIME_SYSTEM = UTC", "TIME_SYSTEM = TAI", 1), "TAI", "UTC")


def test_non_monotonic_times_are_refused() -> None:
    lines = oem_text().splitlines()
    i = lines.index("2026-09-21T12:08:00.000 -4483.0491 -3312.1643 3884.6210 5.754965 -2.956328 4.103521")
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    _refused("\n".join(lines), "time order")


@pytest.mark.parametrize("bad", ["nan", "NaN", "inf", "-Infinity", "1e999"])
def test_nan_and_infinite_numbers_are_refused(bad: str) -> None:
    text = oem_text().replace("-4483.0491", bad, 1)
    _refused(text, "number")


def test_implausible_states_and_units_are_refused() -> None:
    # Metres instead of kilometres, and a state at the Earth's centre.
    _refused(
        oem_text().replace("-6472.6452 -1488.4454 1453.7197", "-6472645.2 -1488445.4 1453719.7", 1), "km"
    )
    _refused(oem_text().replace("-6472.6452 -1488.4454 1453.7197", "0.0 0.0 0.0", 1), "low Earth orbit")


def test_future_creation_date_is_refused() -> None:
    text = oem_text().replace(
        "CREATION_DATE = 2026-09-21T00:00:00.000", "CREATION_DATE = 2027-01-05T00:00:00.000"
    )
    _refused(text, "CREATION_DATE", "future")


def test_day_of_year_epochs_comments_and_covariance_are_read() -> None:
    text = oem_text().replace("START_TIME = 2026-09-21T12:00:00.000", "START_TIME = 2026-264T12:00:00.000", 1)
    text = text.replace(
        "META_STOP\n\n2026-09-21T12:00:00.000",
        "META_STOP\n\nCOMMENT a comment\n2026-264T12:00:00.000Z",
        1,
    )
    covariance = (
        "COVARIANCE_START\nEPOCH = 2026-09-21T12:00:00.000\nCOV_REF_FRAME = EME2000\n1.0\nCOVARIANCE_STOP\n"
    )
    text = text.replace("\nMETA_START", "\n" + covariance + "META_START", 2).replace(
        covariance + "META_START", "META_START", 1
    )
    oem = parse_oem(text.encode(), "test.oem", NOW)
    assert oem.state_count == 1018
    assert "a comment" in " ".join(oem.segments[0].comments)


def test_xml_is_refused_before_parsing_so_a_bomb_never_expands() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>\n<ndm><oem>&lol9;</oem></ndm>\n"
    )
    started = time.monotonic()
    message = _refused(bomb, "XML", "KVN")
    assert time.monotonic() - started < 1.0
    assert "lol" not in message


def test_a_1_gb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.oem"
    with huge.open("wb") as handle:
        handle.write(oem_text().encode())
        handle.truncate(2**30)  # sparse: no gigabyte is written or read
    started = time.monotonic()
    with pytest.raises(OemFormatError, match="over the 8 MB limit"):
        load_oem_file(huge, NOW)
    assert time.monotonic() - started < 1.0
    assert os.stat(huge).st_blocks * 512 < 10 * 2**20


def test_missing_file_directory_and_fifo_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OemFormatError, match="no such file"):
        load_oem_file(tmp_path / "absent.oem", NOW)
    with pytest.raises(OemFormatError, match="directory"):
        load_oem_file(tmp_path, NOW)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OemFormatError, match="not a regular file"):
        load_oem_file(fifo, NOW)


def test_not_an_oem_is_refused() -> None:
    _refused("", "empty")
    _refused("ISS (ZARYA)\n1 25544U 98067A ...\n", "CCSDS_OEM_VERS")
    _refused("CCSDS_OEM_VERS = 9.9\n", "version")
    _refused(oem_text().replace("ORIGINATOR = NASA/JSC/FOD/TOPO\n", ""), "ORIGINATOR")
