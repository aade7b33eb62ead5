"""The matching API's contract: its OpenAPI 3.1 document, kept as YAML beside this module.

``document()`` is what ``GET /api/v1/openapi.json`` returns and what the integrators' page
(``templates/api/docs.html``) is drawn from. It is read once per worker and shared, so callers
must not change the dictionary they get. Descriptions use plain paragraphs and `code spans` only,
the part of CommonMark the integrators' page draws without a Markdown parser.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

SOURCE = Path(__file__).with_name("openapi.yaml")


@functools.cache
def document() -> dict:
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
