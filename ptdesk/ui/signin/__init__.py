"""Signing in and staying signed in: first-start setup, login and the automatic lock."""
