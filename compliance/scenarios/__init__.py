"""Built-in scenarios: sourced public facts, recorded through the services by
``manage.py load_scenario <name>`` (and by ``manage.py quickstart``)."""

from compliance.scenarios.loader import (
    ScenarioLoad,
    StreamLoaded,
    UnknownScenarioError,
    scenario_get,
    scenario_load,
    scenario_names,
)

DEFAULT_SCENARIO = "public-ai-investments"

__all__ = [
    "DEFAULT_SCENARIO",
    "ScenarioLoad",
    "StreamLoaded",
    "UnknownScenarioError",
    "scenario_get",
    "scenario_load",
    "scenario_names",
]
