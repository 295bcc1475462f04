// Package buildinfo tells a binary's version.
package buildinfo

import "runtime/debug"

// Version is stamped, the version stamped at build time with -ldflags
// "-X main.version=v1.2.3", unless it is "dev"; then the module version
// `go install` records, if any; else "dev".
func Version(stamped string) string {
	if stamped != "dev" {
		return stamped
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return stamped
}
