"""Reading and recording a trainee's progress. Functions flush at most; views commit."""

from __future__ import annotations

from sqlalchemy import select

from ..course import Module, Section
from ..database import insert_ignoring_duplicates, upsert
from ..extensions import db
from ..models import Reflection, SectionView, utcnow


def record_section_read(user_id: int, module: Module, section: Section) -> None:
    """Remember that the trainee opened this section; only the first time counts."""
    db.session.execute(
        insert_ignoring_duplicates(
            SectionView,
            dict(
                user_id=user_id,
                module_id=module.id,
                section_id=section.id,
                module_version=module.version,
                viewed_at=utcnow(),
            ),
            unique=["user_id", "module_id", "section_id"],
        )
    )


def reflections_for(user_id: int, module_id: str) -> dict[str, str]:
    """The trainee's own answers to this module's reflect prompts, by prompt id."""
    rows = db.session.execute(
        select(Reflection.prompt_id, Reflection.text).where(
            Reflection.user_id == user_id, Reflection.module_id == module_id
        )
    ).all()
    return {row.prompt_id: row.text for row in rows}


def save_reflection(user_id: int, module_id: str, prompt_id: str, text: str) -> None:
    """Create or replace the trainee's answer to one prompt."""
    now = utcnow()
    db.session.execute(
        upsert(
            Reflection,
            dict(
                user_id=user_id,
                module_id=module_id,
                prompt_id=prompt_id,
                text=text,
                created_at=now,
                updated_at=now,
            ),
            unique=["user_id", "module_id", "prompt_id"],
            update=["text", "updated_at"],
        )
    )
