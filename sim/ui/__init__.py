"""The Textual terminal UI. Imported only by `sim` / `sim play`; the headless
commands never load Textual (a test keeps it that way)."""
