"""Citations ("Participatiewet art. 31 lid 2 onderdeel m") parsed into law, article, member, item.

One `bron` text may cite several places: "art. 31 lid 2 onderdeel m en art. 18 lid 8", or
"art. 34a lid 1 onderdelen a en b" (two items), or "Participatiewet art. 18 lid 2;
afstemmingsverordening art. 9 lid 1" (two laws). A citation without a law name before the first
`art.` takes the default law; later ones inherit the law named before them.
"""
from __future__ import annotations

import re

import attrs

_ARTICLE = re.compile(
    r"\bart(?:ikel)?\.?\s+(?P<art>\d+[a-z]{0,2})\b"
    r"(?:\s+lid\s+(?P<lid>\d+))?"
    r"(?:,?\s+(?:onderdelen|onderdeel|onder|sub)\s+(?P<ond>[a-z]{1,2}\b(?:\s*(?:,|en)\s*[a-z]\b)*))?",
    re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"\s*(?:,|\ben\b)\s*")
_LAW_CUT = re.compile(r"[;(:]")
_CONNECTIVES = re.compile(r"^(?:en|of|zie|en\s+ook|jo\.?|juncto|,)\s*", re.IGNORECASE)


@attrs.frozen(order=True)
class Citation:
    """One place in one law. Sorts by law, then article number, member and item."""

    law: str
    article: str
    member: str | None = None
    item: str | None = None

    @property
    def sort_key(self) -> tuple:
        m = re.match(r"(\d+)(.*)", self.article)
        num, suffix = (int(m.group(1)), m.group(2)) if m else (0, self.article)
        return (self.law.lower(), num, suffix, int(self.member or 0), self.item or "")

    @property
    def where(self) -> str:
        """'art. 31 lid 2 onderdeel m' (without the law)."""
        out = f"art. {self.article}"
        if self.member:
            out += f" lid {self.member}"
        if self.item:
            out += f" onderdeel {self.item}"
        return out

    def __str__(self) -> str:
        return f"{self.law} {self.where}"


def _law_before(text: str) -> str:
    """The law named just before an article reference, or '' (then the previous one is meant)."""
    seg = _LAW_CUT.split(text)[-1]
    seg = seg.strip(" ,.")
    seg = _CONNECTIVES.sub("", seg).strip(" ,.")
    if not seg or not re.search(r"[A-Za-zÀ-ÿ]{3}", seg):
        return ""
    return seg[0].upper() + seg[1:]


def parse_citations(text: str | None, default_law: str = "Participatiewet") -> list[Citation]:
    """Every article reference in a `bron` text, in order; [] when it cites no article."""
    if not text:
        return []
    out: list[Citation] = []
    law = ""
    pos = 0
    for m in _ARTICLE.finditer(text):
        named = _law_before(text[pos:m.start()])
        if named:
            law = named
        pos = m.end()
        items = [i for i in _ITEM_SPLIT.split(m.group("ond") or "") if i] or [None]
        for item in items:
            c = Citation(law or default_law, m.group("art").lower(), m.group("lid"), item)
            if c not in out:
                out.append(c)
    return out
