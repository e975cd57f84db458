"""--sat resolution, and the per-query element store against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from isstrack.elements.omm import parse_json
from isstrack.elements.querystore import NOT_UPDATED, QueryStore
from isstrack.elements.satellites import GpQuery, catalog_query, choose, parse_sat
from isstrack.errors import AmbiguousSatelliteError, BadInputError, NoElementsError, UnknownSatelliteError
from tests.test_omm import SEPT, SEPT_CSV, STATIONS, record, records

NOT_UPDATED_BODY = (
    "GP data has not updated since your last successful download of CATNR=48274 at 2026-09-19 14:02:11 "
    "UTC.\nData is updated once every 2 hours.\n"
)


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("iss", "CATNR", "25544"),
        ("ISS", "CATNR", "25544"),
        ("tiangong", "CATNR", "48274"),
        ("CSS", "CATNR", "48274"),
        ("Hubble", "CATNR", "20580"),
        ("5", "CATNR", "5"),
        ("100534", "CATNR", "100534"),
        ("123456789", "CATNR", "123456789"),
        ("000025544", "CATNR", "25544"),
        ("1998-067A", "INTDES", "1998-067A"),
        ("2026-067cy", "INTDES", "2026-067CY"),
        ("98067A", "INTDES", "1998-067A"),
        ("21035A", "INTDES", "2021-035A"),
        ("1998-067", "INTDES", "1998-067"),
        ("  NAVSTAR  54 (USA 177) ", "NAME", "NAVSTAR 54 (USA 177)"),
        ("SL-16 R/B", "NAME", "SL-16 R/B"),
    ],
)
def test_sat_values_become_the_right_query(typed: str, kind: str, value: str) -> None:
    assert parse_sat(typed) == GpQuery(kind, value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("1234567890", "at most 9 digits"),
        ("0", "start at 1"),
        ("", "is empty"),
        ("ISS\x1b[31m", "control characters"),
        ("ISS\nHST", "control characters"),
        ("[bold red]ISS[/]", "which no satellite name has"),
        ("<script>", "which no satellite name has"),
        ("X" * 41, "at most 40 characters"),
    ],
)
def test_bad_sat_values_are_refused_before_any_request(typed: str, words: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_sat(typed)
    message = str(caught.value)
    assert words in message and "\n" not in message and "\x1b" not in message


def test_a_name_matching_several_objects_lists_them() -> None:
    answer = [r for r in parse_json(STATIONS.read_text()) if "ISS" in r.object_name]
    with pytest.raises(AmbiguousSatelliteError) as caught:
        choose(GpQuery("NAME", "ISS"), answer)
    assert "25544 ISS (ZARYA)" in str(caught.value) and "49044 ISS (NAUKA)" in str(caught.value)
    assert caught.value.candidates == ["25544 ISS (ZARYA)", "49044 ISS (NAUKA)"]


def test_an_exact_name_or_designator_among_several_is_chosen() -> None:
    stations = parse_json(STATIONS.read_text())
    css = [r for r in stations if "CSS" in r.object_name]
    assert len(css) == 3
    assert choose(GpQuery("NAME", "css (tianhe)"), css).catalog_number == 48274
    launch = [r for r in stations if r.object_id.startswith("1998-067")]
    assert choose(GpQuery("INTDES", "1998-067A"), launch).catalog_number == 25544
    with pytest.raises(AmbiguousSatelliteError, match="matches 9 objects"):
        choose(GpQuery("INTDES", "1998-067"), launch)
    with pytest.raises(UnknownSatelliteError, match="no satellite with name 'NOPE'"):
        choose(GpQuery("NAME", "NOPE"), [])


# -- the per-query store ---------------------------------------------------------------------------


def base(server: HTTPServer) -> str:
    """Return the GP endpoint of the test server."""
    return server.url_for("/gp.php")


def by_catnr(raw_records: list[dict[str, Any]]) -> Any:
    """Return a handler that answers CATNR=N&FORMAT=JSON with the record of N, or No GP data."""

    def handle(request: Request) -> Response:
        assert request.args["FORMAT"] == "JSON"
        wanted = int(request.args["CATNR"])
        found = [r for r in raw_records if r["NORAD_CAT_ID"] == wanted]
        if not found:
            return Response("No GP data found", status=404)
        return Response(json.dumps(found), content_type="application/json")

    return handle


def asked(server: HTTPServer) -> list[str]:
    """Return the CATNR of every request the server saw, in order."""
    return [request.args.get("CATNR", "") for request, _ in server.log]


def test_one_download_per_query_then_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    first = QueryStore(catalog_query(48274), tmp_path, base(httpserver)).get()
    second = QueryStore(catalog_query(48274), tmp_path, base(httpserver)).get()
    other = QueryStore(catalog_query(20580), tmp_path, base(httpserver)).get()
    assert (first.source, second.source, other.source) == ("network", "cache", "network")
    assert first.records == second.records and first.records[0].object_name == "CSS (TIANHE)"
    assert asked(httpserver) == ["48274", "20580"]
    assert (tmp_path / "omm-catnr-48274.json").exists() and not (tmp_path / "gp-25544.json").exists()


def test_a_403_not_updated_confirms_the_cache_and_does_not_block_another_query(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    now = [datetime(2026, 9, 19, 14, tzinfo=timezone.utc)]
    clock = lambda: now[0]  # noqa: E731
    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    QueryStore(catalog_query(48274), tmp_path, base(httpserver), clock=clock).get()
    httpserver.clear()

    def answer(request: Request) -> Response:
        if request.args["CATNR"] == "48274":
            return Response(NOT_UPDATED_BODY, status=403)
        return by_catnr(records(SEPT))(request)

    httpserver.expect_request("/gp.php").respond_with_handler(answer)
    now[0] += timedelta(hours=3)
    tiangong = QueryStore(catalog_query(48274), tmp_path, base(httpserver), clock=clock).get()
    hubble = QueryStore(catalog_query(20580), tmp_path, base(httpserver), clock=clock).get()
    assert tiangong.source == "cache" and tiangong.warnings == ()
    assert hubble.source == "network" and hubble.records[0].catalog_number == 20580
    state = json.loads((tmp_path / "omm-catnr-48274.state.json").read_text())
    assert state["outcome"].startswith(NOT_UPDATED)
    now[0] += timedelta(minutes=90)
    again = QueryStore(catalog_query(48274), tmp_path, base(httpserver), clock=clock).get()
    assert again.source == "cache" and again.warnings == ()
    assert asked(httpserver) == ["48274", "20580"], "not asked again within 2 hours of the 403"


def test_a_403_not_updated_with_no_cache_says_so(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(NOT_UPDATED_BODY, status=403)
    with pytest.raises(NoElementsError, match="not updated since the last download"):
        QueryStore(catalog_query(48274), tmp_path, base(httpserver)).get()
    assert not (tmp_path / "omm-catnr-48274.json").exists()


@pytest.mark.parametrize("status", [404, 200])
def test_an_unknown_number_is_bad_input_and_nothing_is_cached(
    httpserver: HTTPServer, tmp_path: Path, status: int
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data("No GP data found", status=status)
    for _ in range(2):
        with pytest.raises(UnknownSatelliteError) as caught:
            QueryStore(catalog_query(99999999), tmp_path, base(httpserver)).get()
        assert "no satellite with catalog number 99999999" in str(caught.value)
        assert "\n" not in str(caught.value)
    assert len(httpserver.log) == 1, "the answer is remembered for 2 hours, not asked again"
    assert not (tmp_path / "omm-catnr-99999999.json").exists()


def _answering(server: HTTPServer, body: str | bytes, status: int = 200) -> None:
    server.expect_request("/gp.php").respond_with_data(body, status=status, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            json.dumps([record(SEPT, 20580)]),
            "not the object asked for (catalog number 20580 came back for 48274)",
        ),
        (json.dumps([dict(record(SEPT, 48274), MEAN_MOTION="NaN")]), "MEAN_MOTION is 'NaN'"),
        (json.dumps([dict(record(SEPT, 48274), EPOCH="2026000-09-19T12:20:12")]), "is not a time"),
        (json.dumps([{"OBJECT_NAME": "CSS (TIANHE)", "NORAD_CAT_ID": 48274}]), "lacks EPOCH"),
        ("x" * 5_000_000, "over the 1 MB limit"),
        ("<html><body>Service Unavailable</body></html>", "not valid"),
        # Tiangong's number on GOES 19's elements (real records, only the id changed): not its orbit.
        (json.dumps([dict(record(SEPT, 60133), NORAD_CAT_ID=48274)]), "mean motion 1.0027 rev/day"),
    ],
    ids=["other object", "NaN", "7-digit year", "missing keys", "5 MB garbage", "html", "wrong orbit"],
)
def test_an_unusable_answer_is_not_cached(
    httpserver: HTTPServer, tmp_path: Path, body: str, words: str
) -> None:
    _answering(httpserver, body)
    with pytest.raises(NoElementsError) as caught:
        QueryStore(catalog_query(48274), tmp_path, base(httpserver)).get()
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert not (tmp_path / "omm-catnr-48274.json").exists()


def test_a_set_far_from_the_objects_previous_one_is_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    now = [datetime(2026, 9, 19, 14, tzinfo=timezone.utc)]
    store = QueryStore(catalog_query(100000), tmp_path, base(httpserver), clock=lambda: now[0])
    _answering(httpserver, json.dumps([record(SEPT, 100000)]))
    assert store.get().source == "network"
    cached = (tmp_path / "omm-catnr-100000.json").read_bytes()
    httpserver.clear()
    # SARAMAGO's number on Terra's elements (real records, only the id changed): a 98° sun-synchronous
    # orbit like SARAMAGO's, but 0.6 rev/day slower, which no set half a day later can be.
    _answering(httpserver, json.dumps([dict(record(SEPT, 25994), NORAD_CAT_ID=100000)]))
    now[0] += timedelta(hours=3)
    answer = store.get()
    assert answer.source == "cache" and answer.records[0].object_name == "SARAMAGO"
    assert any("not its orbit" in w for w in answer.warnings)
    assert (tmp_path / "omm-catnr-100000.json").read_bytes() == cached


def test_a_name_query_is_checked_and_can_be_ambiguous(httpserver: HTTPServer, tmp_path: Path) -> None:
    iss_named = [r for r in records(STATIONS) if "ISS" in r["OBJECT_NAME"]]
    _answering(httpserver, json.dumps(iss_named))
    answer = QueryStore(parse_sat("iss ("), tmp_path, base(httpserver)).get()
    assert httpserver.log[0][0].args["NAME"] == "iss ("
    assert [r.object_name for r in answer.records] == ["ISS (ZARYA)", "ISS (NAUKA)"]
    with pytest.raises(AmbiguousSatelliteError, match="matches 2 objects: 25544 ISS"):
        choose(answer.query, answer.records)
    # CelesTrak's NAME= matches substrings: an answer with a name lacking the text is not cached.
    with pytest.raises(NoElementsError, match="not the object asked for"):
        QueryStore(parse_sat("ISS (NAUKA)"), tmp_path, base(httpserver)).get()
    cached = [p.name for p in tmp_path.glob("omm-name-*.json") if not p.name.endswith(".state.json")]
    assert len(cached) == 1 and cached[0].startswith("omm-name-iss-") and "nauka" not in cached[0]


CHILD = """
import sys
from pathlib import Path
from isstrack.elements.querystore import QueryStore
from isstrack.elements.satellites import catalog_query
answer = QueryStore(catalog_query(int(sys.argv[1])), Path(sys.argv[2]), sys.argv[3]).get()
print(answer.source, answer.records[0].catalog_number)
"""


def test_twenty_concurrent_runs_for_three_objects_make_three_requests(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    numbers = [48274, 20580, 100000]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(numbers[i % 3]), str(tmp_path / "cache"), base(httpserver)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(20)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
    sources = sorted(out.split()[0] for out, _ in outputs)
    assert sources.count("network") == 3 and sources.count("cache") == 17
    assert sorted(asked(httpserver)) == sorted(str(n) for n in numbers)


# -- choosing from a file, and loading one object ------------------------------------------------


def test_a_name_or_designator_picks_the_object_from_an_element_file() -> None:
    from isstrack.elements.anysat import file_sets, from_file

    assert from_file(STATIONS, parse_sat("soyuz-ms 29")).elements.catalog_number == 100057
    assert from_file(STATIONS, parse_sat("2021-035A")).elements.name == "CSS (TIANHE)"
    assert from_file(SEPT_CSV, parse_sat("hubble")).elements.catalog_number == 20580
    with pytest.raises(AmbiguousSatelliteError, match="matches 3 objects: 48274 CSS"):
        from_file(STATIONS, parse_sat("CSS ("))
    with pytest.raises(UnknownSatelliteError, match="holds no object with name 'MIR'"):
        from_file(STATIONS, parse_sat("MIR"))
    everything = file_sets(SEPT, datetime(2026, 9, 19, tzinfo=timezone.utc))
    assert len(everything) == 18 and everything[0].catalog_number == 25544


def test_a_decayed_object_fails_with_one_line() -> None:
    from isstrack.elements.anysat import from_file
    from isstrack.elements.plausible import require_propagates

    # CORAL's set of 2026-07-17 (15.93 rev/day) re-entered before September: SGP4 says so.
    coral = from_file(STATIONS, parse_sat("67684")).elements
    with pytest.raises(NoElementsError) as caught:
        require_propagates(coral, datetime(2026, 9, 19, tzinfo=timezone.utc))
    assert "decayed" in str(caught.value) and "\n" not in str(caught.value)


def test_load_satellite_gives_elements_in_use(httpserver: HTTPServer, tmp_path: Path) -> None:
    from isstrack.elements.anysat import load_satellite

    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    used = load_satellite(parse_sat("css"), tmp_path, base_url=base(httpserver), timeout_s=5)
    assert (used.elements.catalog_number, used.source) == (48274, "network")
    again = load_satellite(parse_sat("48274"), tmp_path, base_url=base(httpserver), timeout_s=5, offline=True)
    assert (again.elements, again.source) == (used.elements, "cache")
    with pytest.raises(NoElementsError, match="no elements for catalog number 20580: nothing cached"):
        load_satellite(parse_sat("hubble"), tmp_path, base_url=base(httpserver), offline=True)


def test_update_downloads_once_per_two_hours_per_query(httpserver: HTTPServer, tmp_path: Path) -> None:
    from isstrack.errors import UpdateError

    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    store = QueryStore(catalog_query(20580), tmp_path, base(httpserver))
    assert store.update().source == "network"
    with pytest.raises(UpdateError, match="next download allowed"):
        store.update()
    assert QueryStore(catalog_query(48274), tmp_path, base(httpserver)).update().source == "network"
    assert asked(httpserver) == ["20580", "48274"]
