package conv

// This file holds the two per-bin kernels of the multichannel ReduNet, the
// covariance Gram and the operator application MulBlock. They are written
// out by hand in real arithmetic: a complex multiply-add is four real
// multiplies and four real additions, the blocked loops keep their
// accumulators in registers, and every inner loop is written over slices
// re-sliced to a common length so that the compiler removes the bounds
// checks. On one core they run at about the speed of scalar floating point,
// well above gonum's generic BLAS for these small sizes (see the
// benchmarks).

// Gram computes the scaled Gram matrix of the rows of the c×m row-major
// complex matrix v,
//
//	dst = α·V·Vᴴ,  dst[a*c+b] = α·Σ_i v[a*m+i]·conj(v[b*m+i]),
//
// and returns dst, a full c×c row-major Hermitian matrix. Only the lower
// triangle is computed; the upper triangle is its conjugate mirror, and the
// diagonal is real with an imaginary part of exactly zero.
//
// Gram does not allocate unless dst is nil, in which case a new slice is
// allocated. It panics if c or m is negative, len(v) != c*m, or dst is not
// nil and len(dst) != c*c. dst must not overlap v.
func Gram(dst, v []complex128, c, m int, alpha float64) []complex128 {
	if c < 0 || m < 0 {
		panic("conv: Gram: negative dimension")
	}
	if len(v) != c*m {
		panic("conv: Gram: len(v) != c*m")
	}
	if dst == nil {
		dst = make([]complex128, c*c)
	} else if len(dst) != c*c {
		panic("conv: Gram: len(dst) != c*c")
	}
	for b := 0; b < c; b++ {
		y := v[b*m : b*m+m]
		a := b
		for ; a+3 < c; a += 4 {
			s0, s1, s2, s3 := dot4(v[a*m:a*m+m], v[(a+1)*m:(a+1)*m+m], v[(a+2)*m:(a+2)*m+m], v[(a+3)*m:(a+3)*m+m], y)
			dst[a*c+b] = scale(s0, alpha)
			dst[(a+1)*c+b] = scale(s1, alpha)
			dst[(a+2)*c+b] = scale(s2, alpha)
			dst[(a+3)*c+b] = scale(s3, alpha)
		}
		for ; a+1 < c; a += 2 {
			s0, s1 := dot2(v[a*m:a*m+m], v[(a+1)*m:(a+1)*m+m], y)
			dst[a*c+b] = scale(s0, alpha)
			dst[(a+1)*c+b] = scale(s1, alpha)
		}
		if a < c {
			dst[a*c+b] = scale(dot1(v[a*m:a*m+m], y), alpha)
		}
	}
	for a := 0; a < c; a++ {
		row := dst[a*c : a*c+c]
		row[a] = complex(real(row[a]), 0)
		for b := 0; b < a; b++ {
			s := row[b]
			dst[b*c+a] = complex(real(s), -imag(s))
		}
	}
	return dst
}

// scale returns α·s.
func scale(s complex128, alpha float64) complex128 {
	return complex(alpha*real(s), alpha*imag(s))
}

// dot4 returns Σ_i x_k[i]·conj(y[i]) for the four rows x0, …, x3, which
// must be at least as long as y. Each element of y is loaded once for four
// complex multiply-adds.
func dot4(x0, x1, x2, x3, y []complex128) (s0, s1, s2, s3 complex128) {
	x0 = x0[:len(y)]
	x1 = x1[:len(y)]
	x2 = x2[:len(y)]
	x3 = x3[:len(y)]
	var r0, i0, r1, i1, r2, i2, r3, i3 float64
	for i, p := range y {
		pr, pi := real(p), imag(p)
		a := x0[i]
		r0 += real(a)*pr + imag(a)*pi
		i0 += imag(a)*pr - real(a)*pi
		a = x1[i]
		r1 += real(a)*pr + imag(a)*pi
		i1 += imag(a)*pr - real(a)*pi
		a = x2[i]
		r2 += real(a)*pr + imag(a)*pi
		i2 += imag(a)*pr - real(a)*pi
		a = x3[i]
		r3 += real(a)*pr + imag(a)*pi
		i3 += imag(a)*pr - real(a)*pi
	}
	return complex(r0, i0), complex(r1, i1), complex(r2, i2), complex(r3, i3)
}

// dot2 is dot4 for two rows.
func dot2(x0, x1, y []complex128) (s0, s1 complex128) {
	x0 = x0[:len(y)]
	x1 = x1[:len(y)]
	var r0, i0, r1, i1 float64
	for i, p := range y {
		pr, pi := real(p), imag(p)
		a := x0[i]
		r0 += real(a)*pr + imag(a)*pi
		i0 += imag(a)*pr - real(a)*pi
		a = x1[i]
		r1 += real(a)*pr + imag(a)*pi
		i1 += imag(a)*pr - real(a)*pi
	}
	return complex(r0, i0), complex(r1, i1)
}

// dot1 is dot4 for one row.
func dot1(x, y []complex128) complex128 {
	x = x[:len(y)]
	var r, im float64
	for i, p := range y {
		pr, pi := real(p), imag(p)
		a := x[i]
		r += real(a)*pr + imag(a)*pi
		im += imag(a)*pr - real(a)*pi
	}
	return complex(r, im)
}

