"""Tables of this part of the store (being built)."""
