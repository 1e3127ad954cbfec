"""Layer 3, stages and outputs: the library extractor, execution and its cache, merged
notebooks, Colab and launch links, freshness, the exercise runner's assets, PDFs, publishing."""
