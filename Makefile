# SafetyNet. `make run` opens the app on the demo community; `make test`
# passes the tests. Both install missing system packages when run as root.
GO        ?= go
BIN       := bin
BENCHTIME ?= 1s
FUZZTIME  ?= 60s
DEMO_DB   ?= $(BIN)/demo.gpkg
export XDG_CONFIG_HOME ?= $(CURDIR)/$(BIN)/xdg/config
export XDG_CACHE_HOME  ?= $(CURDIR)/$(BIN)/xdg/cache

FYNE      ?= $(shell go env GOPATH)/bin/fyne

.PHONY: run live test bench build package fuzz vet clean

run: build
	./$(BIN)/safetynet

build:
	@.ci/deps app
	$(GO) build -o $(BIN)/safetynet ./cmd/safetynet
	$(GO) build -o $(BIN)/safetynetctl ./cmd/safetynetctl
	$(GO) build -o $(BIN)/safetynet-hub ./cmd/safetynet-hub

# The operator console live: a hub on localhost:$(HUB_PORT), `safetynetctl
# simulate` playing patrols and alarms of the demo community into it for
# $(LIVE_FOR), and the app following it. Everything stops with the window.
HUB_PORT ?= 8480
LIVE_FOR ?= 30m
live: build
	@mkdir -p $(BIN)/live && rm -f $(BIN)/live/* && ./$(BIN)/safetynetctl demo --db $(BIN)/live/demo.gpkg >/dev/null
	@set -e; op=$$(./$(BIN)/safetynet-hub token add console --role operator --db $(BIN)/live/hub.db); \
	 sim=$$(./$(BIN)/safetynet-hub token add simulator --role publisher --db $(BIN)/live/hub.db); \
	 ./$(BIN)/safetynet-hub serve --db $(BIN)/live/hub.db --listen 127.0.0.1:$(HUB_PORT) 2>$(BIN)/live/hub.log & hub=$$!; \
	 trap 'kill $$hub $$simpid 2>/dev/null' EXIT; sleep 1; \
	 SAFETYNET_TOKEN=$$sim ./$(BIN)/safetynetctl simulate --db $(BIN)/live/demo.gpkg --hub http://127.0.0.1:$(HUB_PORT) --duration $(LIVE_FOR) >$(BIN)/live/simulate.log 2>&1 & simpid=$$!; \
	 SAFETYNET_TOKEN=$$op ./$(BIN)/safetynet -db $(BIN)/live/demo.gpkg -hub http://127.0.0.1:$(HUB_PORT)

# A desktop package (bin/SafetyNet.tar.xz) that installs the binary, a
# .desktop entry and the icon: tar xf it, then `make user-install` inside.
package: build
	@test -x $(FYNE) || $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	$(FYNE) package --os linux --exe $(BIN)/safetynet --release
	mv SafetyNet.tar.xz $(BIN)/

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet -tags ci ./...

test:
	@.ci/deps test
	@mkdir -p $(XDG_CONFIG_HOME) $(XDG_CACHE_HOME)
	$(MAKE) vet
	LANG=en_US.UTF-8 $(GO) test -tags ci -count=1 -timeout 30m ./...
	LANG=en_US.UTF-8 $(GO) test -tags ci -race -count=1 -timeout 30m ./data/store/ ./feeds/... ./geo/coverage/ ./ui/...

bench:
	@.ci/deps test
	@mkdir -p $(XDG_CONFIG_HOME) $(XDG_CACHE_HOME)
	LANG=en_US.UTF-8 $(GO) test -tags ci -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 60m ./...

# Every decoder of outside input, FUZZTIME each.
FUZZ := FuzzDecode:./data/geojsonio/ FuzzReadXML:./data/osmimport/ FuzzReadPBF:./data/osmimport/ \
	FuzzReadBlock:./data/osmimport/ FuzzDecode:./feeds/event/ FuzzDecode:./feeds/cap/ \
	FuzzDecode:./feeds/cot/ FuzzScanner:./feeds/cot/ FuzzDecode:./feeds/ingest/ FuzzSeqOf:./feeds/client/ \
	FuzzView:./geo/visibility/ FuzzExtract:./data/fontfile/ FuzzParse:./feeds/rules/ FuzzRestore:./feeds/console/
fuzz:
	@for t in $(FUZZ); do echo "== $$t"; \
	  $(GO) test "$${t#*:}" -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) -test.fuzzcachedir="$$(mktemp -d)" || exit 1; done

clean:
	rm -rf $(BIN)
