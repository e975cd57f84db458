"""Trajectory events: the summary NASA writes in the header, and burns found in the states themselves."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from isstrack.elements.oem import parse_oem
from isstrack.elements.oemevents import parse_event_summary
from isstrack.sky.burns import detect_events
from isstrack.sky.oemephemeris import build_ephemeris
from tests.oem_tools import NOW, oem_text

# Quoted verbatim from a NASA ISS.OEM_J2K_EPH.txt of 2023-02-16 (KVN, two-line rows in m/s and km,
# then ft/s and nautical miles), as kept by a public repository: Kelach/International-Space-Station-API,
# test_iss_tracker.py (commit 3b4502c52c6a1a631c235c6177c44d65ed2dd507). Its blank COMMENT lines end in
# a space there; the test puts it back (the source here keeps no trailing whitespace).
KVN_2023 = """\
COMMENT Source: This file was produced by the TOPO office within FOD at JSC.
COMMENT Units are in kg and m^2
COMMENT MASS=460724.00
COMMENT DRAG_AREA=1504.78
COMMENT DRAG_COEFF=3.25
COMMENT SOLAR_RAD_AREA=0.00
COMMENT SOLAR_RAD_COEFF=0.00
COMMENT Orbits start at the ascending node epoch
COMMENT ISS first asc. node: EPOCH = 2023-02-15T12:15:31.146 $ ORBIT = 2291 $ LAN(DEG) = -117.91539
COMMENT ISS last asc. node : EPOCH = 2023-03-02T11:19:04.946 $ ORBIT = 2523 $ LAN(DEG) = 167.36584
COMMENT Begin sequence of events
COMMENT TRAJECTORY EVENT SUMMARY:
COMMENT
COMMENT |       EVENT        |       TIG        | ORB |   DV    |   HA    |   HP    |
COMMENT |                    |       GMT        |     |   M/S   |   KM    |   KM    |
COMMENT |                    |                  |     |  (F/S)  |  (NM)   |  (NM)   |
COMMENT =============================================================================
COMMENT  82P Undock            049:02:26:30.000             0.0     424.8     407.0
COMMENT                                                    (0.0)   (229.4)   (219.8)
COMMENT
COMMENT  GMT 051 ISS Reboost   051:02:58:00.000             1.7     425.4     406.2
COMMENT                                                    (5.6)   (229.7)   (219.3)
COMMENT
COMMENT  69S Launch            055:00:34:00.000             0.0     426.2     410.3
COMMENT                                                    (0.0)   (230.1)   (221.6)
COMMENT
COMMENT  69S Docking           057:01:01:00.000             0.0     426.2     409.4
COMMENT                                                    (0.0)   (230.1)   (221.1)
COMMENT
COMMENT  Crew06 Launch         057:07:07:35.000             0.0     426.3     409.6
COMMENT                                                    (0.0)   (230.2)   (221.2)
COMMENT
COMMENT  Crew06 Docking        058:06:05:00.000             0.0     426.2     409.1
COMMENT                                                    (0.0)   (230.1)   (220.9)
COMMENT
COMMENT =============================================================================
COMMENT End sequence of events
"""
KVN_2023 = KVN_2023.replace("COMMENT\n", "COMMENT \n")
START_2023 = datetime(2023, 2, 15, 12, tzinfo=timezone.utc)


def _comments(block: str) -> list[str]:
    """Return COMMENT texts the way the OEM reader keeps them (everything after the keyword)."""
    return [line[7:] for line in block.splitlines()]


def test_kvn_summary_of_2023_with_two_line_rows() -> None:
    summary = parse_event_summary(_comments(KVN_2023), START_2023)
    assert summary.found and summary.problems == ()
    names = [e.name for e in summary.events]
    assert names == [
        "82P Undock",
        "GMT 051 ISS Reboost",
        "69S Launch",
        "69S Docking",
        "Crew06 Launch",
        "Crew06 Docking",
    ]
    assert [e.kind for e in summary.events] == ["undocking", "burn", "launch", "docking", "launch", "docking"]
    reboost = summary.events[1]
    # Day 051 of 2023 is 20 February.
    assert reboost.time == datetime(2023, 2, 20, 2, 58, tzinfo=timezone.utc)
    assert (reboost.delta_v_m_s, reboost.apogee_km, reboost.perigee_km) == (1.7, 425.4, 406.2)
    assert reboost.is_burn and not summary.events[0].is_burn


def test_summary_as_the_xml_twin_gives_it_without_leading_spaces() -> None:
    # NASA's XML file carries the same lines as COMMENT elements; XML readers drop their indentation.
    stripped = [line.strip() for line in _comments(KVN_2023)]
    summary = parse_event_summary(stripped, START_2023)
    assert [e.name for e in summary.events][:2] == ["82P Undock", "GMT 051 ISS Reboost"]
    assert summary.problems == ()


def test_a_second_line_that_disagrees_is_noted_and_the_metric_values_kept() -> None:
    damaged = KVN_2023.replace("(5.6)   (229.7)   (219.3)", "(9.9)   (229.7)   (219.3)")
    summary = parse_event_summary(_comments(damaged), START_2023)
    assert len(summary.problems) == 1 and "GMT 051 ISS Reboost" in summary.problems[0]
    assert summary.events[1].delta_v_m_s == 1.7


def test_a_summary_across_new_year_takes_the_next_year() -> None:
    block = KVN_2023.replace("051:02:58:00.000", "002:02:58:00.000")
    summary = parse_event_summary(_comments(block), datetime(2026, 12, 25, tzinfo=timezone.utc))
    assert summary.events[1].time.year == 2027


def test_no_summary_in_the_reference_states() -> None:
    oem = parse_oem(oem_text().encode(), "ref", NOW)
    summary = parse_event_summary(oem.comments, oem.start)
    assert not summary.found and summary.events == ()


def test_the_reboost_of_25_september_is_found_in_the_states() -> None:
    oem = parse_oem(oem_text().encode(), "ref", NOW)
    events, _ = detect_events(oem)
    burns = [e for e in events if e.is_burn]
    assert len(burns) == 1
    burn = burns[0]
    assert burn.origin == "detected"
    # The reference README: a reboost from 16:08:00 to 16:26:31 UTC, about 1.1 m/s, orbit ~2 km higher.
    assert burn.time == datetime(2026, 9, 25, 16, 8, tzinfo=timezone.utc)
    assert burn.end is not None
    assert abs((burn.end - datetime(2026, 9, 25, 16, 26, 31, tzinfo=timezone.utc)).total_seconds()) < 1
    assert burn.delta_v_m_s is not None and 0.9 <= burn.delta_v_m_s <= 1.3
    assert burn.delta_a_km is not None and 1.5 <= burn.delta_a_km <= 2.5
    # The other two restarts of the time grid (28 September, 1 October) changed the orbit by metres.
    others = [e for e in events if not e.is_burn]
    assert len(others) == 2
    assert all(e.delta_a_km is not None and abs(e.delta_a_km) < 0.1 for e in others)


def test_a_burn_in_a_hole_between_segments_is_found() -> None:
    # Drop the segment holding the burn: the orbit is 1.9 km larger after the hole than before it.
    text = oem_text()
    start = text.index(
        "META_START\nOBJECT_NAME = ISS\nOBJECT_ID = 1998-067-A\nCENTER_NAME = EARTH\n"
        "REF_FRAME = EME2000\nTIME_SYSTEM = UTC\nSTART_TIME = 2026-09-25T14:16"
    )
    end = text.index("META_START", start + 10)
    oem = parse_oem((text[:start] + text[end:]).encode(), "ref", NOW)
    events, _ = detect_events(oem)
    burns = [e for e in events if e.is_burn]
    assert len(burns) == 1
    assert burns[0].time == datetime(2026, 9, 25, 14, 0, tzinfo=timezone.utc)
    assert burns[0].end == datetime(2026, 9, 26, 6, 58, 30, 953000, tzinfo=timezone.utc)


def test_a_listed_burn_splits_the_arcs_at_its_ignition() -> None:
    # Put a (made-up) summary into the reference header listing the 25 September burn.
    block = KVN_2023.replace("051:02:58:00.000", "268:16:08:00.000")
    text = oem_text().replace("ORIGINATOR = NASA/JSC/FOD/TOPO\n", "ORIGINATOR = NASA/JSC/FOD/TOPO\n" + block)
    ephemeris = build_ephemeris(parse_oem(text.encode(), "ref", NOW))
    assert ephemeris.has_summary
    tig = datetime(2026, 9, 25, 16, 8, tzinfo=timezone.utc).timestamp()
    arcs = ephemeris.arcs
    ends = arcs.times_s[arcs.last]
    assert np.any(np.abs(ends - tig) < 1e-3)
    assert sorted(e.origin for e in ephemeris.burns) == ["detected", "summary"]
