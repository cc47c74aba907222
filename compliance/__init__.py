"""The domain: parties, investments, proceedings, rules, projections, API and admin."""
