"""Build `names.csv`, the name table the simulation draws from, out of arabic-name-romanizer's name index.

Run from the repository root when the index or the curation below changes:

    uv run python src/uncounted/simulate/data/build_names.py

Why a derived table rather than the index itself: the index is 14 MB, mixes every Arabic-speaking country and
Iran/Pakistan, and does not tell men's names from women's. The simulation needs a few hundred Levantine given
names split by sex and a few hundred Syrian family names, each with its Arabic spelling and its attested Latin
spellings weighted by how often they were seen. The index's counts come from Wikidata (people notable enough
to have an entry), which flattens the very strong skew of everyday naming; `SKEW` sharpens it back so that
Mohammad, Ahmad, Ali, Khaled… dominate as they do in real casualty lists. Sex and the few hand fixes are
curation of ours, listed below. The package is located without importing it (its import loads onnxruntime).
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).with_name("names.csv")

#: Countries whose spellings we use, and how much more a Syrian attestation counts than a neighbour's.
#: Family names are more local than given names, so neighbours count for less there.
COUNTRY_WEIGHT = {
    "given": {"SY": 3.0, "LB": 1.0, "PS": 1.0, "JO": 1.0, "IQ": 0.5},
    "surname": {"SY": 4.0, "LB": 0.5, "PS": 0.5, "JO": 0.5, "IQ": 0.25},
}
#: Exponent applied to the attested counts (see the module docstring).
SKEW = 1.25
#: How many of each kind to keep, most frequent first.
KEEP = {"male": 260, "female": 110, "family": 900}

def _words(text: str) -> frozenset[str]:
    """A set of keys written as whitespace-separated words (long Arabic lists read better this way)."""
    return frozenset(text.split())


#: Given names (normalised keys, as the index writes them) that are women's names.
FEMALE = _words("""
ليلي ساره مني امل لينا نادين رولا فاطمه هبه ريم زينب مايا نور مي غاده وفاء مها رنا زينه عائشه هدي ناديه ريما
رشا مريم هاله سناء ندي سمر فدوي رنده ديمه دينا عبير جمانه سميره سلمي اسماء نجاح ايمان خديجه خلود ديما رانيه
سوسن اميره هند ابتسام حنان سهام نجوي بشري سعاد صباح ملك ناديا لمياء وداد سحر مياده الهام سلوي عايده ميساء
رزان فرح مروه رقيه عزه علياء نوال هيام اماني امنه ساميه علا فاديه كنده ناهد هناء وعد ياسمين اسراء جيهان حنين
دارين رانيا رباب سيرين شاديه هيفاء اريج حلا سماح صفيه لانا ميرنا احلام اسيا امينه بثينه بسمه سهير شهد صبا
صفاء عهد لميس منيره ميسون نجاه نورا هديل يمني امال دلال لطيفه نائله انغام ريهام رهف غدير منال نسرين روان
ولاء الاء سلوى هاجر زهره فاتن نهي دعاء سوزان ديانا دانا يارا لارا شذي
""")

#: Keys dropped: Western and church names (rare among the custody dead), fragments and honorifics the index
#: holds as "given names", and family names of public figures.
EXCLUDE = _words("""
جوزيف جورج ميشيل انطوان جان ايلي حنا طوني بيير ماري ريمون اندريه هنري بول نانسي اميل فيليب موريس الان ميخائيل
ريتا شربل اغناطيوس انطوانيت انطون بيار نقولا نيقولا اغناثيو البرت جو غريغور مايكل بطرس بولس وليم ليندا ماريو
ادمون رينيه سام سيمون ماريا جاك دانيال كارلا كارولين لورا مانويل ميريام يوحنا ابراهام اجناسي ادوارد ميشال
حنه ايليا داني جبريل ارام اسكندر وديع نصري جوني كريستين جوليا سيلفا فيكتور ماريانا رودولف
عبدال ال الحاج حاج بو بني بنت قصاب خير اسد الاسد مخلوف الشرع شاليش طلاس الاتاسي اتاسي برمدا مارتيني
جنبلاط الصلح خدام طلس هنيه عريقات الجميل فرنجيه شهابي
""")

#: Spellings as written in full (hamza seats, ta marbuta, alif maqsura) for keys the index normalises.
ARABIC = {
    "احمد": "أحمد", "ابراهيم": "إبراهيم", "اسامه": "أسامة", "ايمن": "أيمن", "انس": "أنس", "امين": "أمين",
    "اكرم": "أكرم", "اسعد": "أسعد", "اشرف": "أشرف", "امجد": "أمجد", "انور": "أنور", "اياد": "إياد",
    "اسماعيل": "إسماعيل", "الياس": "إلياس", "اديب": "أديب", "انيس": "أنيس", "امل": "أمل", "ايمان": "إيمان",
    "اسراء": "إسراء", "احلام": "أحلام", "اسماء": "أسماء", "امنه": "آمنة", "الاء": "آلاء", "ادهم": "أدهم",
    "ايهاب": "إيهاب", "ايهم": "أيهم", "ايوب": "أيوب", "احسان": "إحسان", "ابتسام": "ابتسام", "اماني": "أماني",
    "اميره": "أميرة", "امينه": "أمينة", "اريج": "أريج", "امال": "آمال", "انغام": "أنغام", "اسيا": "آسيا",
    "مامون": "مأمون", "رافت": "رأفت", "عبد الاله": "عبد الإله", "اسد": "أسد",
}
#: Keys whose final ي is an alif maqsura ى.
ALIF_MAQSURA = _words("""
مصطفي موسي عيسي يحيي ليلي مني هدي ندي سلمي بشري نجوي فدوي سلوي يمني نهي مرتضي المصطفي مجتبي مرعي شذي
""")
#: Keys whose final ه is a real ha, not a ta marbuta.
FINAL_HA = {"طه", "عبد الله", "سعد الله", "فضل الله", "نصر الله", "عبد الاله", "شاه", "اله", "الله", "وجيه",
            "نبيه", "فقيه", "الفقيه", "نزيه", "الوجيه", "النبيه", "بدويه"}

ALLOWED_LATIN = re.compile(r"^[A-Za-z][A-Za-z' -]*[A-Za-z']$")
ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|az|ash|at|an)[- ]?", re.IGNORECASE)


def index_path() -> Path:
    """The index inside the installed package, found without importing it."""
    spec = importlib.util.find_spec("arabic_name_romanizer")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("arabic-name-romanizer is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "names.sqlite3"


def arabic_spelling(key: str) -> str:
    """The key written out in full: hamza seats, ta marbuta and alif maqsura where the index dropped them."""
    if key in ARABIC:
        return ARABIC[key]
    if key in ALIF_MAQSURA:
        return key[:-1] + "ى"
    if key.endswith("ه") and len(key) > 2 and key not in FINAL_HA and not key.endswith("الله"):
        return key[:-1] + "ة"
    return key


def single_name(key: str) -> bool:
    """One name unit: one word, or a compound such as عبد الرحمن, نور الدين, أبو زيد (not a whole name)."""
    words = key.split()
    compound = len(words) == 2 and (words[0] in {"عبد", "ابو"} or words[1] in {"الدين", "الله"})
    return len(words) == 1 or compound


def latin_ok(latin: str) -> bool:
    """Plain Latin letters, not all capitals, not lower case only (entry errors in the index)."""
    return bool(ALLOWED_LATIN.match(latin)) and not latin.isupper() and not latin.islower()


def collect(con: sqlite3.Connection, role: str) -> dict[str, dict[str, float]]:
    """key → {Latin spelling: weighted count} for one role, over the countries we use."""
    weights = COUNTRY_WEIGHT[role]
    marks = ",".join("?" * len(weights))
    rows = con.execute(
        f"SELECT arabic_key, latin, country, count FROM units WHERE role = ? AND source = 'wikidata' "
        f"AND country IN ({marks})", (role, *weights))
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for key, latin, country, count in rows:
        if key in EXCLUDE or not single_name(key):
            continue
        if not latin_ok(latin):
            continue
        table[key][latin] += weights[country] * count
    return table


def rows_for(kind: str, table: dict[str, dict[str, float]], keys: list[str]) -> list[dict[str, str]]:
    out = []
    for key in keys[: KEEP[kind]]:
        spellings = sorted(table[key].items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(w for _, w in spellings)
        # one-off spellings (a Turkish or Hebrew form, an entry error) are noise, not a list's habit
        spellings = [(latin, w) for latin, w in spellings if w >= 1 and w >= 0.01 * total][:8]
        out.append({
            "kind": kind,
            "arabic": arabic_spelling(key),
            "weight": f"{total ** SKEW:.2f}",
            "latin": "|".join(f"{latin}:{w:g}" for latin, w in spellings),
        })
    return out


def build(out: Path = OUT) -> int:
    """Write the table to `out`; returns the number of names."""
    con = sqlite3.connect(f"file:{index_path()}?mode=ro", uri=True)
    given = collect(con, "given")
    family = collect(con, "surname")

    def ranked(table: dict[str, dict[str, float]], keep) -> list[str]:
        keys = [k for k in table if keep(k) and sum(table[k].values()) >= 2]
        return sorted(keys, key=lambda k: (-sum(table[k].values()), k))

    rows = rows_for("male", given, ranked(given, lambda k: k not in FEMALE))
    rows += rows_for("female", given, ranked(given, lambda k: k in FEMALE))
    rows += rows_for("family", family, ranked(family, lambda k: True))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["kind", "arabic", "weight", "latin"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(f"wrote {build()} names to {OUT}")
