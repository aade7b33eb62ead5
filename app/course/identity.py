"""The programme's identity (``programme:`` in content/program.yaml): the organisation a trainee,
a mentee's family and a funder read on every page, email and certificate, with its logo, how to
reach it and who signs its certificates."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .errors import ContentProblem
from .schema import Field, boolean, check_mapping, text

# A logo is drawn in the header on every page: small, and in a format every browser shows.
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}
LOGO_MAX_BYTES = 200 * 1024
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True)
class Logo:
    path: str  # as written, relative to the content directory
    media_type: str
    data: bytes = field(repr=False)  # read once at load: a request never touches the content tree
    digest: str = ""  # changes with the file, so browsers may cache its address for good


@dataclass(frozen=True)
class Signatory:
    name: str
    role: str


@dataclass(frozen=True)
class Identity:
    """Who runs the programme. Without ``programme:`` it is PeerPath itself, with no signatory."""

    name: str = "PeerPath"
    short_name: str = ""
    logo: Logo | None = None
    email: str = ""
    phone: str = ""
    url: str = ""
    signatory: Signatory | None = None
    example: bool = False  # the shipped example: fine for a demo, refused by a deployment
    line: int = 0  # where ``example: true`` is written, for the deployment check

    @property
    def short(self) -> str:
        """The name where space is short (the page title)."""
        return self.short_name or self.name

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or self.url)


def _email(value) -> str | None:
    if not isinstance(value, str) or not EMAIL.match(value.strip()):
        return "must be an email address, e.g. 'hello@your-programme.org'"
    return None


def _https_url(value) -> str | None:
    parts = urlsplit(value.strip()) if isinstance(value, str) else None
    if parts is None or parts.scheme != "https" or not parts.hostname:
        return "must be a web address starting https://, e.g. 'https://your-programme.org'"
    return None


IDENTITY_FIELDS = {
    "example": Field(boolean, required=False),
    "name": Field(text),
    "short_name": Field(text, required=False),
    "logo": Field(text, required=False),
    "contact": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "signatory": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
}
CONTACT_FIELDS = {
    "email": Field(_email, required=False),
    "phone": Field(text, required=False),
    "url": Field(_https_url, required=False),
}
SIGNATORY_FIELDS = {"name": Field(text), "role": Field(text)}


def load_identity(data, content_dir: Path, report) -> Identity | None:
    """The identity under ``programme:``, the default when there is none, None when it is wrong."""
    block = data.get("programme")
    if block is None:
        return Identity()
    if not check_mapping(block, IDENTITY_FIELDS, "programme", report):
        return None
    contact = _contact(block, report)
    signatory = _signatory(block, report)
    logo = _logo(block, content_dir, report) if "logo" in block else None
    if contact is None or signatory is False or logo is False:
        return None
    return Identity(
        name=block["name"].strip(),
        short_name=(block.get("short_name") or "").strip(),
        logo=logo,
        **contact,
        signatory=signatory,
        example=bool(block.get("example")),
        line=block.line_of("example") if "example" in block else block.line,
    )


def _contact(block, report) -> dict | None:
    contact = block.get("contact")
    if contact is None:
        return {}
    if not check_mapping(contact, CONTACT_FIELDS, "the programme's contact", report):
        return None
    if not any(key in contact for key in CONTACT_FIELDS):
        report(contact.line, "the programme's contact needs at least one of 'email', 'phone' or 'url'")
        return None
    return {key: contact[key].strip() for key in CONTACT_FIELDS if key in contact}


def _signatory(block, report) -> Signatory | None | bool:
    signatory = block.get("signatory")
    if signatory is None:
        return None
    if not check_mapping(signatory, SIGNATORY_FIELDS, "the certificate's signatory", report):
        return False
    return Signatory(signatory["name"].strip(), signatory["role"].strip())


def _logo(block, content_dir: Path, report) -> Logo | bool:
    """The logo file, read once: inside the content tree, of a type and size a header can show."""
    written = block["logo"].strip()
    line = block.line_of("logo")
    relative = PurePosixPath(written.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or re.match(r"^[A-Za-z]:", written):
        report(
            line,
            f"'logo' must be a path inside the content directory, such as 'assets/logo.svg', not '{written}'",
        )
        return False
    media_type = LOGO_TYPES.get(relative.suffix.lower())
    if media_type is None:
        report(line, f"'logo' must be an .svg, .png or .webp file, not '{relative.name}'")
        return False
    root = content_dir.resolve()
    file = (root / relative).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        report(line, f"'logo' file '{written}' does not exist in the content directory")
        return False
    size = file.stat().st_size
    if size > LOGO_MAX_BYTES:
        report(line, f"'logo' file '{written}' is {size // 1024} KB: at most {LOGO_MAX_BYTES // 1024} KB")
        return False
    data = file.read_bytes()
    return Logo(relative.as_posix(), media_type, data, hashlib.sha256(data).hexdigest()[:10])


EXAMPLE_REFUSED = (
    "the programme's identity is the shipped example: "
    "fill in your organisation's own name, contact and signatory and remove 'example: true'"
)


def example_problem(identity: Identity | None, program_path: str) -> ContentProblem | None:
    """Why a deployment must not show this identity, if it is the shipped example: certificates
    would carry a made-up organisation and signatory. ``program_path`` is program.yaml as shown."""
    if identity is None or not identity.example:
        return None
    return ContentProblem(program_path, identity.line, EXAMPLE_REFUSED)
