"""The desktop shell around the window: About, appearance, one window per database, start-up wiring."""
