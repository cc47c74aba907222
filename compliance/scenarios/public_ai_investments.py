"""The built-in scenario of the public record of big-tech stakes in AI companies.

Its facts are data files with their sources (``compliance/scenarios/data/public-ai-investments/``,
read and checked by :mod:`compliance.scenarios.files`); this module names its stream ids and
the labels of the steps that tests and benchmarks look up.
"""

from __future__ import annotations

from compliance.scenarios.loader import Scenario, scenario_get

NAME = "public-ai-investments"

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

SCENARIO: Scenario = scenario_get(NAME)
