"""Witnesses, accounts and claims as plain dataclasses, and the checks that make a set of them usable.

Why the shape: an investigator's evidence is a chain — a *witness* (a protected person, known here only by a
pseudonym) gives an *account* (an interview or a document), and an account makes *claims* (typed statements: a
practice occurred, how often, how many, for how long, a named person was detained or killed). Each claim says
how the witness knows it (direct, hearsay, documentary) and, if not direct, from whom or what (its origin), so
that corroboration can count independent lines of evidence rather than mouths.

Grades follow the Admiralty (NATO STANAG 2511) scale: source reliability A (completely reliable) to F (cannot
be judged) on the witness, information credibility 1 (confirmed) to 6 (cannot be judged) on each claim.

Identity fields (real name, contact, identifying details) are held in `Witness.identity` only: left out of
`repr`, comparisons and every output; the store keeps them apart in a protected table (the vault).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from uncounted.errors import BadInput
from uncounted.records import SEX_VALUES
from uncounted.testimony import dates, units

ROLES: tuple[str, ...] = ("former_detainee", "former_official_or_guard", "judge", "doctor", "lawyer",
                          "relative", "expert", "other")
ACCOUNT_KINDS: tuple[str, ...] = ("interview", "document")
KNOWLEDGE: tuple[str, ...] = ("direct", "hearsay", "documentary")
RELIABILITY: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
CREDIBILITY: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
NUMERIC_TYPES: tuple[str, ...] = tuple(units.DIMENSION_OF_TYPE)
PERSON_TYPES: tuple[str, ...] = ("person_detained", "person_killed")
CLAIM_TYPES: tuple[str, ...] = ("event", *NUMERIC_TYPES, *PERSON_TYPES)
#: Columns of the witnesses table that identify a person: kept in the protected table, never printed.
IDENTITY_FIELDS: tuple[str, ...] = ("protected_name", "protected_contact", "protected_details")


@dataclass
class Witness:
    """A source, known by pseudonym. `identity` holds the protected fields and never leaves the vault."""

    witness_id: str
    role: str
    reliability: str = "F"
    notes: str = ""
    identity: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    file: str = field(default="", repr=False, compare=False)
    row: int | None = field(default=None, repr=False, compare=False)


@dataclass
class Account:
    """An interview with a witness, or a document (which may have no witness)."""

    account_id: str
    kind: str
    witness_id: str = ""
    date: str = ""
    language: str = ""
    interviewer: str = ""
    original: str = ""  # the file as named in the import, kept under the workspace's originals by its hash
    original_sha256: str = ""
    reliability: str = ""  # for documents without a witness; otherwise the witness's grade applies
    notes: str = ""
    original_path: Path | None = field(default=None, repr=False, compare=False)
    file: str = field(default="", repr=False, compare=False)
    row: int | None = field(default=None, repr=False, compare=False)


@dataclass
class Claim:
    """One typed statement of one account. Numbers are a low–high range in a named unit."""

    claim_id: str
    account_id: str
    claim_type: str
    fact_key: str
    knowledge: str = "direct"
    origin: str = ""  # whom (hearsay) or what (documentary) the claim came from
    value: str = ""  # for events: what occurred (compared for incompatible facts)
    low: float | None = None
    high: float | None = None
    unit: str = ""
    date_from: str = ""
    date_to: str = ""
    place: str = ""
    quote: str = ""
    credibility: int = 6
    resolution: str = ""  # why this claim is set aside (a resolved contradiction); empty if it stands
    person_name: str = ""
    person_sex: str = ""
    person_age: float | None = None
    person_governorate: str = ""
    file: str = field(default="", repr=False, compare=False)
    row: int | None = field(default=None, repr=False, compare=False)

    @property
    def span(self) -> tuple:
        return dates.span(self.date_from, self.date_to)

    def base_range(self) -> tuple[float, float]:
        """low–high in the base unit of the claim's dimension (people, per week, weeks)."""
        assert self.low is not None and self.high is not None
        base = BASE_UNIT[units.dimension(self.unit)]
        return units.convert(self.low, self.unit, base), units.convert(self.high, self.unit, base)


#: The unit every dimension is compared and combined in.
BASE_UNIT: dict[str, str] = {"count": "people", "rate": "per_week", "duration": "weeks"}


