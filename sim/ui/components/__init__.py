"""The main screen's parts, one module per screen area."""
