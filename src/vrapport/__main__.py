from vrapport.entry import run

run()
