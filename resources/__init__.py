"""Shipped data: exercise library, illustrations, templates and fonts."""