@dataclass
class Testimony:
    """Everything an import or a workspace holds: witnesses and accounts by id, claims in file order."""

    witnesses: dict[str, Witness] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)

    def witness_of(self, claim: Claim) -> str:
        """The pseudonym behind a claim, or '' for a document that has no witness."""
        return self.accounts[claim.account_id].witness_id

    def reliability_of(self, claim: Claim) -> str:
        account = self.accounts[claim.account_id]
        if account.reliability:
            return account.reliability
        witness = self.witnesses.get(account.witness_id)
        return witness.reliability if witness else "F"

    def merged(self, other: Testimony) -> Testimony:
        """Both sets together; an id present in both is bad input naming the second one's row."""
        out = Testimony(dict(self.witnesses), dict(self.accounts), list(self.claims))
        for witness in other.witnesses.values():
            _refuse_duplicate(out.witnesses, witness.witness_id, "witness", witness.file, witness.row)
            out.witnesses[witness.witness_id] = witness
        for account in other.accounts.values():
            _refuse_duplicate(out.accounts, account.account_id, "account", account.file, account.row)
            out.accounts[account.account_id] = account
        seen = {claim.claim_id for claim in out.claims}
        for claim in other.claims:
            _refuse_duplicate(seen, claim.claim_id, "claim", claim.file, claim.row)
            seen.add(claim.claim_id)
            out.claims.append(claim)
        return out

    def validate(self) -> None:
        """Cross-table checks: every reference resolves, one claim type per fact, no circular hearsay."""
        from uncounted.testimony.sources import check_chains

        for account in self.accounts.values():
            if account.witness_id and account.witness_id not in self.witnesses:
                raise BadInput(f"account '{account.account_id}' names witness '{account.witness_id}', "
                               "who is not among the witnesses", file=account.file, row=account.row,
                               column="witness_id")
        types: dict[str, Claim] = {}
        for claim in self.claims:
            if claim.account_id not in self.accounts:
                raise BadInput(f"claim '{claim.claim_id}' names account '{claim.account_id}', which is not "
                               "among the accounts", file=claim.file, row=claim.row, column="account_id")
            first = types.setdefault(claim.fact_key, claim)
            if first.claim_type != claim.claim_type:
                raise BadInput(f"claim '{claim.claim_id}' is a {claim.claim_type} claim about fact "
                               f"'{claim.fact_key}', which claim '{first.claim_id}' states as "
                               f"{first.claim_type}",
                               file=claim.file, row=claim.row, column="claim_type")
            if (claim.claim_type in NUMERIC_TYPES and first.unit and claim.unit
                    and units.dimension(first.unit) != units.dimension(claim.unit)):
                raise BadInput(f"claim '{claim.claim_id}' gives fact '{claim.fact_key}' in {claim.unit}, "
                               f"which cannot be compared with {first.unit}", file=claim.file, row=claim.row,
                               column="unit")
        check_chains(self)


def _refuse_duplicate(existing: object, key: str, what: str, file: str, row: int | None) -> None:
    if key in existing:  # type: ignore[operator]
        raise BadInput(f"{what} '{key}' appears twice (or is already in the workspace)", file=file, row=row)


# --- one row → one object ----------------------------------------------------------------------------------


def witness_from_row(row: dict[str, str], file: str, number: int) -> Witness:
    witness_id = _required(row, "witness_id", file, number)
    role = _choice(row, "role", ROLES, file, number, normalise=_token)
    reliability = _choice(row, "reliability", RELIABILITY, file, number, default="F", normalise=str.upper)
    identity = {name: row[name].strip() for name in IDENTITY_FIELDS if row.get(name, "").strip()}
    return Witness(witness_id, role, reliability, row.get("notes", "").strip(), identity, file, number)


def account_from_row(row: dict[str, str], file: str, number: int) -> Account:
    account_id = _required(row, "account_id", file, number)
    kind = _choice(row, "kind", ACCOUNT_KINDS, file, number, normalise=_token)
    witness_id = row.get("witness_id", "").strip()
    if kind == "interview" and not witness_id:
        raise BadInput("an interview needs the witness_id of the person interviewed", file=file, row=number,
                       column="witness_id")
    date = row.get("date", "").strip()
    _check_date(date, "date", file, number)
    reliability = _choice(row, "reliability", RELIABILITY, file, number, default="", normalise=str.upper)
    return Account(account_id, kind, witness_id, date, row.get("language", "").strip(),
                   row.get("interviewer", "").strip(), row.get("original", "").strip(), "", reliability,
                   row.get("notes", "").strip(), None, file, number)


