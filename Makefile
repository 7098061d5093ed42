# The everyday commands. `make run` and `make test` work on a fresh Debian machine with Swift:
# they install the system packages they need and start their own PostgreSQL and Redis.
.PHONY: run test build bench check-deploy render clean

run: ## build and start the whole local stack; Ctrl-C stops it
	deploy/local/run.sh

test: ## the full suite against a throwaway PostgreSQL and Redis, then the deploy checks
	deploy/local/test.sh

build: ## a debug build of every executable and the tests
	swift build --build-tests

bench: ## the benchmarks under bench/, each printing its numbers
	bench/run.sh

check-deploy: ## docker-compose config, hadolint and the Kubernetes schemas, without Docker
	deploy/check.sh

render: ## regenerate docker-compose.yml and deploy/k8s after adding a service
	deploy/render.sh

clean: ## remove the build folder and the local stack's data
	rm -rf .build .local
