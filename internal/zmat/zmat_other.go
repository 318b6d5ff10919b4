//go:build !amd64 || purego

package zmat

// platformImpls returns the pure-Go implementation, the only one here.
func platformImpls() []*impl { return []*impl{goImpl} }