def claim_from_row(row: dict[str, str], file: str, number: int) -> Claim:
    claim_id = _required(row, "claim_id", file, number)
    account_id = _required(row, "account_id", file, number)
    claim_type = _choice(row, "claim_type", CLAIM_TYPES, file, number, normalise=_token)
    knowledge = _choice(row, "knowledge", KNOWLEDGE, file, number, default="direct", normalise=_token)
    origin = row.get("origin", "").strip()
    if knowledge != "direct" and not origin:
        raise BadInput(f"a {knowledge} claim needs its origin (whom or what the witness had it from)",
                       file=file, row=number, column="origin")
    date_from, date_to = row.get("date_from", "").strip(), row.get("date_to", "").strip()
    _check_date(date_from, "date_from", file, number)
    _check_date(date_to, "date_to", file, number)
    if date_from and date_to and dates.span(date_from, date_to)[1] < dates.span(date_from, "")[0]:
        raise BadInput("date_to is before date_from", file=file, row=number, column="date_to")
    low, high = _number(row, "low", file, number), _number(row, "high", file, number)
    low, high = (high if low is None else low), (low if high is None else high)
    if low is not None and high is not None and low > high:
        raise BadInput(f"the range is inverted: low {low:g} is above high {high:g}", file=file, row=number,
                       column="low")
    unit = row.get("unit", "").strip().lower()
    if unit and unit not in units.UNITS:
        raise BadInput(f"unknown unit '{unit}' (known: {', '.join(units.UNITS)})", file=file, row=number,
                       column="unit")
    person_name = row.get("person_name", "").strip()
    fact_key = row.get("fact_key", "").strip()
    if claim_type in PERSON_TYPES:
        if not person_name:
            raise BadInput(f"a {claim_type} claim needs person_name", file=file, row=number,
                           column="person_name")
        fact_key = fact_key or f"{claim_type}/{' '.join(person_name.casefold().split())}"
    elif not fact_key:
        raise BadInput("every claim needs a fact_key naming the fact it is about", file=file, row=number,
                       column="fact_key")
    if claim_type in NUMERIC_TYPES:
        low, high, unit = _numeric_claim(claim_type, low, high, unit, date_from, date_to, file, number)
    elif claim_type == "event" and not row.get("value", "").strip():
        raise BadInput("an event claim needs a value saying what occurred (e.g. 'yes')", file=file,
                       row=number, column="value")
    sex = row.get("person_sex", "").strip().lower()
    sex = {"m": "male", "f": "female"}.get(sex, sex)
    if sex not in SEX_VALUES:
        raise BadInput(f"person_sex '{sex}' is not male, female or empty", file=file, row=number,
                       column="person_sex")
    credibility = _number(row, "credibility", file, number)
    if credibility is not None and credibility not in CREDIBILITY:
        raise BadInput("credibility is graded 1 (confirmed) to 6 (cannot be judged)", file=file, row=number,
                       column="credibility")
    return Claim(claim_id, account_id, claim_type, fact_key, knowledge, origin, row.get("value", "").strip(),
                 low, high, unit, date_from, date_to, row.get("place", "").strip(),
                 row.get("quote", "").strip(),
                 int(credibility) if credibility is not None else 6, row.get("resolution", "").strip(),
                 person_name, sex, _number(row, "person_age", file, number),
                 row.get("person_governorate", "").strip(), file, number)


def _numeric_claim(claim_type: str, low: float | None, high: float | None, unit: str, date_from: str,
                   date_to: str, file: str, number: int) -> tuple[float, float, str]:
    """Numbers and unit of a numeric claim; a period given only by dates is measured in whole weeks."""
    if low is None and claim_type == "period" and date_from and date_to and unit in ("", "weeks"):
        low, high = dates.completed_weeks(date_from, date_to)
        return low, high, "weeks"
    if low is None or high is None:
        raise BadInput(f"a {claim_type} claim needs a number in low and/or high", file=file, row=number,
                       column="low")
    wanted = units.DIMENSION_OF_TYPE[claim_type]
    if not unit:
        raise BadInput(f"a {claim_type} claim needs a unit of {wanted}", file=file, row=number, column="unit")
    if units.dimension(unit) != wanted:
        raise BadInput(f"{unit} is not a unit of {wanted}, which a {claim_type} claim is given in", file=file,
                       row=number, column="unit")
    return low, high, unit


def _token(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def _required(row: dict[str, str], column: str, file: str, number: int) -> str:
    value = row.get(column, "").strip()
    if not value:
        raise BadInput(f"{column} is empty", file=file, row=number, column=column)
    return value


def _choice(row: dict[str, str], column: str, allowed: tuple, file: str, number: int,
            default: str | None = None, normalise: Callable[[str], str] = str.strip) -> str:
    raw = row.get(column, "").strip()
    if not raw and default is not None:
        return default
    value = normalise(raw)
    if value not in allowed:
        raise BadInput(f"'{raw}' is not one of {', '.join(map(str, allowed))}", file=file, row=number,
                       column=column)
    return value


def _number(row: dict[str, str], column: str, file: str, number: int) -> float | None:
    raw = row.get(column, "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        raise BadInput(f"'{raw}' is not a number", file=file, row=number, column=column) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadInput(f"'{raw}' is not a finite number", file=file, row=number, column=column)
    if value < 0:
        raise BadInput(f"{column} is negative ({raw}); counts, rates and durations cannot be", file=file,
                       row=number, column=column)
    return value


def _check_date(text: str, column: str, file: str, number: int) -> None:
    if text:
        try:
            dates.parse_partial(text)
        except ValueError as exc:
            raise BadInput(str(exc), file=file, row=number, column=column) from None
