from storylint.cli import main

main()
