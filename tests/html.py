"""Read pages the way a browser would, without a browser: elements, attributes and forms."""

from __future__ import annotations

from html.parser import HTMLParser


class Element(dict):
    """An element's attributes, plus its tag and the text inside it."""

    tag: str
    text: str


class _Collector(HTMLParser):
    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element((name, value or "") for name, value in attrs)
        element.tag, element.text = tag, ""
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def elements(html: str, tag: str, **attrs: str) -> list[Element]:
    """Every ``tag`` element whose attributes include ``attrs`` (``class_`` for class)."""
    parser = _Collector()
    parser.feed(html)
    wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return [
        e
        for e in parser.elements
        if e.tag == tag and all(e.get(key) == value for key, value in wanted.items())
    ]


def csrf_token(html: str) -> str:
    """The first CSRF token on the page, as a real form would submit it."""
    inputs = [e for e in elements(html, "input") if e.get("name", "").endswith("csrf_token")]
    assert inputs, "no CSRF token on the page"
    return inputs[0]["value"]


def text_of(html: str) -> str:
    """All the page's text, whitespace collapsed (the root element holds every text node)."""
    parser = _Collector()
    parser.feed(html)
    return " ".join(parser.elements[0].text.split()) if parser.elements else ""
