from chaingraph.cli import main

main()
