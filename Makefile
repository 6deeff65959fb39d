.PHONY: run test setup bench
run:    ## run the whole service on this machine
	bash scripts/run.sh
test:   ## run every test (SQLite, PostgreSQL, bot)
	bash scripts/test.sh
setup:  ## install system packages and both Python environments
	bash scripts/setup.sh
bench:  ## measure latency, throughput and memory; writes docs/benchmarks.md
	bash scripts/bench.sh
