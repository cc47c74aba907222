"""Start-up checks (``manage.py check``) with stable ids."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from compliance.rules import money, packs


@register()
def check_rule_packs(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every rule pack in compliance/rules/packs must load and validate."""
    return [
        Error(f"Invalid rule pack {error.path}: {error.message}", id="compliance.E001")
        for error in packs.check()
    ]


@register()
def check_exchange_rates(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The ECB rate table (compliance/rules/rates/ecb.toml) must load and validate."""
    return [
        Error(f"Invalid exchange rate table: {problem}", id="compliance.E002")
        for problem in money.check()
    ]
