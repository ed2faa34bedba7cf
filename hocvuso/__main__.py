"""`python -m hocvuso` is the `hocvuso` command."""
from .cli import main

main()
