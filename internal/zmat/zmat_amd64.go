//go:build amd64 && !purego

package zmat

import "golang.org/x/sys/cpu"

// This file holds the Go side of the amd64 assembly kernels: their
// declarations, the CPU feature test that chooses them, and the drivers
// that cut the matrices into the panels and tiles the kernels compute.

// mulZ512 computes rows ≤ 6 consecutive rows of dst = A·V + beta·dst with
// AVX-512, over all n columns: dst and a point at the first of the rows in
// dst (row stride n) and A (row stride q), v at V (q×n). It needs q ≥ 1 and
// n ≥ 1; with load == 0 dst is not read (beta is then ignored).
//
//go:noescape
func mulZ512(dst, a, v *complex128, rows, q, n int, beta float64, load int)

// mulC512 is mulZ512 for complex64.
//
//go:noescape
func mulC512(dst, a, v *complex64, rows, q, n int, beta float32, load int)

// mulY128 is mulZ512 with AVX2 and FMA, for rows ≤ 3.
//
//go:noescape
func mulY128(dst, a, v *complex128, rows, q, n int, beta float64, load int)

// mulY64 is mulY128 for complex64.
//
//go:noescape
func mulY64(dst, a, v *complex64, rows, q, n int, beta float32, load int)

// gramZ512 sets out[3·ia+ib] = Σ_i x_ia[i]·conj(y_ib[i]) for the rows x0…x3
// and y0…y2 of m ≥ 1 samples, with AVX-512.
//
//go:noescape
func gramZ512(out *[12]complex128, x0, x1, x2, x3, y0, y1, y2 *complex128, m int)

// gramC512 is gramZ512 for complex64.
//
//go:noescape
func gramC512(out *[12]complex64, x0, x1, x2, x3, y0, y1, y2 *complex64, m int)

// gramY128 sets out[2·ia+ib] = Σ_i x_ia[i]·conj(y_ib[i]) for the rows x0…x2
// and y0, y1 of m ≥ 1 samples, with AVX2 and FMA.
//
//go:noescape
func gramY128(out *[6]complex128, x0, x1, x2, y0, y1 *complex128, m int)

// gramY64 is gramY128 for complex64.
//
//go:noescape
func gramY64(out *[6]complex64, x0, x1, x2, y0, y1 *complex64, m int)

// The CPU features the kernels need (x/sys/cpu reports AVX and AVX-512
// only when the operating system saves their registers). The AVX-512
// kernels use AVX-512F instructions, and AVX-512VL ones on the ymm and xmm
// halves of Z16…Z31.
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
)

// platformImpls returns the implementations this CPU can run, fastest
// first; the pure-Go one is always last.
func platformImpls() []*impl {
	var l []*impl
	if hasAVX512 {
		l = append(l, &impl{name: "avx512", mul: mulAVX512, mul64: mul64AVX512, gram: gramAVX512, gram64: gram64AVX512})
	}
	if hasAVX2 {
		l = append(l, &impl{name: "avx2", mul: mulAVX2, mul64: mul64AVX2, gram: gramAVX2, gram64: gram64AVX2})
	}
	return append(l, goImpl)
}

// loadFlag is the load argument of the Mul kernels: whether dst is read.
func loadFlag[F float32 | float64](beta F) int {
	if beta != 0 {
		return 1
	}
	return 0
}

// The Mul drivers call the kernel once per panel of 6 (AVX-512) or 3
// (AVX2) rows; the kernel walks the columns itself.

// mulAVX512 is Mul with mulZ512.
func mulAVX512(dst, a, v []complex128, r, q, n int, beta float64) {
	if q == 0 {
		scale(dst, beta)
		return
	}
	load := loadFlag(beta)
	for i := 0; i < r; i += 6 {
		mulZ512(&dst[i*n], &a[i*q], &v[0], min(6, r-i), q, n, beta, load)
	}
}

// mul64AVX512 is Mul64 with mulC512.
func mul64AVX512(dst, a, v []complex64, r, q, n int, beta float32) {
	if q == 0 {
		scale64(dst, beta)
		return
	}
	load := loadFlag(beta)
	for i := 0; i < r; i += 6 {
		mulC512(&dst[i*n], &a[i*q], &v[0], min(6, r-i), q, n, beta, load)
	}
}

// mulAVX2 is Mul with mulY128.
func mulAVX2(dst, a, v []complex128, r, q, n int, beta float64) {
	if q == 0 {
		scale(dst, beta)
		return
	}
	load := loadFlag(beta)
	for i := 0; i < r; i += 3 {
		mulY128(&dst[i*n], &a[i*q], &v[0], min(3, r-i), q, n, beta, load)
	}
}

