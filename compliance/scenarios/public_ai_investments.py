"""The public record of big-tech stakes in AI companies, and the authorities' scrutiny of them.

Every fact comes from Part 1 of ``shared/domain/regulatory-facts.md`` and carries, as its
source, one URL of the row it comes from. Conventions:

- ``occurred_at`` is midnight UTC of the row's date. A row dated to the month only is dated to
  the first of that month, and its source's title says so. A fact the sheet knows only from a
  later document (e.g. the terms the CMA described in its decision) is dated to that document.
- ``published_on`` is given only where the URL itself carries the full date.
- Reliability: ``official`` for authority and company pages; ``reliable_press`` for mainstream
  press, trade press, law-firm publications and press copies of official texts;
  ``unverified`` for weak sources and for press reports of figures the sheet marks
  "(reported)".
- Amounts are as stated, in their currency; no EUR rate is stated, so none is converted.
- No turnover is recorded (the sheet gives none); rows marked UNCONFIRMED are left out; names
  of people are kept out of the payloads.

The stake Microsoft took in Mistral AI is first recorded as a weak report had it (USD 2.1bn),
then corrected to the EUR 15m convertible note: as known between the two recordings, the
position shows the misreading (``WRONG_REPORT``, ``CORRECTION``; the load's ``known_before``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from compliance.domain.events import (
    CommercialAgreementAmended,
    CommercialAgreementSigned,
    ConversionHappened,
    DeadlineSet,
    DecisionIssued,
    GatekeeperDesignated,
    GovernanceRightGranted,
    GovernanceRightRelinquished,
    InvestmentAnnounced,
    InvestmentCompleted,
    KeyPersonnelHired,
    LicenceFeePaid,
    PartyRegistered,
    PartyRenamed,
    PhaseChanged,
    ProceedingClosed,
    ProceedingOpened,
    ReferralAccepted,
    ReferralRequested,
    ReferralWithdrawn,
    StakeAcquired,
)
from compliance.domain.values import (
    AgreementKind,
    GovernanceRight,
    Instrument,
    Money,
    Outcome,
    PartyKind,
    ProceedingKind,
)
from compliance.scenarios.loader import Correction, Fact, Scenario, Step, Stream
from events.types import Event

NAME = "public-ai-investments"


def on(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def source(
    url: str, publisher: str, title: str, reliability: str, published_on: str | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "url": url,
        "publisher": publisher,
        "title": title,
        "reliability": reliability,
    }
    if published_on is not None:
        found["published_on"] = published_on
    return found


def fact(event: Event, src: dict[str, Any], label: str | None = None) -> Fact:
    return Fact(event=event, source=src, label=label)


# ---------------------------------------------------------------- stream ids

MICROSOFT = "party-microsoft"
MISTRAL_AI = "party-mistral-ai"
OPENAI = "party-openai"
INFLECTION_AI = "party-inflection-ai"
AMAZON = "party-amazon"
ANTHROPIC = "party-anthropic"
ALPHABET = "party-alphabet"
GOOGLE = "party-google"
NVIDIA = "party-nvidia"
RUN_AI = "party-run-ai"

MICROSOFT_MISTRAL = "investment-microsoft-mistral-ai"
MICROSOFT_OPENAI = "investment-microsoft-openai"
MICROSOFT_INFLECTION = "investment-microsoft-inflection-ai"
AMAZON_ANTHROPIC = "investment-amazon-anthropic"
GOOGLE_ANTHROPIC = "investment-google-anthropic"
NVIDIA_RUN_AI = "investment-nvidia-run-ai"

EC_MICROSOFT_MISTRAL = "proceeding-ec-microsoft-mistral-ai"
CMA_MICROSOFT_MISTRAL = "proceeding-cma-microsoft-mistral-ai"
BKARTA_MICROSOFT_OPENAI = "proceeding-bundeskartellamt-microsoft-openai"
CMA_MICROSOFT_OPENAI = "proceeding-cma-microsoft-openai"
EC_MICROSOFT_OPENAI = "proceeding-ec-microsoft-openai"
DOJ_FTC_MICROSOFT_OPENAI = "proceeding-doj-ftc-microsoft-openai"
FTC_AI_PARTNERSHIPS = "proceeding-ftc-6b-ai-partnerships"
CMA_MICROSOFT_INFLECTION = "proceeding-cma-microsoft-inflection-ai"
EC_MICROSOFT_INFLECTION = "proceeding-ec-microsoft-inflection-ai"
BKARTA_MICROSOFT_INFLECTION = "proceeding-bundeskartellamt-microsoft-inflection-ai"
CMA_AMAZON_ANTHROPIC = "proceeding-cma-amazon-anthropic"
CMA_GOOGLE_ANTHROPIC = "proceeding-cma-google-anthropic"
DOJ_GOOGLE_ANTHROPIC = "proceeding-doj-google-anthropic"
EC_NVIDIA_RUN_AI = "proceeding-ec-nvidia-run-ai"

# Labels of the steps the tests (and anyone checking the correction) look up.
WRONG_REPORT = "microsoft-mistral-usd-2.1bn-report"
CORRECTION = "microsoft-mistral-eur-15m-correction"

UK_CMA = "UK CMA"
COMMISSION = "European Commission"
BUNDESKARTELLAMT = "Bundeskartellamt (DE)"
US_FTC = "US FTC"
EA_2002 = "EA 2002"

# ---------------------------------------------------------------- sources

# 1.1 Microsoft - Mistral AI
DAILY_MAVERICK = source(
    "https://www.dailymaverick.co.za/article/2024-02-26-microsoft-strikes-deal-with-frances-mistral-openai-rival/",
    "Daily Maverick",
    "Microsoft strikes deal with France's Mistral, OpenAI rival (Reuters copy)",
    "reliable_press",
    "2024-02-26",
)
BUSINESS_UPTURN = source(
    "https://www.businessupturn.com/technology/microsoft-invests-2-1-billion-in-french-startup-mistral-ai-to-drive-ai-innovation/",
    "Business Upturn",
    "Microsoft invests $2.1 billion in French startup Mistral AI to drive AI innovation",
    "unverified",
)
DCD = source(
    "https://www.datacenterdynamics.com/en/news/european-commission-to-analyze-microsoft-and-mistral-ai-partnership/?trk=public_post_comment-text",
    "DatacenterDynamics",
    "European Commission to analyze Microsoft and Mistral AI partnership",
    "reliable_press",
)
POLITICO = source(
    "https://politico.eu/article/european-commission-sets-its-sights-on-microsofts-ai-deal-with-frances-mistral",
    "POLITICO Europe",
    "European Commission sets its sights on Microsoft's AI deal with France's Mistral",
    "reliable_press",
)
WIRED_GOV = source(
    "https://www.wired-gov.net/wg/news.nsf/articles/cma+seeks+views+on+ai+partnerships+and+other+arrangements+24042024140500?open",
    "Wired-Gov",
    "CMA seeks views on AI partnerships and other arrangements (CMA press release copy)",
    "reliable_press",
    "2024-04-24",
)
PYMNTS_MISTRAL = source(
    "https://www.pymnts.com/news/regulation/2024/uk-antitrust-regulator-wont-investigate-microsoft-mistral-ai-partnership/",
    "PYMNTS",
    "UK antitrust regulator won't investigate Microsoft-Mistral AI partnership",
    "reliable_press",
)
NBC_LOS_ANGELES = source(
    "https://www.nbclosangeles.com/news/business/money-report/microsofts-mistral-partnership-avoids-merger-probe-by-british-regulators/3414649/",
    "NBC Los Angeles (CNBC copy)",
    "Microsoft's Mistral partnership avoids merger probe by British regulators",
    "reliable_press",
)
CORRECT_READING = [
    "https://redreefresearch.com/2024/02/26/microsoft-invests-in-europes-mistral-ai-to-expand-beyond-openai/",
    DCD["url"],
]
EUR_15M_STATEMENT = "https://ttm.financial/m/news/2414824790"

# 1.2 Microsoft - OpenAI
CENTER_CONSULTING = source(
    "https://www.centerconsulting.com/ai-library/facts/microsoft-invested-1-billion-openai-2019",
    "Center Consulting",
    "Microsoft invested USD 1 billion in OpenAI in 2019",
    "unverified",
)
THE_VERGE = source(
    "https://www.theverge.com/2023/1/23/23567448/microsoft-openai-partnership-extension-ai?ref=blog.stetsonblake.com",
    "The Verge",
    "Microsoft extends OpenAI partnership with a multiyear, multibillion-dollar investment "
    "(amount not disclosed; ~USD 10bn reported by Bloomberg, not recorded)",
    "reliable_press",
    "2023-01-23",
)
BKARTA_OPENAI = source(
    "https://internationale-kartellkonferenz.de/SharedDocs/Meldung/EN/Pressemitteilungen/2023/15_11_2023_Microsoft_OpenAI.html?nn=49440",
    "Bundeskartellamt",
    "Cooperation between Microsoft and OpenAI currently not subject to merger control",
    "official",
    "2023-11-15",
)
CNBC_OBSERVER = source(
    "https://www.cnbc.com/2023/11/29/microsoft-secures-non-voting-board-seat-at-openai-.html",
    "CNBC",
    "Microsoft secures non-voting board seat at OpenAI",
    "reliable_press",
    "2023-11-29",
)
MEDIANAMA = source(
    "https://www.medianama.com/2023/12/223-uk-competition-regulator-microsoft-openai-partnership/",
    "MediaNama",
    "UK competition regulator invites comments on the Microsoft-OpenAI partnership",
    "reliable_press",
)
BRISTOWS = source(
    "https://inquisitiveminds.bristows.com/post/102iwu1/european-commission-joins-uk-competition-and-markets-authority-in-examining-appli",
    "Bristows (Inquisitive Minds)",
    "European Commission joins UK CMA in examining AI partnerships: calls for contributions",
    "reliable_press",
)
EXECUTIVEGOV = source(
    "https://executivegov.com/2024/01/google-microsoft-amazon-subjected-to-ftc-inquiry-into-ai-investments/",
    "ExecutiveGov",
    "Google, Microsoft, Amazon subjected to FTC inquiry into AI investments",
    "reliable_press",
)
THE_DECODER = source(
    "https://the-decoder.com/eu-regulators-eye-potential-anti-competitive-effects-of-microsofts-openai-partnership/",
    "The Decoder",
    "EU regulators eye potential anti-competitive effects of Microsoft's OpenAI partnership",
    "reliable_press",
)
THE_WRAP = source(
    "https://www.thewrap.com/microsoft-exits-openai-board-observer-role-chatgpt/",
    "TheWrap",
    "Microsoft exits OpenAI board observer role",
    "reliable_press",
)
CADWALADER = source(
    "https://cadwalader.com/resources/clients-friends-memos/ftc--doj--board-observers-are-subject-to-the-antitrust-laws-prohibition-on-interlocking-directorates",
    "Cadwalader",
    "FTC & DOJ: board observers are subject to the antitrust laws' prohibition on "
    "interlocking directorates",
    "reliable_press",
)
SQUIRE_PATTON_BOGGS = source(
    "https://squirepattonboggs.com/en/insights/publications/2025/01/ftc-report-on-ai-sector-illuminates-future-enforcement",
    "Squire Patton Boggs",
    "FTC report on AI sector illuminates future enforcement",
    "reliable_press",
)
AI_FRAY_STARGATE = source(
    "https://aifray.com/adjustments-to-microsoft-openai-partnership-and-stargate-mean-more-openness-even-less-reason-for-competition-concern",
    "AI Fray",
    "Adjustments to Microsoft-OpenAI partnership and Stargate mean more openness",
    "unverified",
)
PLANTSNEEDCO2 = source(
    "https://plantsneedco2.com/cma-drops-microsofts-openai-probe/",
    "plantsneedco2.com",
    "CMA drops Microsoft's OpenAI probe (Phase 1 launched 2025-03-04)",
    "unverified",
)
CITY_AM = source(
    "https://www.cityam.com/cma-clears-probe-into-microsofts-openai-investment/",
    "City A.M.",
    "CMA clears probe into Microsoft's OpenAI investment",
    "reliable_press",
)
NASDAQ_RECAPITALISATION = source(
    "https://www.nasdaq.com/articles/microsoft-openai-agree-new-profit-deal-openai-completes-restructure",
    "Nasdaq",
    "Microsoft, OpenAI agree new profit deal; OpenAI completes restructure",
    "reliable_press",
)

# 1.3 Microsoft - Inflection AI
MIRAGE_INFLECTION = source(
    "https://miragenews.com/commission-notes-withdrawal-of-inflection-1319492",
    "Mirage News (Commission text)",
    "Commission notes withdrawal of the referral requests on Microsoft / Inflection",
    "reliable_press",
)
THE_BATCH = source(
    "https://www.deeplearning.ai/the-batch/microsoft-pays-inflection-ai-650-million-hires-most-of-its-staff/",
    "DeepLearning.AI (The Batch)",
    "Microsoft pays Inflection AI $650 million, hires most of its staff",
    "reliable_press",
)
BENZINGA = source(
    "https://www.benzinga.com/news/24/03/37885023/microsoft-could-buy-inflection-ais-tech-and-brains-for-650m-without-actually-buying-them",
    "Benzinga",
    "Microsoft could buy Inflection AI's tech and brains for $650M (Bloomberg report)",
    "unverified",
)
GOV_UK_INFLECTION = source(
    "https://gov.uk/cma-cases/microsoft-slash-inflection-ai-inquiry",
    "GOV.UK (CMA case page)",
    "Microsoft / Inflection AI inquiry",
    "official",
)
BNN_BLOOMBERG = source(
    "https://www.bnnbloomberg.ca/business/technology/2024/09/04/microsoft-cleared-by-uk-watchdog-over-ex-inflection-staff-hires/",
    "BNN Bloomberg",
    "Microsoft cleared by UK watchdog over ex-Inflection staff hires",
    "reliable_press",
    "2024-09-04",
)
ACM = source(
    "https://www.acm.nl/en/node/26486",
    "ACM",
    "ACM on its request to refer Microsoft / Inflection to the European Commission",
    "official",
)
BKARTA_INFLECTION = source(
    "https://bundeskartellamt.de/SharedDocs/Meldung/EN/Pressemitteilungen/2024/29_11_2024_Microsoft.html",
    "Bundeskartellamt",
    "Microsoft / Inflection: a concentration in principle, but not notifiable in Germany",
    "official",
    "2024-11-29",
)

# 1.4 Amazon - Anthropic
NEWSIO = source(
    "https://newsio.com/2024/03/27/amazon-spends-2-75-billion-on-ai-startup-anthropic-in-its-largest-venture-investment-yet/",
    "Newsio",
    "Amazon spends $2.75 billion on AI startup Anthropic in its largest venture investment yet",
    "unverified",
    "2024-03-27",
)
NEWSIO_2023 = source(
    NEWSIO["url"],
    "Newsio",
    "Amazon's initial USD 1.25bn in Anthropic, committing up to USD 4bn (dated to the month "
    "only: 2023-09)",
    "unverified",
    "2024-03-27",
)
PYMNTS_AMAZON = source(
    "https://www.pymnts.com/antitrust/2024/united-kingdom-cma-decides-amazon-anthropic-partnership-will-not-lessen-competition-ai/",
    "PYMNTS",
    "UK CMA decides Amazon-Anthropic partnership will not lessen competition in AI",
    "reliable_press",
)
COMPETITION_INTELLIGENCE = source(
    "https://competitionintelligence.blogspot.com/2024/10/cma-decides-that-amazon-anthropic-does.html",
    "Competition Intelligence (blog)",
    "CMA decides that Amazon/Anthropic does not qualify (links the decision's full text)",
    "unverified",
)
CMA_AMAZON_TERMS = source(
    COMPETITION_INTELLIGENCE["url"],
    "Competition Intelligence (blog)",
    "Terms of the Amazon/Anthropic arrangements as the CMA's decision of 2024-09-27 "
    "describes them (date they were agreed not stated)",
    "unverified",
)
NDTV_PROFIT = source(
    "https://www.ndtvprofit.com/business/amazon-invests-an-additional-4-billion-in-ai-firm-anthropic",
    "NDTV Profit",
    "Amazon invests an additional $4 billion in AI firm Anthropic",
    "reliable_press",
)

# 1.5 Alphabet / Google - Anthropic
AXIOS = source(
    "https://www.axios.com/2023/10/30/google-invests-2-billion-anthropic-openai",
    "Axios",
    "Google invests $2 billion in Anthropic",
    "reliable_press",
    "2023-10-30",
)
GOV_UK_GOOGLE = source(
    "https://gov.uk/cma-cases/alphabet-inc-google-llc-slash-anthropic-merger-inquiry",
    "GOV.UK (CMA case page)",
    "Alphabet Inc. (Google LLC) / Anthropic merger inquiry",
    "official",
)
CMA_GOOGLE_TERMS = source(
    GOV_UK_GOOGLE["url"],
    "GOV.UK (CMA case page)",
    "Terms of the Google/Anthropic arrangements as the CMA's decision of 2024-11-19 "
    "describes them (date they were agreed not stated)",
    "official",
)
AI_FRAY_GOOGLE = source(
    "https://aifray.com/?p=206",
    "AI Fray",
    "Commentary on the CMA's Alphabet/Anthropic Phase 1 (decision deadline 2024-12-19)",
    "unverified",
)
CORBUS = source(
    "https://corbus.xyz/2025/03/11/within-google-investments-in-anthropics",
    "corbus.xyz",
    "Google's stake in Anthropic per court filings (NYT report; dated to the month only: 2025-03)",
    "unverified",
    "2025-03-11",
)
CNA = source(
    "https://www.channelnewsasia.com/business/us-drops-bid-make-google-sell-ai-investments-antitrust-case-4986816?cid=cna_flip_070214",
    "CNA",
    "US drops bid to make Google sell AI investments in antitrust case",
    "reliable_press",
)

# 1.6 Nvidia - Run:ai
PUNTO_INFORMATICO = source(
    "https://www.punto-informatico.it/acquisizione-runai-nvidia-serve-ok-ue/",
    "Punto Informatico",
    "Acquisizione Run:ai, a Nvidia serve l'ok UE",
    "reliable_press",
)
IEU_MONITORING = source(
    "https://ieu-monitoring.com/editorial/eu-commission-to-assess-the-proposed-acquisition-of-runai-by-nvidia/446292",
    "IEU Monitoring",
    "EU Commission to assess the proposed acquisition of Run:ai by Nvidia",
    "reliable_press",
)
IEU_REFERRAL_REQUEST = source(
    IEU_MONITORING["url"],
    "IEU Monitoring",
    "Italy (AGCM) asked the Commission to examine Nvidia / Run:ai after its call-in (date of "
    "the request not confirmed: recorded at the date the Commission accepted it)",
    "reliable_press",
)
NASDAQ_NVIDIA = source(
    "https://www.nasdaq.com/articles/nvidia-run-ai-deal-be-reviewed-under-eus-merger-rules",
    "Nasdaq",
    "Nvidia's Run:ai deal to be reviewed under EU merger rules",
    "reliable_press",
)
MIRAGE_NVIDIA = source(
    "https://miragenews.com/nvidia-cleared-to-acquire-runai-by-eu-commission-1383203",
    "Mirage News (Commission text)",
    "Nvidia cleared to acquire Run:ai by EU Commission",
    "reliable_press",
)
FORTUNE = source(
    "https://fortune.com/2024/12/31/nvidias-new-years-surprise-a-700-million-software-acquisition-will-be-open-source",
    "Fortune",
    "Nvidia's New Year's surprise: a $700 million software acquisition will be open source "
    "(price reported)",
    "unverified",
    "2024-12-31",
)
ASHARQ_AL_AWSAT = source(
    "https://english.aawsat.com/node/5096515",
    "Asharq Al-Awsat",
    "Nvidia completes its acquisition of Run:ai",
    "reliable_press",
)

# 1.7 Designations
EUR_LEX_DMA = source(
    "https://eur-lex.europa.eu/eli/C/2023/551/oj/eng",
    "EUR-Lex",
    "Commission designation of Microsoft as a gatekeeper under the Digital Markets Act",
    "official",
)
BKARTA_19A = source(
    "https://internationale-kartellkonferenz.de/SharedDocs/Meldung/EN/Pressemitteilungen/2024/30_09_2024_Microsoft_19a.html?nn=49440",
    "Bundeskartellamt",
    "Microsoft of paramount significance for competition across markets (GWB section 19a)",
    "official",
    "2024-09-30",
)


# ---------------------------------------------------------------- streams


def party(
    stream_id: str,
    when: str,
    name: str,
    country: str,
    src: dict[str, Any],
    *later: Step,
    group_parent_id: str | None = None,
) -> Stream:
    """A party, registered as of its first appearance in the record."""
    registered = PartyRegistered(
        occurred_at=on(when),
        name=name,
        kind=PartyKind.COMPANY,
        country=country,
        group_parent_id=group_parent_id,
    )
    return Stream(stream_id, (fact(registered, src), *later))


PARTIES = (
    party(
        MICROSOFT,
        "2019-07-22",
        "Microsoft",
        "US",
        CENTER_CONSULTING,
        fact(
            GatekeeperDesignated(
                occurred_at=on("2023-09-05"),
                regime="DMA",
                designated_on=day("2023-09-05"),
                core_platform_services=["Windows PC OS", "LinkedIn"],
            ),
            EUR_LEX_DMA,
        ),
        fact(
            GatekeeperDesignated(
                occurred_at=on("2024-09-30"), regime="GWB_19A", designated_on=day("2024-09-30")
            ),
            BKARTA_19A,
        ),
    ),
    party(
        OPENAI,
        "2019-07-22",
        "OpenAI (for-profit subsidiary)",
        "US",
        CENTER_CONSULTING,
        # "OpenAI for-profit became OpenAI Group PBC" in the 2025-10-28 recapitalisation.
        fact(
            PartyRenamed(occurred_at=on("2025-10-28"), name="OpenAI Group PBC"),
            NASDAQ_RECAPITALISATION,
        ),
    ),
    party(AMAZON, "2023-09-01", "Amazon", "US", NEWSIO_2023),
    party(ANTHROPIC, "2023-09-01", "Anthropic", "US", NEWSIO_2023),
    party(ALPHABET, "2023-10-27", "Alphabet Inc.", "US", GOV_UK_GOOGLE),
    party(GOOGLE, "2023-10-27", "Google LLC", "US", GOV_UK_GOOGLE, group_parent_id=ALPHABET),
    party(MISTRAL_AI, "2024-02-26", "Mistral AI", "FR", DAILY_MAVERICK),
    party(INFLECTION_AI, "2024-03-19", "Inflection AI", "US", THE_BATCH),
    party(NVIDIA, "2024-04-24", "Nvidia", "US", PUNTO_INFORMATICO),
    party(RUN_AI, "2024-04-24", "Run:ai", "IL", PUNTO_INFORMATICO),
)


def investment(
    stream_id: str, when: str, investor_id: str, target_id: str, title: str, src: dict[str, Any],
    *later: Step, description: str | None = None,
) -> Stream:  # fmt: skip
    announced = InvestmentAnnounced(
        occurred_at=on(when),
        investor_id=investor_id,
        target_id=target_id,
        title=title,
        description=description,
    )
    return Stream(stream_id, (fact(announced, src), *later))


EUR_15M_NOTE = StakeAcquired(
    occurred_at=on("2024-02-27"),
    instrument=Instrument.CONVERTIBLE_NOTE,
    amount=eur("15000000"),
    conversion_terms=(
        "Converts into equity at Mistral AI's next funding round; no equity held at the time "
        "(Microsoft spokesperson to Reuters)."
    ),
    conversion_trigger="Mistral AI's next funding round",
)

INVESTMENTS = (
    investment(
        MICROSOFT_MISTRAL,
        "2024-02-26",
        MICROSOFT,
        MISTRAL_AI,
        "Microsoft - Mistral AI partnership and investment",
        DAILY_MAVERICK,
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-02-26"),
                agreement_id="azure-ai-supercomputing",
                kind=AgreementKind.CLOUD_COMPUTE,
                exclusive=False,
                description=(
                    "Multi-year partnership: Azure AI supercomputing infrastructure for "
                    "training and inference of Mistral AI's models."
                ),
            ),
            DAILY_MAVERICK,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-02-26"),
                agreement_id="azure-models-as-a-service",
                kind=AgreementKind.DISTRIBUTION,
                exclusive=False,
                description=(
                    "Mistral AI's models (including the new Mistral Large) offered through "
                    "Azure Models-as-a-Service."
                ),
            ),
            DAILY_MAVERICK,
        ),
        # A misreading some outlets published: Mistral AI's valuation taken for the investment.
        fact(
            StakeAcquired(
                occurred_at=on("2024-02-26"), instrument=Instrument.OTHER, amount=usd("2100000000")
            ),
            BUSINESS_UPTURN,
            label=WRONG_REPORT,
        ),
        Correction(
            corrects=WRONG_REPORT,
            corrected=EUR_15M_NOTE,
            occurred_at=on("2024-02-27"),
            reason=(
                "USD 2.1bn (EUR 2bn) is Mistral AI's valuation, not Microsoft's investment "
                f"(correct reading: {CORRECT_READING[0]} ; {CORRECT_READING[1]}). Microsoft "
                "invested EUR 15m through a note converting into equity at Mistral AI's next "
                f"funding round (Microsoft spokesperson to Reuters: {EUR_15M_STATEMENT})."
            ),
            source=DCD,
            label=CORRECTION,
        ),
    ),
    investment(
        MICROSOFT_OPENAI,
        "2019-07-22",
        MICROSOFT,
        OPENAI,
        "Microsoft - OpenAI investment and partnership",
        CENTER_CONSULTING,
        # No conventional equity: a profit-share entitlement in OpenAI's for-profit
        # subsidiary, up to a cap (the sheet's 2023 structure note).
        fact(
            StakeAcquired(
                occurred_at=on("2019-07-22"),
                instrument=Instrument.PROFIT_PARTICIPATION,
                amount=usd("1000000000"),
            ),
            CENTER_CONSULTING,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2019-07-22"),
                agreement_id="azure-cloud",
                kind=AgreementKind.CLOUD_COMPUTE,
                exclusive=True,
                description=(
                    "Azure to be OpenAI's exclusive cloud; Microsoft the preferred partner for "
                    "commercialising OpenAI technology."
                ),
            ),
            CENTER_CONSULTING,
        ),
        fact(
            StakeAcquired(
                occurred_at=on("2023-01-23"), instrument=Instrument.PROFIT_PARTICIPATION
            ),  # "multiyear, multibillion dollar": no amount disclosed
            THE_VERGE,
        ),
        fact(
            CommercialAgreementAmended(
                occurred_at=on("2023-01-23"),
                agreement_id="azure-cloud",
                exclusive=True,
                description="Azure the exclusive cloud for all OpenAI workloads.",
            ),
            THE_VERGE,
        ),
        fact(
            GovernanceRightGranted(
                occurred_at=on("2023-11-29"),
                right=GovernanceRight.OBSERVER_SEAT,
                scope=(
                    "Non-voting observer on OpenAI's new board: may attend and receive "
                    "confidential information, no vote."
                ),
            ),
            CNBC_OBSERVER,
        ),
        fact(
            GovernanceRightRelinquished(
                occurred_at=on("2024-07-09"), right=GovernanceRight.OBSERVER_SEAT
            ),
            THE_WRAP,
        ),
        fact(
            CommercialAgreementAmended(
                occurred_at=on("2025-01-21"),
                agreement_id="azure-cloud",
                exclusive=False,
                description=(
                    "Azure exclusivity replaced by a Microsoft right of first refusal on new "
                    "OpenAI compute capacity; Microsoft keeps its IP rights and Azure API "
                    "exclusivity (partnership through 2030)."
                ),
            ),
            AI_FRAY_STARGATE,
        ),
        fact(
            GovernanceRightGranted(
                occurred_at=on("2025-01-21"),
                right=GovernanceRight.RIGHT_OF_FIRST_REFUSAL,
                scope="New OpenAI compute capacity.",
            ),
            AI_FRAY_STARGATE,
        ),
        # The recapitalisation: the for-profit became OpenAI Group PBC, in which Microsoft
        # holds ~27 % as-converted diluted (the form of the shares is not stated).
        fact(
            ConversionHappened(
                occurred_at=on("2025-10-28"),
                from_instrument=Instrument.PROFIT_PARTICIPATION,
                to_instrument=Instrument.OTHER,
                fully_diluted_pct=Decimal("27"),
            ),
            NASDAQ_RECAPITALISATION,
        ),
        fact(
            GovernanceRightRelinquished(
                occurred_at=on("2025-10-28"), right=GovernanceRight.RIGHT_OF_FIRST_REFUSAL
            ),
            NASDAQ_RECAPITALISATION,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2025-10-28"),
                agreement_id="azure-purchase-2025",
                kind=AgreementKind.CLOUD_COMPUTE,
                exclusive=False,
                value=usd("250000000000"),
                description="OpenAI to buy an incremental USD 250bn of Azure services.",
            ),
            NASDAQ_RECAPITALISATION,
        ),
        fact(
            CommercialAgreementAmended(
                occurred_at=on("2025-10-28"),
                agreement_id="azure-cloud",
                description=(
                    "Microsoft loses its compute right of first refusal; Azure API "
                    "exclusivity until AGI, AGI claims verified by an independent expert "
                    "panel; Microsoft's IP rights extended to 2032."
                ),
            ),
            NASDAQ_RECAPITALISATION,
        ),
    ),
    investment(
        MICROSOFT_INFLECTION,
        "2024-03-19",
        MICROSOFT,
        INFLECTION_AI,
        "Microsoft - Inflection AI licence and hiring",
        MIRAGE_INFLECTION,
        fact(
            KeyPersonnelHired(
                occurred_at=on("2024-03-19"),
                count=70,
                roles=[
                    "co-founders (to lead the new Microsoft AI unit)",
                    "staff (most of Inflection AI's staff)",
                ],
            ),
            THE_BATCH,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-03-19"),
                agreement_id="inflection-licence",
                kind=AgreementKind.LICENSING,
                exclusive=False,
                description="Non-exclusive licence of Inflection AI's IP and models.",
            ),
            THE_BATCH,
        ),
        fact(
            LicenceFeePaid(
                occurred_at=on("2024-03-21"),
                amount=usd("620000000"),
                description=(
                    "About USD 620m for the non-exclusive model licence (reported by Bloomberg)."
                ),
            ),
            BENZINGA,
        ),
        fact(
            LicenceFeePaid(
                occurred_at=on("2024-03-21"),
                amount=usd("30000000"),
                description=(
                    "About USD 30m for Inflection AI waiving legal claims over the hiring, not "
                    "a licence fee as such (reported by Bloomberg)."
                ),
            ),
            BENZINGA,
        ),
    ),
    investment(
        AMAZON_ANTHROPIC,
        "2023-09-01",
        AMAZON,
        ANTHROPIC,
        "Amazon - Anthropic investment",
        NEWSIO_2023,
        fact(
            StakeAcquired(
                occurred_at=on("2023-09-01"),
                instrument=Instrument.CONVERTIBLE_NOTE,
                amount=usd("1250000000"),
                conversion_terms=(
                    "Convertible into non-voting equity in certain circumstances (the CMA's "
                    "decision of 2024-09-27, on the USD 4bn invested by then)."
                ),
            ),
            NEWSIO_2023,
        ),
        fact(
            StakeAcquired(
                occurred_at=on("2024-03-27"),
                instrument=Instrument.CONVERTIBLE_NOTE,
                amount=usd("2750000000"),
            ),  # total USD 4bn; a minority stake, no board seat
            NEWSIO,
        ),
        fact(
            GovernanceRightGranted(
                occurred_at=on("2024-09-27"), right=GovernanceRight.CONSULTATION_RIGHT
            ),
            CMA_AMAZON_TERMS,
        ),
        fact(
            GovernanceRightGranted(
                occurred_at=on("2024-09-27"),
                right=GovernanceRight.RIGHT_OF_FIRST_NOTIFICATION,
                scope="A change of control of Anthropic.",
            ),
            CMA_AMAZON_TERMS,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-09-27"),
                agreement_id="aws-cloud",
                kind=AgreementKind.CLOUD_COMPUTE,
                exclusive=False,
                description="AWS Anthropic's primary cloud provider for certain workloads.",
            ),
            CMA_AMAZON_TERMS,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-09-27"),
                agreement_id="bedrock-distribution",
                kind=AgreementKind.DISTRIBUTION,
                exclusive=False,
                description="Anthropic's models available on Amazon Bedrock, non-exclusively.",
            ),
            CMA_AMAZON_TERMS,
        ),
        fact(
            StakeAcquired(
                occurred_at=on("2024-11-22"),
                instrument=Instrument.CONVERTIBLE_NOTE,
                amount=usd("4000000000"),
            ),  # total USD 8bn; still a minority stake
            NDTV_PROFIT,
        ),
        fact(
            CommercialAgreementAmended(
                occurred_at=on("2024-11-22"),
                agreement_id="aws-cloud",
                description=(
                    "AWS Anthropic's primary cloud and training partner; work on Trainium chips."
                ),
            ),
            NDTV_PROFIT,
        ),
        description="An initial USD 1.25bn, committing up to USD 4bn.",
    ),
    investment(
        GOOGLE_ANTHROPIC,
        "2023-10-27",
        GOOGLE,
        ANTHROPIC,
        "Google - Anthropic investment",
        AXIOS,
        fact(
            StakeAcquired(
                occurred_at=on("2023-10-27"),
                instrument=Instrument.CONVERTIBLE_NOTE,
                amount=usd("500000000"),
                conversion_terms=(
                    "Up to USD 2bn structured as a convertible note: USD 500m upfront and "
                    "USD 1.5bn over time (Anthropic spokesperson via Bloomberg)."
                ),
            ),
            AXIOS,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-11-19"),
                agreement_id="google-compute",
                kind=AgreementKind.CLOUD_COMPUTE,
                exclusive=False,
                description="Compute supplied by Google to Anthropic, non-exclusively.",
            ),
            CMA_GOOGLE_TERMS,
        ),
        fact(
            CommercialAgreementSigned(
                occurred_at=on("2024-11-19"),
                agreement_id="vertex-ai-distribution",
                kind=AgreementKind.DISTRIBUTION,
                exclusive=False,
                description="Anthropic's models distributed through Google's Vertex AI.",
            ),
            CMA_GOOGLE_TERMS,
        ),
        # Reported from court filings: a holding as observed then, not a new purchase (the
        # catalogue has no event for an observed holding). No board seat, no observer rights.
        fact(
            StakeAcquired(
                occurred_at=on("2025-03-01"),
                instrument=Instrument.NON_VOTING_SHARES,
                equity_pct=Decimal("14"),
                voting_pct=Decimal("0"),
                cap_pct=Decimal("15"),
            ),
            CORBUS,
        ),
        description="Up to USD 2bn as a convertible note: USD 500m upfront, USD 1.5bn over time.",
    ),
    investment(
        NVIDIA_RUN_AI,
        "2024-04-24",
        NVIDIA,
        RUN_AI,
        "Nvidia - Run:ai acquisition",
        PUNTO_INFORMATICO,
        fact(
            StakeAcquired(
                occurred_at=on("2024-12-30"), instrument=Instrument.OTHER, amount=usd("700000000")
            ),  # the acquisition, at its completion; the price is reported, not official
            FORTUNE,
        ),
        fact(InvestmentCompleted(occurred_at=on("2024-12-30")), ASHARQ_AL_AWSAT),
        description=(
            "Acquisition of Run:ai (GPU orchestration software) for about USD 700m (reported)."
        ),
    ),
)


def proceeding(
    stream_id: str, when: str, authority: str, legal_basis: str, kind: ProceedingKind,
    investment_ids: list[str], src: dict[str, Any], *later: Step, reference: str | None = None,
) -> Stream:  # fmt: skip
    opened = ProceedingOpened(
        occurred_at=on(when),
        authority=authority,
        legal_basis=legal_basis,
        kind=kind,
        investment_ids=investment_ids,
        reference=reference,
    )
    return Stream(stream_id, (fact(opened, src), *later))


def deadline(when: str, deadline_id: str, due_on: str, what: str, src: dict[str, Any]) -> Fact:
    return fact(
        DeadlineSet(
            occurred_at=on(when), deadline_id=deadline_id, due_on=day(due_on), description=what
        ),
        src,
    )


def phase(when: str, to: ProceedingKind, src: dict[str, Any]) -> Fact:
    return fact(PhaseChanged(occurred_at=on(when), phase=to), src)


def decision(when: str, outcome: Outcome, summary: str, src: dict[str, Any]) -> Fact:
    return fact(
        DecisionIssued(
            occurred_at=on(when), outcome=outcome, decided_on=day(when), summary=summary
        ),
        src,
    )


def closed(when: str, src: dict[str, Any]) -> Fact:
    return fact(ProceedingClosed(occurred_at=on(when), closed_on=day(when)), src)


def itc_comments(when: str, due_on: str, src: dict[str, Any]) -> Fact:
    return deadline(when, "itc-comments", due_on, "Comments on the invitation to comment", src)


PROCEEDINGS = (
    # 1.1 Microsoft - Mistral AI. No formal EU decision found: the statement stays open.
    proceeding(
        EC_MICROSOFT_MISTRAL,
        "2024-02-27",
        COMMISSION,
        "Not stated (part of the Jan-2024 GenAI review; merger and antitrust tools)",
        ProceedingKind.STATEMENT,
        [MICROSOFT_MISTRAL],
        POLITICO,
    ),
    proceeding(
        CMA_MICROSOFT_MISTRAL,
        "2024-04-24",
        UK_CMA,
        "Enterprise Act 2002, merger provisions",
        ProceedingKind.INVITATION_TO_COMMENT,
        [MICROSOFT_MISTRAL],
        WIRED_GOV,
        itc_comments("2024-04-24", "2024-05-09", WIRED_GOV),
        phase("2024-05-16", ProceedingKind.PHASE_1, PYMNTS_MISTRAL),
        decision(
            "2024-05-17",
            Outcome.NOT_A_CONCENTRATION,
            "The partnership does not qualify for investigation: the CMA did not consider that "
            "Microsoft acquired material influence over Mistral AI (EA 2002: no relevant "
            "merger situation).",
            NBC_LOS_ANGELES,
        ),
        closed("2024-05-17", NBC_LOS_ANGELES),
    ),
    # 1.2 Microsoft - OpenAI
    proceeding(
        BKARTA_MICROSOFT_OPENAI,
        "2023-11-15",
        BUNDESKARTELLAMT,
        "GWB §37 (concentration), §35(1a)",
        ProceedingKind.STATEMENT,
        [MICROSOFT_OPENAI],
        BKARTA_OPENAI,
        decision(
            "2023-11-15",
            Outcome.NO_JURISDICTION,
            "Not notifiable in Germany: Microsoft has had material competitive influence over "
            "OpenAI since 2019, a concentration under GWB §37, but OpenAI then lacked "
            "substantial domestic activity, so the §35(1a) transaction-value threshold was not "
            "met. Recorded as no_jurisdiction, not not_a_concentration, because the authority "
            "found a concentration outside German merger control. It would re-examine the "
            "case if Microsoft's influence grows.",
            BKARTA_OPENAI,
        ),
        closed("2023-11-15", BKARTA_OPENAI),
    ),
    proceeding(
        CMA_MICROSOFT_OPENAI,
        "2023-12-08",
        UK_CMA,
        EA_2002,
        ProceedingKind.INVITATION_TO_COMMENT,
        [MICROSOFT_OPENAI],
        MEDIANAMA,
        itc_comments("2023-12-08", "2024-01-03", MEDIANAMA),
        phase("2025-03-04", ProceedingKind.PHASE_1, PLANTSNEEDCO2),
        decision(
            "2025-03-05",
            Outcome.NOT_A_CONCENTRATION,
            "Microsoft acquired material influence over OpenAI in 2019 (Microsoft acknowledged "
            "it); no change to de facto control, partly because recent changes reduced "
            "OpenAI's reliance on Microsoft compute (EA 2002: no change of control level). "
            "Not a clean bill of health, the CMA said. Full text published 2025-04-15.",
            CITY_AM,
        ),
        closed("2025-03-05", CITY_AM),
    ),
    # Merger check closed on 2024-06-28; the antitrust request for information continues.
    proceeding(
        EC_MICROSOFT_OPENAI,
        "2024-01-09",
        COMMISSION,
        "EUMR (Reg 139/2004); antitrust",
        ProceedingKind.CALL_FOR_CONTRIBUTIONS,
        [MICROSOFT_OPENAI],
        BRISTOWS,
        deadline(
            "2024-01-09",
            "contributions",
            "2024-03-11",
            "Contributions to the calls on competition in virtual worlds and generative AI",
            BRISTOWS,
        ),
        decision(
            "2024-06-28",
            Outcome.NOT_A_CONCENTRATION,
            "Merger check closed: Microsoft had not acquired control of OpenAI on a lasting "
            "basis, so the investment is not reviewable under the EUMR (Art 3). A follow-up "
            "antitrust request for information (Art 101/102 TFEU) on whether exclusivity "
            "clauses harm competitors continues, so the proceeding stays open.",
            THE_DECODER,
        ),
    ),
    proceeding(
        DOJ_FTC_MICROSOFT_OPENAI,
        "2025-01-10",
        "US DOJ, FTC",
        "Clayton Act §8; FTC Act §5",
        ProceedingKind.STATEMENT,
        [MICROSOFT_OPENAI],
        CADWALADER,
    ),  # statement of interest in a private suit: §8 can reach board observers
    proceeding(
        FTC_AI_PARTNERSHIPS,
        "2024-01-25",
        US_FTC,
        "FTC Act §6(b)",
        ProceedingKind.MARKET_STUDY,
        [MICROSOFT_OPENAI, AMAZON_ANTHROPIC, GOOGLE_ANTHROPIC],
        EXECUTIVEGOV,
        decision(
            "2025-01-17",
            Outcome.CLOSED_WITHOUT_DECISION,
            "Staff report on Microsoft-OpenAI, Amazon-Anthropic and Google-Anthropic: equity "
            "and revenue-sharing rights; consultation, control and exclusivity rights; "
            "required cloud spend; possible effects on access to compute and talent, "
            "switching costs and sensitive information. A study: no enforcement.",
            SQUIRE_PATTON_BOGGS,
        ),
        closed("2025-01-17", SQUIRE_PATTON_BOGGS),
    ),
    # 1.3 Microsoft - Inflection AI
    proceeding(
        CMA_MICROSOFT_INFLECTION,
        "2024-04-24",
        UK_CMA,
        EA_2002,
        ProceedingKind.INVITATION_TO_COMMENT,
        [MICROSOFT_INFLECTION],
        GOV_UK_INFLECTION,
        itc_comments("2024-04-24", "2024-05-09", GOV_UK_INFLECTION),
        phase("2024-07-16", ProceedingKind.PHASE_1, GOV_UK_INFLECTION),
        deadline(
            "2024-07-16",
            "phase-1-decision",
            "2024-09-11",
            "Statutory deadline for the Phase 1 decision",
            GOV_UK_INFLECTION,
        ),
        decision(
            "2024-09-04",
            Outcome.CLEARED,
            "The hiring plus the associated arrangements treated as a merger (a transfer of "
            "staff and assets enabling a business activity to continue): a relevant merger "
            "situation, cleared at Phase 1 because Inflection AI is not a strong competitor to "
            "Copilot or ChatGPT. No Phase 2.",
            BNN_BLOOMBERG,
        ),
        closed("2024-09-04", BNN_BLOOMBERG),
    ),
    # The requests' dates are not confirmed (before 2024-09-18): the proceeding is dated to
    # the Commission's text that reports them and their withdrawal.
    proceeding(
        EC_MICROSOFT_INFLECTION,
        "2024-09-18",
        COMMISSION,
        "EUMR Art 22",
        ProceedingKind.REFERRAL_REQUEST,
        [MICROSOFT_INFLECTION],
        MIRAGE_INFLECTION,
        fact(
            ReferralRequested(
                occurred_at=on("2024-09-18"),
                requesting_authority="ACM (NL) and six other EU Member States",
                receiving_authority=COMMISSION,
                legal_basis="EUMR Art 22(1)",
            ),
            ACM,
        ),
        deadline(
            "2024-09-18",
            "referral-decision",
            "2024-09-19",
            "The Commission's deadline to decide on the referral requests",
            MIRAGE_INFLECTION,
        ),
        fact(
            ReferralWithdrawn(
                occurred_at=on("2024-09-18"),
                withdrawn_on=day("2024-09-18"),
                reason=(
                    "All seven Member States withdrew their requests after the Court of "
                    "Justice's Illumina/Grail judgment of 2024-09-03; the Commission takes no "
                    "decision. The Commission had regarded the agreements as a structural "
                    "change, a concentration under Art 3 EUMR."
                ),
            ),
            MIRAGE_INFLECTION,
        ),
        closed("2024-09-18", MIRAGE_INFLECTION),
    ),
    proceeding(
        BKARTA_MICROSOFT_INFLECTION,
        "2024-11-29",
        BUNDESKARTELLAMT,
        "GWB §37, §35(1a)",
        ProceedingKind.STATEMENT,
        [MICROSOFT_INFLECTION],
        BKARTA_INFLECTION,
        decision(
            "2024-11-29",
            Outcome.NO_JURISDICTION,
            "Taking over almost all staff plus the financing and IP agreements is a "
            "concentration in principle (GWB §37) and the transaction value exceeded EUR "
            "400m, but Inflection AI lacked substantial domestic operations (§35(1a)): not "
            "notifiable. Recorded as no_jurisdiction: a concentration outside German merger "
            "control.",
            BKARTA_INFLECTION,
        ),
        closed("2024-11-29", BKARTA_INFLECTION),
    ),
    # 1.4 Amazon - Anthropic
    proceeding(
        CMA_AMAZON_ANTHROPIC,
        "2024-04-24",
        UK_CMA,
        EA_2002,
        ProceedingKind.INVITATION_TO_COMMENT,
        [AMAZON_ANTHROPIC],
        PYMNTS_AMAZON,
        itc_comments("2024-04-24", "2024-05-09", PYMNTS_AMAZON),
        phase("2024-08-08", ProceedingKind.PHASE_1, PYMNTS_AMAZON),
        decision(
            "2024-09-27",
            Outcome.NOT_A_CONCENTRATION,
            "Terms reviewed: USD 4bn convertible into non-voting equity in certain "
            "circumstances; AWS primary cloud for certain workloads; non-exclusive "
            "availability on Bedrock; consultation rights; a first-notification right on a "
            "change of control. Dependency and consultation rights can in principle "
            "contribute to material influence, but the CMA did not decide the point: "
            "Anthropic's UK turnover did not exceed GBP 70m and there was no 25 % share of "
            "supply (EA 2002: turnover and share-of-supply tests failed).",
            COMPETITION_INTELLIGENCE,
        ),
        closed("2024-09-27", COMPETITION_INTELLIGENCE),
    ),
    # 1.5 Alphabet / Google - Anthropic
    proceeding(
        CMA_GOOGLE_ANTHROPIC,
        "2024-07-30",
        UK_CMA,
        EA_2002,
        ProceedingKind.INVITATION_TO_COMMENT,
        [GOOGLE_ANTHROPIC],
        GOV_UK_GOOGLE,
        itc_comments("2024-07-30", "2024-08-13", GOV_UK_GOOGLE),
        phase("2024-10-24", ProceedingKind.PHASE_1, GOV_UK_GOOGLE),
        deadline(
            "2024-10-24",
            "phase-1-decision",
            "2024-12-19",
            "Phase 1 decision deadline (per commentary)",
            AI_FRAY_GOOGLE,
        ),
        decision(
            "2024-11-19",
            Outcome.NOT_A_CONCENTRATION,
            "Reviewed non-voting shares, convertible debt, non-exclusive compute supply, "
            "distribution through Vertex AI and consultation rights: no material influence; "
            "Anthropic's UK turnover did not exceed GBP 70m (EA 2002: no relevant merger "
            "situation).",
            GOV_UK_GOOGLE,
        ),
        closed("2024-11-19", GOV_UK_GOOGLE),
    ),
    proceeding(
        DOJ_GOOGLE_ANTHROPIC,
        "2025-03-07",
        "US DOJ + 38 state AGs",
        "Sherman Act §2 remedies",
        ProceedingKind.STATEMENT,
        [GOOGLE_ANTHROPIC],
        CNA,
    ),  # remedies in the search case: no forced sale of AI investments, prior notice instead
    # 1.6 Nvidia - Run:ai. AGCM's call-in and request are undated (UNCONFIRMED): only the
    # Commission's proceeding is recorded, opened when it accepted the referral.
    proceeding(
        EC_NVIDIA_RUN_AI,
        "2024-10-31",
        COMMISSION,
        "EUMR Art 22(3)-(4), Art 7",
        ProceedingKind.REFERRAL_REQUEST,
        [NVIDIA_RUN_AI],
        NASDAQ_NVIDIA,
        fact(
            ReferralRequested(
                occurred_at=on("2024-10-31"),
                requesting_authority="AGCM (IT)",
                receiving_authority=COMMISSION,
                legal_basis="Law 287/1990 Art 16(1-bis); EUMR Art 22(1)",
            ),
            IEU_REFERRAL_REQUEST,
        ),
        fact(
            ReferralAccepted(
                occurred_at=on("2024-10-31"), decided_on=day("2024-10-31"), reference="M.11766"
            ),
            IEU_MONITORING,
        ),
        phase("2024-11-15", ProceedingKind.PHASE_1, MIRAGE_NVIDIA),
        decision(
            "2024-12-20",
            Outcome.CLEARED,
            "Unconditional Phase 1 clearance. Markets: discrete datacentre GPUs and GPU "
            "orchestration software; no overlap; Run:ai's revenues negligible; no ability or "
            "incentive to degrade interoperability.",
            MIRAGE_NVIDIA,
        ),
        closed("2024-12-20", MIRAGE_NVIDIA),
        reference="M.11766",
    ),
)

SCENARIO = Scenario(
    name=NAME,
    title="Big-tech stakes in AI companies and their scrutiny: the public record",
    streams=(*PARTIES, *INVESTMENTS, *PROCEEDINGS),
)
