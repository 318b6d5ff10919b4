package redunet

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// This file is the real (vector) side of the rate core: the factorised
// I + a·ZgᵀZg of one group of rows Zg, its log-determinant, and the operator
// a·(I + a·ZgᵀZg)⁻¹ built from it. Dense algebra goes through gonum's BLAS and
// LAPACK, which block and parallelise it.

// errNotPD is returned when I + a·ZᵀZ cannot be factorised, which for finite
// features cannot happen: it means NaN or Inf reached the features.
var errNotPD = errors.New("redunet: I + a·ZᵀZ is not positive definite (NaN or Inf in the features?)")

// symGroup is I + a·ZgᵀZg for one group of n rows Zg (n×d), Cholesky-
// factorised in the cheaper of its two forms: the d×d form, or, when n < d,
// the n×n kernel form I + a·Zg·Zgᵀ, which has the same determinant
// (Sylvester) and gives the operator through Woodbury's identity.
type symGroup struct {
	n, d   int
	a      float64
	kernel bool              // the factor is of the n×n kernel form
	zg     []float64         // Zg (n×d), kept in the kernel form only
	u      blas64.Triangular // upper factor: I + a·G = UᵀU
	logdet float64
}

// gather copies the listed rows of z (d columns) into a new n×d matrix.
func gather(z []float64, d int, rows []int) []float64 {
	g := make([]float64, len(rows)*d)
	for i, r := range rows {
		copy(g[i*d:(i+1)*d], z[r*d:(r+1)*d])
	}
	return g
}

// factorGroup factorises I + a·ZgᵀZg for the rows zg (n×d).
func factorGroup(zg []float64, n, d int, a float64) (*symGroup, error) {
	g := &symGroup{n: n, d: d, a: a, kernel: n < d}
	zm := blas64.General{Rows: n, Cols: d, Stride: d, Data: zg}
	size, trans := d, blas.Trans
	if g.kernel {
		size, trans = n, blas.NoTrans
		g.zg = zg
	}
	s := blas64.Symmetric{N: size, Stride: size, Uplo: blas.Upper, Data: make([]float64, size*size)}
	if n > 0 {
		blas64.Syrk(trans, a, zm, 0, s)
	}
	for i := 0; i < size; i++ {
		s.Data[i*size+i]++
	}
	u, ok := lapack64.Potrf(s)
	if !ok {
		return nil, errNotPD
	}
	g.u = u
	for i := 0; i < size; i++ {
		g.logdet += 2 * math.Log(u.Data[i*size+i])
	}
	return g, nil
}

// operator returns a·(I + a·ZgᵀZg)⁻¹.
func (g *symGroup) operator() symOp {
	if !g.kernel {
		inv, ok := lapack64.Potri(g.u)
		if !ok {
			panic("redunet: Potri failed on a successful Cholesky factor")
		}
		d := g.d
		op := inv.Data
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				v := g.a * op[i*d+j]
				op[i*d+j] = v
				op[j*d+i] = v
			}
		}
		return symOp{d: d, dense: op}
	}
	// Woodbury: a·(I + a·ZgᵀZg)⁻¹ = a·I − a²·Zgᵀ(I + a·Zg·Zgᵀ)⁻¹Zg = a·I − a²·YᵀY
	// with Y = U⁻ᵀ·Zg.
	y := blas64.General{Rows: g.n, Cols: g.d, Stride: g.d, Data: append([]float64(nil), g.zg...)}
	blas64.Trsm(blas.Left, blas.Trans, 1, g.u, y)
	op := symOp{d: g.d, a: g.a, y: y.Data, n: g.n}
	if 2*g.n >= g.d {
		// Applying the low-rank form costs 2·n·d per sample, the dense one d².
		op = symOp{d: g.d, dense: op.Dense()}
	}
	return op
}

// symOp is a symmetric d×d operator, held either densely or as a·I − a²·YᵀY
// with Y n×d (n < d/2), whichever is cheaper to apply.
type symOp struct {
	d     int
	dense []float64 // d×d, row-major; nil in the low-rank form
	a     float64
	y     []float64 // n×d, low-rank form
	n     int
}

// Dense returns the operator as a d×d row-major matrix (a copy).
func (o *symOp) Dense() []float64 {
	d := o.d
	if o.dense != nil {
		return append([]float64(nil), o.dense...)
	}
	out := make([]float64, d*d)
	s := blas64.Symmetric{N: d, Stride: d, Uplo: blas.Upper, Data: out}
	if o.n > 0 {
		blas64.Syrk(blas.Trans, -o.a*o.a, blas64.General{Rows: o.n, Cols: d, Stride: d, Data: o.y}, 0, s)
	}
	for i := 0; i < d; i++ {
		out[i*d+i] += o.a
		for j := i + 1; j < d; j++ {
			out[j*d+i] = out[i*d+j]
		}
	}
	return out
}

// workLen is the scratch apply needs for rows samples.
func (o *symOp) workLen(rows int) int {
	if o.dense != nil {
		return 0
	}
	return rows * o.n
}

// apply writes z·Op (= (Op·zᵢ)ᵢ, Op being symmetric) for the rows×d matrix z
// to dst.
func (o *symOp) apply(dst, z []float64, rows int, work []float64) {
	d := o.d
	zm := blas64.General{Rows: rows, Cols: d, Stride: d, Data: z}
	dm := blas64.General{Rows: rows, Cols: d, Stride: d, Data: dst}
	if o.dense != nil {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, zm, blas64.General{Rows: d, Cols: d, Stride: d, Data: o.dense}, 0, dm)
		return
	}
	for i := range dst[:rows*d] {
		dst[i] = o.a * z[i]
	}
	if o.n == 0 {
		return
	}
	ym := blas64.General{Rows: o.n, Cols: d, Stride: d, Data: o.y}
	tm := blas64.General{Rows: rows, Cols: o.n, Stride: o.n, Data: work[:rows*o.n]}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, zm, ym, 0, tm)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, -o.a*o.a, tm, ym, 1, dm)
}