// mul64AVX2 is Mul64 with mulY64.
func mul64AVX2(dst, a, v []complex64, r, q, n int, beta float32) {
	if q == 0 {
		scale64(dst, beta)
		return
	}
	load := loadFlag(beta)
	for i := 0; i < r; i += 3 {
		mulY64(&dst[i*n], &a[i*q], &v[0], min(3, r-i), q, n, beta, load)
	}
}

// scale sets dst = beta·dst (dst = 0 if beta == 0): Mul with q == 0, the
// same as the pure-Go kernel.
func scale(dst []complex128, beta float64) {
	if beta == 0 {
		clear(dst)
		return
	}
	for i, x := range dst {
		dst[i] = complex(beta*real(x), beta*imag(x))
	}
}

// scale64 is scale for complex64.
func scale64(dst []complex64, beta float32) {
	if beta == 0 {
		clear(dst)
		return
	}
	for i, x := range dst {
		dst[i] = complex(beta*real(x), beta*imag(x))
	}
}

// The Gram drivers walk the tiles of the lower triangle: row panels of NA
// rows a against column panels of NB rows b, for every panel pair holding
// some a ≥ b. Rows past the end are clamped to the last row, so that the
// kernel always reads valid rows; the entries they give, and those above
// the diagonal, are dropped. put (zmat_generic.go) scales by alpha and
// writes the entry and its mirror, as in the pure-Go kernel. Element (a, b)
// is always computed with a as x and b as y, by the same instructions
// whatever its place in the tile. (Walking the tiles in blocks that keep
// their rows in L1, or mirroring in a separate pass, measured no faster.)

// gramAVX512 is Gram with gramZ512.
func gramAVX512(dst, v []complex128, c, m int, alpha float64) {
	var out [12]complex128
	row := func(i int) *complex128 { return &v[min(i, c-1)*m] }
	for a0 := 0; a0 < c; a0 += 4 {
		for b0 := 0; b0 < min(a0+4, c); b0 += 3 {
			gramZ512(&out, row(a0), row(a0+1), row(a0+2), row(a0+3), row(b0), row(b0+1), row(b0+2), m)
			for ia := range min(4, c-a0) {
				for ib := range min(3, a0+ia-b0+1) {
					put(dst, c, a0+ia, b0+ib, out[ia*3+ib], alpha)
				}
			}
		}
	}
}

// gram64AVX512 is Gram64 with gramC512.
func gram64AVX512(dst, v []complex64, c, m int, alpha float32) {
	var out [12]complex64
	row := func(i int) *complex64 { return &v[min(i, c-1)*m] }
	for a0 := 0; a0 < c; a0 += 4 {
		for b0 := 0; b0 < min(a0+4, c); b0 += 3 {
			gramC512(&out, row(a0), row(a0+1), row(a0+2), row(a0+3), row(b0), row(b0+1), row(b0+2), m)
			for ia := range min(4, c-a0) {
				for ib := range min(3, a0+ia-b0+1) {
					put64(dst, c, a0+ia, b0+ib, out[ia*3+ib], alpha)
				}
			}
		}
	}
}

// gramAVX2 is Gram with gramY128.
func gramAVX2(dst, v []complex128, c, m int, alpha float64) {
	var out [6]complex128
	row := func(i int) *complex128 { return &v[min(i, c-1)*m] }
	for a0 := 0; a0 < c; a0 += 3 {
		for b0 := 0; b0 < min(a0+3, c); b0 += 2 {
			gramY128(&out, row(a0), row(a0+1), row(a0+2), row(b0), row(b0+1), m)
			for ia := range min(3, c-a0) {
				for ib := range min(2, a0+ia-b0+1) {
					put(dst, c, a0+ia, b0+ib, out[ia*2+ib], alpha)
				}
			}
		}
	}
}

// gram64AVX2 is Gram64 with gramY64.
func gram64AVX2(dst, v []complex64, c, m int, alpha float32) {
	var out [6]complex64
	row := func(i int) *complex64 { return &v[min(i, c-1)*m] }
	for a0 := 0; a0 < c; a0 += 3 {
		for b0 := 0; b0 < min(a0+3, c); b0 += 2 {
			gramY64(&out, row(a0), row(a0+1), row(a0+2), row(b0), row(b0+1), m)
			for ia := range min(3, c-a0) {
				for ib := range min(2, a0+ia-b0+1) {
					put64(dst, c, a0+ia, b0+ib, out[ia*2+ib], alpha)
				}
			}
		}
	}
}
