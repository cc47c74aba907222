"""Which regime a proceeding belongs to: its authority and its legal basis.

The rules read each regime's own proceedings (compliance/rules/decisions.py). A proceeding
names its regime, or the regime is read from its legal basis where the text leaves no doubt
("EUMR Art 22(1)", "GWB §35(1a)", "Enterprise Act 2002"). Either way the authority must be one
that applies that regime, and a named regime must agree with the legal basis: a proceeding of
the wrong authority or basis is refused rather than read as another regime's decision.
"""

from __future__ import annotations

import re
import unicodedata

from compliance.domain.values import Element, Regime

# National competition authorities of the member states (and the UK's while it was one), by
# the names and abbreviations they are cited with: they request Art 22 referrals.
_NATIONAL = {
    "AT": ("Bundeswettbewerbsbehörde", "BWB", "Austrian Federal Competition Authority"),
    "BE": ("Belgian Competition Authority", "Autorité belge de la concurrence", "BCA"),
    "BG": ("Commission for the Protection of Competition", "CPC"),
    "CY": ("Commission for the Protection of Competition of Cyprus",),
    "CZ": ("Office for the Protection of Competition", "ÚOHS", "UOHS"),
    "DE": ("Bundeskartellamt", "BKartA", "Federal Cartel Office", "German Federal Cartel Office"),
    "DK": ("Danish Competition and Consumer Authority", "DCCA", "KFST"),
    "EE": ("Estonian Competition Authority", "Konkurentsiamet"),
    "ES": ("CNMC", "Comisión Nacional de los Mercados y la Competencia"),
    "FI": ("Finnish Competition and Consumer Authority", "FCCA", "KKV"),
    "FR": ("Autorité de la concurrence", "French Competition Authority", "AdlC"),
    "GR": ("Hellenic Competition Commission", "HCC"),
    "HR": ("Croatian Competition Agency", "AZTN"),
    "HU": ("Hungarian Competition Authority", "GVH"),
    "IE": ("Competition and Consumer Protection Commission", "CCPC"),
    "IT": ("Autorità Garante della Concorrenza e del Mercato", "AGCM",
           "Italian Competition Authority"),
    "LT": ("Competition Council of the Republic of Lithuania", "Konkurencijos taryba"),
    "LU": ("Autorité de la concurrence du Grand-Duché de Luxembourg",),
    "LV": ("Competition Council of Latvia", "Konkurences padome"),
    "MT": ("Malta Competition and Consumer Affairs Authority", "MCCAA"),
    "NL": ("Autoriteit Consument en Markt", "ACM",
           "Netherlands Authority for Consumers and Markets"),
    "PL": ("Office of Competition and Consumer Protection", "UOKiK"),
    "PT": ("Autoridade da Concorrência", "Portuguese Competition Authority", "AdC"),
    "RO": ("Romanian Competition Council", "Consiliul Concurenței"),
    "SE": ("Swedish Competition Authority", "Konkurrensverket"),
    "SI": ("Slovenian Competition Protection Agency", "AVK"),
    "SK": ("Antimonopoly Office of the Slovak Republic", "PMÚ", "PMU"),
}  # fmt: skip
_COMMISSION = ("European Commission", "Commission", "EC", "DG COMP")
_UK = ("UK CMA", "CMA", "Competition and Markets Authority", "Office of Fair Trading", "OFT",
       "UK Competition Commission")  # fmt: skip
_US = ("FTC", "US FTC", "Federal Trade Commission", "DOJ", "US DOJ", "Department of Justice",
       "US Department of Justice", "DOJ Antitrust Division")  # fmt: skip

AUTHORITIES: dict[Regime, tuple[str, ...]] = {
    Regime.EUMR: _COMMISSION,
    Regime.EUMR_ART22: _COMMISSION + tuple(n for names in _NATIONAL.values() for n in names) + _UK,
    Regime.DMA_ART14: _COMMISSION,
    Regime.FSR_ART20: _COMMISSION,
    Regime.FDI_SCREENING: (),  # national screening bodies vary: any authority is accepted
    Regime.DE_GWB_35_1A: _NATIONAL["DE"],
    Regime.AT_KARTG_9_4: (*_NATIONAL["AT"], "Bundeskartellanwalt", "Austrian Cartel Court",
                          "Kartellgericht"),
    Regime.IT_CALL_IN: _NATIONAL["IT"],
    Regime.UK_CMA: _UK,
    Regime.US_HSR: _US,
}  # fmt: skip

