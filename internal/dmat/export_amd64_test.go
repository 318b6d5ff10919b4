//go:build amd64 && !purego

package dmat

// testImpls lists the implementations this machine can run, the gonum
// fallback first.
func testImpls() []string {
	names := []string{"go", "avx2", "avx512"}
	return names[:hasImpl+1]
}

// setImpl switches to the named implementation and returns a function that
// restores the previous one.
func setImpl(name string) (restore func()) {
	old := impl
	for i, s := range []string{"go", "avx2", "avx512"} {
		if s == name {
			impl = i
		}
	}
	return func() { impl = old }
}

// setChunking lowers the chunk sizes so that small products take the
// chunked path, and returns a function that restores them.
func setChunking(kBlocks, elems int) (restore func()) {
	k, p := kChunk, packMax
	kChunk, packMax = kBlocks, elems
	return func() { kChunk, packMax = k, p }
}
