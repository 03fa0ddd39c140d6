"""Where the simulated dead came from and where they died.

Governorate weights follow the broad shape of published counts of deaths in custody 2011–2015 (Rural
Damascus, Homs, Daraa, Aleppo and Hama first; the coast, Suwayda and Quneitra last); they are a plausible
profile for testing, not a statistic. Districts are the official mintaqa names, first the governorate seat.
Place names are public geography, never data about a person.
"""

from __future__ import annotations

#: governorate code (as in `uncounted.places`) → share of the dead
GOVERNORATE_WEIGHTS: dict[str, float] = {
    "RDA": 0.22, "HMS": 0.17, "DRA": 0.13, "ALE": 0.10, "HMA": 0.09, "DAM": 0.09, "IDL": 0.07, "DEZ": 0.05,
    "LAT": 0.025, "HAS": 0.015, "RAQ": 0.015, "QUN": 0.01, "TAR": 0.005, "SWE": 0.005,
}

#: governorate code → districts as (Arabic, English), the seat first
DISTRICTS: dict[str, tuple[tuple[str, str], ...]] = {
    "DAM": (("دمشق", "Damascus"),),
    "RDA": (("دوما", "Douma"), ("داريا", "Darayya"), ("التل", "Al-Tall"), ("يبرود", "Yabroud"),
            ("النبك", "An-Nabk"), ("القطيفة", "Al-Qutayfah"), ("الزبداني", "Az-Zabadani"), ("قطنا", "Qatana"),
            ("قدسيا", "Qudsaya")),
    "ALE": (("جبل سمعان", "Jabal Semaan"), ("الباب", "Al-Bab"), ("منبج", "Manbij"), ("عفرين", "Afrin"),
            ("إعزاز", "Azaz"), ("السفيرة", "As-Safira"), ("جرابلس", "Jarabulus"), ("الأتارب", "Al-Atarib")),
    "HMS": (("حمص", "Homs"), ("الرستن", "Al-Rastan"), ("تلكلخ", "Talkalakh"), ("القصير", "Al-Qusayr"),
            ("المخرم", "Al-Mukharram"), ("تدمر", "Tadmur")),
    "HMA": (("حماة", "Hama"), ("السلمية", "Salamiyah"), ("مصياف", "Masyaf"), ("محردة", "Muhradah"),
            ("السقيلبية", "As-Suqaylabiyah")),
    "IDL": (("إدلب", "Idlib"), ("معرة النعمان", "Maarat al-Numan"), ("جسر الشغور", "Jisr al-Shughur"),
            ("أريحا", "Ariha"), ("حارم", "Harem")),
    "LAT": (("اللاذقية", "Latakia"), ("جبلة", "Jableh"), ("الحفة", "Al-Haffah")),
    "TAR": (("طرطوس", "Tartus"), ("بانياس", "Baniyas"), ("صافيتا", "Safita")),
    "DRA": (("درعا", "Daraa"), ("إزرع", "Izra"), ("الصنمين", "As-Sanamayn")),
    "SWE": (("السويداء", "As-Suwayda"), ("صلخد", "Salkhad"), ("شهبا", "Shahba")),
    "QUN": (("القنيطرة", "Quneitra"), ("فيق", "Fiq")),
    "DEZ": (("دير الزور", "Deir ez-Zor"), ("الميادين", "Al-Mayadin"), ("البوكمال", "Abu Kamal")),
    "RAQ": (("الرقة", "Raqqa"), ("الثورة", "Al-Thawrah"), ("تل أبيض", "Tell Abyad")),
    "HAS": (("الحسكة", "Al-Hasakah"), ("القامشلي", "Qamishli"), ("رأس العين", "Ras al-Ayn"),
            ("المالكية", "Al-Malikiyah")),
}

#: Where people died in custody, as lists name it: (Arabic, English, share). Most records name no place.
PLACES_OF_DEATH: tuple[tuple[str, str, float], ...] = (
    ("فرع أمن", "Security branch", 0.30),
    ("سجن صيدنايا العسكري", "Saydnaya Military Prison", 0.20),
    ("مشفى تشرين العسكري", "Tishreen Military Hospital", 0.15),
    ("مشفى المزة العسكري", "Mezzeh Military Hospital", 0.12),
    ("فرع المخابرات الجوية", "Air Force Intelligence branch", 0.08),
    ("سجن حمص المركزي", "Homs Central Prison", 0.05),
    ("سجن عدرا المركزي", "Adra Central Prison", 0.05),
    ("مكان مجهول", "Unknown location", 0.05),
)
