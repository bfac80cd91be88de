"""Forms of the events pages, one module per group of pages."""
