from vrapport.cli import main

main()
