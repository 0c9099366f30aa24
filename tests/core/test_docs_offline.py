"""/docs and /redoc work in a shop without internet: every asset comes from the service."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

# Whatever a browser would fetch: src/href attributes, CSS url(...), and the script's own URLs.
_FETCHED = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")
_QUOTED_URL = re.compile(r"""["'](\w+:)?//[^"']+["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_page_references_nothing_outside_the_service(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    fetched = [a or b for a, b in _FETCHED.findall(html)]
    assert fetched, html
    for url in fetched:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(urljoin("http://testserver", url))
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    # No absolute URL anywhere in the page itself (fonts, CDNs, validators).
    assert not _QUOTED_URL.findall(html), _QUOTED_URL.findall(html)
    assert "openapi.json" in html


def test_swagger_ui_asks_no_public_validator(client):
    html = client.get("/docs").text
    assert '"validatorUrl": null' in html


def test_the_document_the_pages_load_is_served(client):
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")