// MulBlock computes the product of the c×c row-major complex matrix a with
// the c×m row-major complex matrix v, added to β times dst:
//
//	dst = A·V + β·dst,  dst[r*m+i] = Σ_k a[r*c+k]·v[k*m+i] + β·dst[r*m+i],
//
// and returns dst (c×m, row-major). When β = 0 the previous contents of dst
// are not read, so they may be anything, NaN included.
//
// MulBlock does not allocate unless dst is nil, in which case a new slice is
// allocated. It panics if c or m is negative, len(a) != c*c,
// len(v) != c*m, or dst is not nil and len(dst) != c*m. dst must not
// overlap a or v.
func MulBlock(dst, a, v []complex128, c, m int, beta float64) []complex128 {
	if c < 0 || m < 0 {
		panic("conv: MulBlock: negative dimension")
	}
	if len(a) != c*c {
		panic("conv: MulBlock: len(a) != c*c")
	}
	return MulRect(dst, a, v, c, c, m, beta)
}

// MulRect computes the product of the r×q row-major complex matrix a with
// the q×n row-major complex matrix v, added to β times dst:
//
//	dst = A·V + β·dst,  dst[i*n+j] = Σ_k a[i*q+k]·v[k*n+j] + β·dst[i*n+j],
//
// and returns dst (r×n, row-major). MulBlock is the square case. When β = 0
// the previous contents of dst are not read.
//
// MulRect does not allocate unless dst is nil, in which case a new slice is
// allocated. It panics if a dimension is negative, len(a) != r*q,
// len(v) != q*n, or dst is not nil and len(dst) != r*n. dst must not overlap
// a or v.
func MulRect(dst, a, v []complex128, r, q, n int, beta float64) []complex128 {
	if r < 0 || q < 0 || n < 0 {
		panic("conv: MulRect: negative dimension")
	}
	if len(a) != r*q {
		panic("conv: MulRect: len(a) != r*q")
	}
	if len(v) != q*n {
		panic("conv: MulRect: len(v) != q*n")
	}
	if dst == nil {
		dst = make([]complex128, r*n)
	} else if len(dst) != r*n {
		panic("conv: MulRect: len(dst) != r*n")
	}
	m := n
	for row := 0; row < r; row++ {
		d := dst[row*m : row*m+m]
		switch beta {
		case 0:
			clear(d)
		case 1:
		default:
			for i, x := range d {
				d[i] = complex(beta*real(x), beta*imag(x))
			}
		}
		ar := a[row*q : row*q+q]
		k := 0
		for ; k+3 < q; k += 4 {
			axpy4(d, ar[k], ar[k+1], ar[k+2], ar[k+3],
				v[k*m:k*m+m], v[(k+1)*m:(k+1)*m+m], v[(k+2)*m:(k+2)*m+m], v[(k+3)*m:(k+3)*m+m])
		}
		for ; k+1 < q; k += 2 {
			axpy2(d, ar[k], ar[k+1], v[k*m:k*m+m], v[(k+1)*m:(k+1)*m+m])
		}
		if k < q {
			axpy1(d, ar[k], v[k*m:k*m+m])
		}
	}
	return dst
}

// axpy4 adds a0·x0 + a1·x1 + a2·x2 + a3·x3 to d; the rows x_k must be at
// least as long as d. Each element of d is loaded and stored once for four
// complex multiply-adds, and the four products are summed as a tree.
func axpy4(d []complex128, a0, a1, a2, a3 complex128, x0, x1, x2, x3 []complex128) {
	x0 = x0[:len(d)]
	x1 = x1[:len(d)]
	x2 = x2[:len(d)]
	x3 = x3[:len(d)]
	a0r, a0i := real(a0), imag(a0)
	a1r, a1i := real(a1), imag(a1)
	a2r, a2i := real(a2), imag(a2)
	a3r, a3i := real(a3), imag(a3)
	for i, s := range d {
		p0, p1, p2, p3 := x0[i], x1[i], x2[i], x3[i]
		re01 := (a0r*real(p0) - a0i*imag(p0)) + (a1r*real(p1) - a1i*imag(p1))
		im01 := (a0r*imag(p0) + a0i*real(p0)) + (a1r*imag(p1) + a1i*real(p1))
		re23 := (a2r*real(p2) - a2i*imag(p2)) + (a3r*real(p3) - a3i*imag(p3))
		im23 := (a2r*imag(p2) + a2i*real(p2)) + (a3r*imag(p3) + a3i*real(p3))
		d[i] = complex(real(s)+(re01+re23), imag(s)+(im01+im23))
	}
}

// axpy2 is axpy4 for two rows.
func axpy2(d []complex128, a0, a1 complex128, x0, x1 []complex128) {
	x0 = x0[:len(d)]
	x1 = x1[:len(d)]
	a0r, a0i := real(a0), imag(a0)
	a1r, a1i := real(a1), imag(a1)
	for i, s := range d {
		p0, p1 := x0[i], x1[i]
		re := (a0r*real(p0) - a0i*imag(p0)) + (a1r*real(p1) - a1i*imag(p1))
		im := (a0r*imag(p0) + a0i*real(p0)) + (a1r*imag(p1) + a1i*real(p1))
		d[i] = complex(real(s)+re, imag(s)+im)
	}
}

// axpy1 is axpy4 for one row.
func axpy1(d []complex128, a complex128, x []complex128) {
	x = x[:len(d)]
	ar, ai := real(a), imag(a)
	for i, s := range d {
		p := x[i]
		d[i] = complex(real(s)+(ar*real(p)-ai*imag(p)), imag(s)+(ar*imag(p)+ai*real(p)))
	}
}
