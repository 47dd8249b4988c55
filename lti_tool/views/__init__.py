"""Blueprints: thin views that parse, authorize, call a service and render."""
