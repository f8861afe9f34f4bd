"""Plain Python analysis: no Flask, no database. Every number a page shows is computed here
once, so pages, exports and commands agree (see DESIGN.md)."""