# Read in this order: the first pattern found in the legal basis decides.
_BASES: tuple[tuple[str, Regime], ...] = (
    (r"\bart(icle)?\.?\s*22\b.*(eumr|merger regulation|139/2004)"
     r"|(eumr|merger regulation|139/2004).*\bart(icle)?\.?\s*22\b", Regime.EUMR_ART22),
    (r"\beumr\b|merger regulation|139/2004|4064/89", Regime.EUMR),
    (r"\bdma\b|digital markets act|2022/1925", Regime.DMA_ART14),
    (r"\bfsr\b|foreign subsidies|2022/2560", Regime.FSR_ART20),
    (r"2019/452|foreign direct investment|\bfdi\b|investment screening", Regime.FDI_SCREENING),
    (r"\bgwb\b|act against restraints of competition", Regime.DE_GWB_35_1A),
    (r"\bkartg\b|kartellgesetz", Regime.AT_KARTG_9_4),
    (r"16\s*\(1-?bis\)|287/1990.*1-?bis", Regime.IT_CALL_IN),
    (r"enterprise act|\bdmcc\b", Regime.UK_CMA),
    (r"\bhsr\b|hart-scott|clayton act", Regime.US_HSR),
)  # fmt: skip

# Which elements an assessment may state for each regime.
ELEMENTS: dict[Regime, frozenset[Element]] = {
    Regime.EUMR: frozenset({Element.CONTROL, Element.EU_DIMENSION}),
    Regime.EUMR_ART22: frozenset(
        {Element.CONTROL, Element.EU_DIMENSION, Element.NATIONAL_COMPETENCE,
         Element.NATIONAL_THRESHOLD}
    ),
    Regime.DMA_ART14: frozenset({Element.CONTROL}),
    Regime.FSR_ART20: frozenset({Element.CONTROL, Element.ESTABLISHED_IN_EU}),
    Regime.FDI_SCREENING: frozenset({Element.CONTROL, Element.NATIONAL_COMPETENCE}),
    Regime.DE_GWB_35_1A: frozenset(
        {Element.CONTROL, Element.NATIONAL_THRESHOLD, Element.SIGNIFICANT_DOMESTIC_ACTIVITY,
         Element.CONSIDERATION}
    ),
    Regime.AT_KARTG_9_4: frozenset(
        {Element.CONTROL, Element.NATIONAL_THRESHOLD, Element.SIGNIFICANT_DOMESTIC_ACTIVITY,
         Element.CONSIDERATION}
    ),
    Regime.IT_CALL_IN: frozenset(
        {Element.CONTROL, Element.NATIONAL_THRESHOLD, Element.NATIONAL_COMPETENCE}
    ),
    Regime.UK_CMA: frozenset({Element.CONTROL, Element.UK_SHARE_OF_SUPPLY, Element.UK_TURNOVER}),
    Regime.US_HSR: frozenset({Element.CONTROL, Element.CONSIDERATION}),
}  # fmt: skip

# The member state a national regime's assessment must name.
HOME = {Regime.DE_GWB_35_1A: "DE", Regime.AT_KARTG_9_4: "AT", Regime.IT_CALL_IN: "IT"}


def _normal(text: str) -> str:
    """Lower case, accents dropped, punctuation as spaces ("Autorità" -> "autorita")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


_KNOWN = {regime: {_normal(n) for n in names} for regime, names in AUTHORITIES.items()}


def regime_of(legal_basis: str) -> Regime | None:
    """The regime a legal basis names without doubt, or None."""
    text = legal_basis.lower()
    for pattern, regime in _BASES:
        if re.search(pattern, text):
            return regime
    return None


def applies(authority: str, regime: Regime) -> bool:
    """Whether ``authority`` (as written, any case or accents) applies ``regime``. A name
    that starts with a known one ("Bundeskartellamt (DE)") counts."""
    known = _KNOWN[regime]
    if not known:
        return True
    name = _normal(authority)
    return name in known or any(name.startswith(f"{k} ") for k in known)
