# ruff: noqa: E501 - each template is one string literal, as long as the sentence it matches
"""The library's error sentences in the page's language: message templates with placeholders, not sentences.

Ingest, mapping, testimony and the store explain bad input in English f-strings (`BadInput.message`, and the
quarantine's reasons). Each sentence a person can meet in the app is listed here as its template, the English
text with `%(name)s` where the library puts a value; the Arabic catalogue translates the template, and a
sentence is shown translated by matching it against the templates and putting its values back in. A
placeholder named `problem` holds a sentence of its own (a date's problem inside a row's reason) and is
translated in turn. A sentence that matches no template is shown as it came, never lost.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePath

from uncounted.errors import BadInput
from uncounted.web.i18n import N_, translator

TEMPLATES: tuple[str, ...] = (
    # Reading a file (uncounted.ingest.encoding, .read, .importer); checking an upload (uncounted.web.uploads)
    N_("the file is empty (0 bytes)"),
    N_("this is %(what)s, not a table (CSV, XLSX or Parquet)"),
    N_("the file is not valid %(encoding)s (byte %(byte)s)"),
    N_("the file starts with a %(bom)s byte-order mark but is not valid %(encoding)s (byte %(byte)s)"),
    N_("the file holds binary data (NUL bytes), not text; is it really a CSV?"),
    N_(
        "cannot tell the file's text encoding (it is not UTF-8, UTF-16 or Windows-1256); save it as UTF-8 or declare its encoding in the read section of a mapping file"
    ),
    N_("the file looks like %(encoding)s but byte %(byte)s is not; save it as UTF-8"),
    N_("the file has no content, only whitespace (read as %(encoding)s)"),
    N_("the file is not a readable CSV (%(detail)s)"),
    N_("the file is not a readable XLSX workbook (%(detail)s)"),
    N_("the workbook has no sheet '%(sheet)s' (it has %(sheets)s)"),
    N_("the sheet is empty"),
    N_("the file is not a readable Parquet file (%(detail)s)"),
    N_("row has more cells than the header has columns (%(width)s)"),
    N_("the header names column '%(name)s' twice"),
    N_("the file has a header but no data rows"),
    N_("no such file"),
    N_("the source name is empty"),
    N_("this ZIP archive is not an Excel workbook"),
    N_("this file looks like an Excel workbook but is damaged"),
    N_("this Parquet file is truncated"),
    N_("this is a binary file, not a table (CSV, XLSX or Parquet)"),
    N_("this upload is no longer waiting; upload the file again"),
    N_("the file is larger than %(size)s MB"),
    # Mapping columns onto the record (uncounted.ingest.mapping, uncounted.web.pages.lists)
    N_("two columns stand for '%(field)s'; keep one, or map them"),
    N_("'%(value)s' is not a canonical field"),
    N_("several columns are mapped onto %(fields)s"),
    # Checking rows (uncounted.ingest.validate, .dates, .quarantine)
    N_(
        "the list has none of the required name columns (%(columns)s); rename its headers or map them with a mapping file (--map)"
    ),
    N_("the list has no names at all: every name column (%(columns)s) is empty"),
    N_("%(column)s is empty"),
    N_("sex '%(value)s' is not male, female or empty; map it in the values.sex section of a mapping file"),
    N_("age '%(value)s' is not a whole number from 0 to %(most)s"),
    N_("birth year '%(value)s' is not a year from %(first)s to %(last)s"),
    N_("date %(problem)s"),
    N_("date '%(value)s' is outside %(first)s–%(last)s"),
    N_("record_id '%(id)s' appears again (first at row %(row)s)"),
    N_("record_id '%(id)s' of source '%(source)s' is already in the store"),
    N_(
        "source '%(source)s' already holds %(count)s records from %(file)s; give this list a name of its own, or append it (--append) if it is more of the same list"
    ),
    N_("'%(value)s' is not a date (expected 2013, 2013-05, 2013-05-17 or 2013-05/2013-07)"),
    N_("'%(value)s' has year 0"),
    N_("'%(value)s' has month %(month)s, which does not exist"),
    N_("'%(value)s' is not a day of the calendar"),
    N_("'%(value)s' is not a date"),
    N_("'%(value)s…' is too long to be a date"),
    N_("'%(value)s' is not a date or an interval of two dates"),
    N_("the interval '%(value)s' ends before it starts"),
    N_("'%(value)s' matches neither the declared format %(formats)s nor ISO 8601"),
    N_(
        "%(problem)s; %(others)s more rows are bad too; nothing was imported — fix the file, or import with --quarantine to set bad rows aside"
    ),
    N_(
        "%(problem)s; 1 more row is bad too; nothing was imported — fix the file, or import with --quarantine to set bad rows aside"
    ),
    N_("%(problem)s; nothing was imported — fix the file, or import with --quarantine to set bad rows aside"),
    # Testimony (uncounted.testimony.model, .io, .sources, .dates, .persist; uncounted.web.entry)
    N_("'%(value)s' is not one of %(choices)s"),
    N_("an interview needs the witness_id of the person interviewed"),
    N_("a %(knowledge)s claim needs its origin (whom or what the witness had it from)"),
    N_("date_to is before date_from"),
    N_("the range is inverted: low %(low)s is above high %(high)s"),
    N_("unknown unit '%(unit)s' (known: %(known)s)"),
    N_("a %(type)s claim needs person_name"),
    N_("every claim needs a fact_key naming the fact it is about"),
    N_("an event claim needs a value saying what occurred (e.g. 'yes')"),
    N_("person_sex '%(value)s' is not male, female or empty"),
    N_("credibility is graded 1 (confirmed) to 6 (cannot be judged)"),
    N_("a %(type)s claim needs a number in low and/or high"),
    N_("a %(type)s claim needs a unit of %(dimension)s"),
    N_("%(unit)s is not a unit of %(dimension)s, which a %(type)s claim is given in"),
    N_("'%(value)s' is not a number"),
    N_("'%(value)s' is not a finite number"),
    N_("%(column)s is negative (%(value)s); counts, rates and durations cannot be"),
    N_("'%(value)s' is not a date (use 2013, 2013-05 or 2013-05-17)"),
    N_("'%(value)s' is not a calendar date"),
    N_("account '%(account)s' names witness '%(witness)s', who is not among the witnesses"),
    N_("claim '%(claim)s' names account '%(account)s', which is not among the accounts"),
    N_(
        "claim '%(claim)s' is a %(type)s claim about fact '%(fact)s', which claim '%(first)s' states as %(other)s"
    ),
    N_("claim '%(claim)s' gives fact '%(fact)s' in %(unit)s, which cannot be compared with %(other)s"),
    N_("witness '%(id)s' appears twice (or is already in the workspace)"),
    N_("account '%(id)s' appears twice (or is already in the workspace)"),
    N_("claim '%(id)s' appears twice (or is already in the workspace)"),
    N_("'%(id)s' appears twice in this table"),
    N_(
        "claim '%(claim)s' closes a circular hearsay chain on fact '%(fact)s' (%(path)s): a chain must end at someone who saw it, a document, or a person not interviewed"
    ),
    N_("%(column)s is longer than %(limit)s characters"),
    N_("the vault passphrase is needed to seal the identity fields"),
    N_("this witness was entered before"),
    N_("this account was entered before"),
    N_("this claim was entered before"),
    N_("wrong vault passphrase"),
    N_("this workspace has no identity vault yet"),
    # Access (uncounted.store.access) and the app's own refusals
    N_("%(who)s may not %(permission)s on %(resource)s"),
    N_("%(who)s may not %(permission)s"),
    N_("unknown method '%(method)s'; choose one of %(methods)s"),
    N_("unknown stratum '%(stratum)s'; choose one of %(strata)s"),
    N_("there are no records to link yet; import a list first"),
    N_("this pair is not in the review queue (the linkage may have been re-run)"),
    N_("fields: %(fields)s"),
    N_("limit: %(size)s MB"),
    N_("no such import"),
    N_("no linkage yet"),
    N_("no such person"),
    N_("no report yet: run an estimate first"),
)
#: Where a problem is: the parts of BadInput's "file, row 3, column 'age':" prefix.
ROW = N_("row %(row)s")
COLUMN = N_("column '%(column)s'")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each template as an anchored pattern, the most specific (most fixed text) first."""
    compiled = []
    for template in TEMPLATES:
        pieces = re.split(r"%\((\w+)\)s", template)
        regex = "".join(
            re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces)
        )
        fixed = sum(len(piece) for piece in pieces[::2])
        compiled.append((fixed, template, re.compile(regex + r"\.?", re.S)))
    compiled.sort(key=lambda item: -item[0])
    return tuple((template, pattern) for _, template, pattern in compiled)


