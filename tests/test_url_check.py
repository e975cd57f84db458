"""The one check of an http(s) URL, shared by ISSTRACK_TLE_URL and the alert targets."""

from __future__ import annotations

from isstrack.elements.sources import UrlCheck, check_http_url


def test_a_usable_url_has_no_problem() -> None:
    assert check_http_url("https://ntfy.sh/topic") == UrlCheck(False, None, False)
    assert check_http_url("http://127.0.0.1:8080/gp.php?CATNR=25544") == UrlCheck(False, None, False)


def test_each_problem_is_reported_on_its_own() -> None:
    assert check_http_url("ftp://host/x") == UrlCheck(False, None, True)
    assert check_http_url("https:///no-host") == UrlCheck(False, None, True)
    assert check_http_url("http://a b/") == UrlCheck(True, None, False)
    assert check_http_url("http://a\x1b/") == UrlCheck(True, None, False)
    bad_port = check_http_url("http://host:99999/")
    assert bad_port.invalid is not None and "out of range" in bad_port.invalid and bad_port.not_http
    both = check_http_url("http://[::1 x/")
    assert both.controls and both.invalid is not None
