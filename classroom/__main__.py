"""`python -m hocvuso.classroom ROOT [voila options]`: the classroom server (what `hocvuso serve` runs)."""
from ._app import main

main()
