"""Arabic-aware names: normalisation, 1:1 ASCII transliteration, name units and chains, cross-script keys.

Every function is pure and never raises on text; the vectorised ones (`name_keys`, `name_features`) compute
once per distinct value. Linkage uses `name_features`.
"""

from uncounted.names.arabic import is_arabic, normalize, normalize_arabic, normalize_latin
from uncounted.names.chains import NameChain, parse_chain
from uncounted.names.features import name_features
from uncounted.names.frequencies import frequency_table
from uncounted.names.keys import name_key, name_keys
from uncounted.names.tokens import tokens
from uncounted.names.translit import from_ascii, to_ascii

__all__ = [
    "NameChain", "frequency_table", "from_ascii", "is_arabic", "name_features", "name_key", "name_keys",
    "normalize", "normalize_arabic", "normalize_latin", "parse_chain", "to_ascii", "tokens",
]
