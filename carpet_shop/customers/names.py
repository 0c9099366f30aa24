"""When a name a seller types is the registered customer's, and when it is clearly someone else.

A seller in front of a customer writes names fast and as they hear them. The same person is a
name that, once case, spacing, apostrophes and a word of address ("aka", "opa": "Aziz aka")
are set aside, equals the registered one or is its beginning ("Malika" and "malika yoldosheva"
are "Malika Yoʻldosheva"), or is made of the registered name's words in another order
("Yoʻldosheva Malika", surname first as on a passport). Anything else is clearly different: a
sale or a debt naming it with the registered phone is a 409 naming the phone's owner, so the
app asks before booking to them.
"""

from __future__ import annotations

import unicodedata

# Uzbek Latin writes oʻ and gʻ with U+02BB; phones and keyboards send any of these, or none.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u02bb\u02bc\u2018\u2019\u0060\u00b4"), None)
# Words of address a seller adds to a name ("Aziz aka", "Malika opa"), in Latin and Cyrillic.
_ADDRESS = frozenset(
    {"aka", "opa", "uka", "xola", "amaki", "domla", "ака", "опа", "ука", "хола", "амаки", "домла"}
)


def name_key(name: str) -> str:
    """What names are compared by: NFKC, case-folded, no apostrophes, single spaces."""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_APOSTROPHES)
    return " ".join(folded.split())


def same_person(given: str, registered: str) -> bool:
    words = [w for w in name_key(given).split() if w not in _ADDRESS]
    if not words:
        return False
    known = name_key(registered)
    if known.startswith(" ".join(words)):
        return True
    return sorted(words) == sorted(known.split())
