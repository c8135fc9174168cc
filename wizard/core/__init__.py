"""The deployment plan engine: plan model, checks, values/runbook/preset rendering.

Plain Python (stdlib + PyYAML). Nothing here may import Django.
"""
