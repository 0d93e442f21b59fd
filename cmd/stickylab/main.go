// Command stickylab brings up a multi-datacenter sticky-session lab, replays
// logins through it and explains why they fail. See `stickylab --help`.
package main

import (
	"os"

	"github.com/stickylab/stickylab/internal/cli"
)

func main() { os.Exit(cli.Main()) }
