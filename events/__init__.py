"""A small, generic, append-only and tamper-evident event store on Django.

It knows nothing about compliance. The public API is in :mod:`events.store` (append and
read), :mod:`events.types` (event base class and registry), :mod:`events.projections`
(the projection runner) and :mod:`events.ledger` (sealing and verification).
"""
