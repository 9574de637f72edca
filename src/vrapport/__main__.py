from vrapport.cli import run

run()
