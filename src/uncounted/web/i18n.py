"""Interface strings in English and Arabic, from gettext catalogues (`locale/<lang>/LC_MESSAGES/messages.po`).

English strings are the message ids. The Arabic catalogue is read with Babel at start-up (no compiled .mo in
the repository to drift from its source); a test checks that every string the templates and pages mark with
`_()` has an Arabic translation. Arabic pages are written right to left (`<html lang="ar" dir="rtl">`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "ar": "العربية"}
RTL = frozenset({"ar"})
DEFAULT = "en"
LOCALE_DIR = Path(__file__).with_name("locale")

Translate = Callable[[str], str]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → translation for `lang`; empty for English (the ids are English) and for untranslated ids."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def translator(lang: str) -> Translate:
    table = catalogue(lang if lang in LANGUAGES else DEFAULT)
    return lambda message: table.get(message, message)


def choose(query: str | None, cookie: str | None) -> str:
    """The language of this request: `?lang=` first, then the remembered choice, then English."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for translation, translate later"
    return message


#: Words shown from data (role names, finding statuses), marked here so the catalogue test sees them.
DATA_WORDS = (
    N_("admin"),
    N_("analyst"),
    N_("reviewer"),
    N_("viewer"),
    N_("corroborated"),
    N_("insufficient"),
    N_("contested"),
    # testimony's vocabulary (uncounted.testimony.model, .units), shown in its tables and forms
    N_("former_detainee"),
    N_("former_official_or_guard"),
    N_("judge"),
    N_("doctor"),
    N_("lawyer"),
    N_("relative"),
    N_("expert"),
    N_("other"),
    N_("interview"),
    N_("document"),
    N_("direct"),
    N_("hearsay"),
    N_("documentary"),
    N_("event"),
    N_("frequency"),
    N_("group_size"),
    N_("count"),
    N_("period"),
    N_("duration"),
    N_("person_detained"),
    N_("person_killed"),
    N_("people"),
    N_("per_day"),
    N_("per_week"),
    N_("per_month"),
    N_("per_year"),
    N_("minutes"),
    N_("hours"),
    N_("days"),
    N_("weeks"),
    N_("months"),
    N_("years"),
    N_("male"),
    N_("female"),
    N_("protected_name"),
    N_("protected_contact"),
    N_("protected_details"),
)
