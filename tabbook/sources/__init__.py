"""Layer 2, sources: the toc, MyST pages, the book, settings, environments, translations and
their catalogs."""
