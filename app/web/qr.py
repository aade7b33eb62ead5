"""QR codes drawn on the server as inline SVG, so they show and print without JavaScript."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, label: str) -> Markup:
    """``data`` as an inline SVG QR code named ``label`` for screen readers. Presentation
    attributes only (the CSP allows no inline styles); the stylesheet sizes it through its viewBox."""
    svg = segno.make(data, error="m", micro=False).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code", lineclass=None
    )
    # role=img with a name, so a screen reader says what it is instead of skipping it.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))
