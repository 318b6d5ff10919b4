package zmat

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The determinism tests check, bitwise, that an element of the output does
// not depend on anything but the inputs it is a function of: Mul is run on
// a large matrix whose dimensions leave a tail in every kernel's rows and
// columns, then on sub-blocks (a range of rows of A, a range of columns of
// V copied into a narrower V, the matching block of dst), each in freshly
// allocated, differently aligned slices; every element of every sub-block
// result must equal the element of the large result bit for bit, although
// it sits at a different row and column, in a different tile and lane, and
// often on a different edge path. Gram is run on a large V and then on
// subsets of its rows (kept in order); element (a', b') of the small result
// must equal the element of the large one for the corresponding rows.

// sameBits reports whether x and y are bitwise equal.
func sameBits[T complex64 | complex128](x, y T) bool {
	a, b := complex128(x), complex128(y)
	if _, ok := any(x).(complex64); ok {
		return math.Float32bits(float32(real(a))) == math.Float32bits(float32(real(b))) &&
			math.Float32bits(float32(imag(a))) == math.Float32bits(float32(imag(b)))
	}
	return math.Float64bits(real(a)) == math.Float64bits(real(b)) &&
		math.Float64bits(imag(a)) == math.Float64bits(imag(b))
}

// subBlocks are (i0, i1, j0, j1) row and column ranges of the 77×101 result.
var subBlocks = [][4]int{
	{0, 77, 0, 101}, {1, 4, 3, 4}, {5, 77, 7, 100}, {10, 11, 0, 101}, {3, 20, 50, 67},
	{70, 77, 95, 101}, {0, 6, 0, 8}, {2, 9, 1, 17}, {6, 12, 16, 32}, {40, 41, 40, 41},
	{11, 30, 19, 42}, {0, 77, 100, 101}, {76, 77, 0, 101}, {13, 18, 5, 14},
}

// mulDet runs the Mul determinism test of one implementation and type.
func mulDet[T complex64 | complex128, F float32 | float64](t *testing.T, name string,
	mul func(dst, a, v []T, r, q, n int, beta F), rnd func(*rand.Rand, int) []T) {
	const r, q, n = 77, 75, 101
	rng := rand.New(rand.NewPCG(5, 5))
	a, v, d0 := rnd(rng, r*q), rnd(rng, q*n), rnd(rng, r*n)
	for _, beta := range []F{0, 0.5} {
		full := append([]T(nil), d0...)
		mul(full, a, v, r, q, n, beta)
		again := append([]T(nil), d0...)
		mul(again, a, v, r, q, n, beta)
		for i := range full {
			if !sameBits(full[i], again[i]) {
				t.Fatalf("%s: beta=%v: element %d differs between two runs", name, beta, i)
			}
		}
		for bi, blk := range subBlocks {
			i0, i1, j0, j1 := blk[0], blk[1], blk[2], blk[3]
			rs, ns := i1-i0, j1-j0
			as := offset(a[i0*q:i1*q], bi%3)
			vs := offset(make([]T, q*ns), (bi+1)%3)
			for k := 0; k < q; k++ {
				copy(vs[k*ns:(k+1)*ns], v[k*n+j0:k*n+j1])
			}
			ds := offset(make([]T, rs*ns), (bi+2)%3)
			for i := 0; i < rs; i++ {
				copy(ds[i*ns:(i+1)*ns], d0[(i0+i)*n+j0:(i0+i)*n+j1])
			}
			mul(ds, as, vs, rs, q, ns, beta)
			for i := 0; i < rs; i++ {
				for j := 0; j < ns; j++ {
					if x, y := ds[i*ns+j], full[(i0+i)*n+j0+j]; !sameBits(x, y) {
						t.Fatalf("%s: beta=%v: block %v: (%d,%d) = %v, but %v in the full product",
							name, beta, blk, i0+i, j0+j, x, y)
					}
				}
			}
		}
	}
}

func TestMulDeterminism(t *testing.T) {
	for _, im := range available {
		mulDet(t, im.name, im.mul, randC128)
		mulDet(t, im.name+"/64", im.mul64, randC64)
	}
}

// TestMulAsmAgree checks that the AVX2 and AVX-512 Mul kernels, which
// perform the same operations, agree bitwise.
func TestMulAsmAgree(t *testing.T) {
	var asm []*impl
	for _, im := range available {
		if im != goImpl {
			asm = append(asm, im)
		}
	}
	if len(asm) < 2 {
		t.Skip("fewer than two assembly implementations on this machine")
	}
	rng := rand.New(rand.NewPCG(6, 6))
	for _, sz := range [][3]int{{77, 75, 101}, {16, 16, 256}, {5, 3, 7}, {1, 100, 1}} {
		r, q, n := sz[0], sz[1], sz[2]
		a, v, d0 := randC128(rng, r*q), randC128(rng, q*n), randC128(rng, r*n)
		a64, v64, d64 := randC64(rng, r*q), randC64(rng, q*n), randC64(rng, r*n)
		var ref []complex128
		var ref64 []complex64
		for _, im := range asm {
			d := append([]complex128(nil), d0...)
			im.mul(d, a, v, r, q, n, -2)
			e := append([]complex64(nil), d64...)
			im.mul64(e, a64, v64, r, q, n, -2)
			if ref == nil {
				ref, ref64 = d, e
				continue
			}
			for i := range d {
				if !sameBits(d[i], ref[i]) || !sameBits(e[i], ref64[i]) {
					t.Fatalf("%v: %s and %s differ at %d", sz, im.name, asm[0].name, i)
				}
			}
		}
	}
}

// gramDet runs the Gram determinism test of one implementation and type.
func gramDet[T complex64 | complex128, F float32 | float64](t *testing.T, name string,
	gram func(dst, v []T, c, m int, alpha F), rnd func(*rand.Rand, int) []T) {
	const c, m = 75, 101
	rng := rand.New(rand.NewPCG(7, 7))
	v := rnd(rng, c*m)
	full := make([]T, c*c)
	gram(full, v, c, m, 0.5)
	subsets := [][]int{{0}, {74}, {3, 10, 11, 40, 74}, {70, 71, 72, 73, 74}, {1, 2}}
	var every3, first13 []int
	for i := 0; i < c; i += 3 {
		every3 = append(every3, i)
	}
	for i := 0; i < 13; i++ {
		first13 = append(first13, i+1)
	}
	subsets = append(subsets, every3, first13)
	for range 5 { // and random ordered subsets
		var s []int
		for i := 0; i < c; i++ {
			if rng.IntN(4) == 0 {
				s = append(s, i)
			}
		}
		if len(s) > 0 {
			subsets = append(subsets, s)
		}
	}
	for si, rows := range subsets {
		cs := len(rows)
		vs := offset(make([]T, cs*m), si%3)
		for i, row := range rows {
			copy(vs[i*m:(i+1)*m], v[row*m:(row+1)*m])
		}
		g := offset(make([]T, cs*cs), (si+1)%3)
		gram(g, vs, cs, m, 0.5)
		for a := range cs {
			for b := range cs {
				if x, y := g[a*cs+b], full[rows[a]*c+rows[b]]; !sameBits(x, y) {
					t.Fatalf("%s: rows %v: (%d,%d) = %v, but %v in the full Gram matrix", name, rows, rows[a], rows[b], x, y)
				}
			}
		}
	}
}

func TestGramDeterminism(t *testing.T) {
	for _, im := range available {
		gramDet(t, im.name, im.gram, randC128)
		gramDet(t, im.name+"/64", im.gram64, randC64)
	}
}
