"""Bundled lesson content as data files: catalogues (competences, forms of fraud, red flags),
scam and legitimate messages, and inbox sets. Loaded and checked by `hocvuso.core`."""
