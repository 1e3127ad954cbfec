"""Layer 4, sphinx: the Jupyter Book extension, the reader's page, Colab buttons, editions,
exercise cells and the patches of pinned upstream internals (the only layer importing Sphinx)."""
