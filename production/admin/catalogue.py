"""Admin for the catalogue and inventory."""
