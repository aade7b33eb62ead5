"""The course: content files loaded once, validated, and held as immutable objects."""

from .errors import ContentError, ContentProblem
from .loader import inspect_course, load_course
from .model import Course, HtmlBlock, Module, ReflectPrompt, Section

__all__ = [
    "ContentError",
    "ContentProblem",
    "Course",
    "HtmlBlock",
    "Module",
    "ReflectPrompt",
    "Section",
    "inspect_course",
    "load_course",
]
