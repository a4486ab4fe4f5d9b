"""Signing in and staying signed in: first-start setup, login, automatic lock, administrator screens."""
