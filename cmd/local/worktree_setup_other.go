//go:build !unix

package main

import "os/exec"

// killGroupOnCancel keeps exec's default: the command alone is killed.
func killGroupOnCancel(*exec.Cmd) {}
