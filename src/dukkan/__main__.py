from dukkan.cli import main

main()
