// Command ps-local writes and validates plan.toml and explains who owns what.
// See `ps-local --help` and the README.
package main

import "os"

func main() {
	dir, err := os.Getwd()
	if err != nil {
		dir = "."
	}
	c := &command{stdout: os.Stdout, stderr: os.Stderr, dir: dir}
	os.Exit(c.run(os.Args[1:]))
}
