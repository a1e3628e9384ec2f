package main

import (
	"context"
	"io"
)

// drillCommands are the subcommands of safetynetctl drill, by name.
var drillCommands = map[string]func(ctx context.Context, args []string, stdout io.Writer) error{}
