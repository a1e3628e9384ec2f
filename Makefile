# SafetyNet's tasks for those who have make; each is `go run ./cmd/dev TASK`,
# which is what the README gives (a fresh machine has Go and nothing else).
BENCHTIME ?= 1s
FUZZTIME  ?= 60s
LIVE_FOR  ?= 30m
HUB_PORT  ?= 8480
DEV       := go run ./cmd/dev

.PHONY: run live test bench build package fuzz vet clean

run build test package vet:
	$(DEV) $@

bench:
	$(DEV) bench -benchtime $(BENCHTIME)

fuzz:
	$(DEV) fuzz -fuzztime $(FUZZTIME)

live:
	$(DEV) live -for $(LIVE_FOR) -port $(HUB_PORT)

clean:
	rm -rf bin
