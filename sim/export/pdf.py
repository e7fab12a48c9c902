"""HTML documents printed to PDF, with WeasyPrint.

Chosen over headless Chromium by measurement (docs/PERFORMANCE.md, "PDF renderer"):
the same pages from the same print CSS, a third of the peak memory, in-process (no
browser to install, start or sandbox), installed from the lock like every other
dependency. It needs the system's Pango library; without it the error says so in
one line and the HTML is still there to print from a browser.

The documents are self-contained: every fetch of a URL is refused, so nothing is
read from outside the document (or from the network) whatever the HTML says.
"""

from __future__ import annotations

import hashlib

PANGO_HINT = "PDF needs WeasyPrint and the Pango library (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot be loaded here (not installed, or the system lacks Pango)."""


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"documents are self-contained; not fetching {url[:80]}")


def render_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document. Same HTML, same bytes: the identifier is
    derived from the document and no creation date is written."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango shared library is missing
        raise PdfUnavailable(f"{PANGO_HINT}: {exc}".splitlines()[0]) from None
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = weasyprint.HTML(string=html, url_fetcher=_refuse).render()
    return document.write_pdf(pdf_identifier=identifier)
