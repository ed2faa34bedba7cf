from ._web import main

main()