def say(text: str, lang: str) -> str:
    """`text` (one library sentence, or several joined by "; ") in `lang`, its values kept as they were."""
    text = str(text)
    whole = _one(text, lang)
    if whole is not None:
        return whole
    parts = text.split("; ")
    if len(parts) > 1:
        return "; ".join(_one(part, lang) or translator(lang)(part) for part in parts)
    return translator(lang)(text)


def _one(text: str, lang: str) -> str | None:
    translate = translator(lang)
    for template, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            values = found.groupdict()
            if "problem" in values:
                values["problem"] = say(values["problem"], lang)
            return translate(template) % values
    return None


def explain(error: BadInput, lang: str) -> str:
    """A BadInput as one sentence in `lang`: where (the file's own name, never a server path; row; column),
    then what."""
    translate = translator(lang)
    where = []
    if error.file:
        where.append(PurePath(str(error.file)).name)
    if error.row is not None:
        where.append(translate(ROW) % {"row": error.row})
    if error.column:
        where.append(translate(COLUMN) % {"column": error.column})
    sentence = say(error.message.rstrip().rstrip("."), lang)
    if not sentence.endswith((".", "?", "!", "؟")):
        sentence += "."
    return f"{'، '.join(where) if lang == 'ar' else ', '.join(where)}: {sentence}" if where else sentence
