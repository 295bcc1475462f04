// Command ps-local writes and validates plan.toml, explains who owns what,
// and checks that a thread's changes stay in its scope.
// See `ps-local --help` and the README.
package main

import "os"

func main() {
	dir, err := os.Getwd()
	if err != nil {
		dir = "."
	}
	c := &command{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, dir: dir}
	os.Exit(c.run(os.Args[1:]))
}
