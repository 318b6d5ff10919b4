//go:build amd64 && !purego

package dmat

import "testing"

// BenchmarkKernel measures the AVX-512 float64 micro-kernel alone: one A
// sliver against 20 B slivers (a 8×480 block of C), kc = 256.
func BenchmarkKernel(b *testing.B) {
	if hasImpl < implAVX512 {
		b.Skip("no AVX-512")
	}
	const kc, ns = 256, 20
	ap := randSlice[float64](kc * 8)
	bp := randSlice[float64](kc * 24 * ns)
	c := make([]float64, 8*24*ns)
	for b.Loop() {
		for j := 0; j < ns; j++ {
			kernF64Avx512x24(kc, &ap[0], &bp[j*kc*24], &c[j*24], 24*ns, 1, 1, 8, 1<<24-1, 1)
		}
	}
	reportFlops(b, 2*8*24*kc*ns)
}
