//go:build !amd64 || purego

package dmat

func testImpls() []string { return []string{"go"} }

func setImpl(string) (restore func()) { return func() {} }

func setChunking(int, int) (restore func()) { return func() {} }
