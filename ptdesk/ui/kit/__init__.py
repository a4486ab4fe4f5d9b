"""Feature-free pieces every screen may use; nothing here imports a feature."""
