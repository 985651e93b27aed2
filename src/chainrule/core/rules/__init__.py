"""The rule table, one module per family of primitives."""
