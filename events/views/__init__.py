"""The events pages, one module per group of pages; the shared page helpers are in
`bakeplanner.pages`."""
