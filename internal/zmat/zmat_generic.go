package zmat

// This file holds the pure-Go kernels. They are the implementation on
// platforms without assembly, under the build tag purego and on amd64 CPUs
// without AVX2 and FMA, and the reference the assembly is tested against.
//
// Every output element is computed by the same code whatever its position,
// so the pure-Go kernels are deterministic in the sense of the package
// documentation too. Gram rounds every product explicitly (float64(x*y)),
// which forbids the compiler to fuse it into an FMA on some elements and
// not on others.

// mulGo is Mul in pure Go: each row of dst is scaled by beta and then
// accumulates the rows of V, four at a time, weighted by the row of A.
func mulGo(dst, a, v []complex128, r, q, n int, beta float64) {
	for row := 0; row < r; row++ {
		d := dst[row*n : row*n+n]
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
				v[k*n:k*n+n], v[(k+1)*n:(k+1)*n+n], v[(k+2)*n:(k+2)*n+n], v[(k+3)*n:(k+3)*n+n])
		}
		for ; k+1 < q; k += 2 {
			axpy2(d, ar[k], ar[k+1], v[k*n:k*n+n], v[(k+1)*n:(k+1)*n+n])
		}
		if k < q {
			axpy1(d, ar[k], v[k*n:k*n+n])
		}
	}
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

// mul64Go is mulGo for complex64.
func mul64Go(dst, a, v []complex64, r, q, n int, beta float32) {
	for row := 0; row < r; row++ {
		d := dst[row*n : row*n+n]
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
			axpy4f(d, ar[k], ar[k+1], ar[k+2], ar[k+3],
				v[k*n:k*n+n], v[(k+1)*n:(k+1)*n+n], v[(k+2)*n:(k+2)*n+n], v[(k+3)*n:(k+3)*n+n])
		}
		for ; k+1 < q; k += 2 {
			axpy2f(d, ar[k], ar[k+1], v[k*n:k*n+n], v[(k+1)*n:(k+1)*n+n])
		}
		if k < q {
			axpy1f(d, ar[k], v[k*n:k*n+n])
		}
	}
}

// axpy4f is axpy4 for complex64.
func axpy4f(d []complex64, a0, a1, a2, a3 complex64, x0, x1, x2, x3 []complex64) {
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

// axpy2f is axpy2 for complex64.
func axpy2f(d []complex64, a0, a1 complex64, x0, x1 []complex64) {
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

// axpy1f is axpy1 for complex64.
func axpy1f(d []complex64, a complex64, x []complex64) {
	x = x[:len(d)]
	ar, ai := real(a), imag(a)
	for i, s := range d {
		p := x[i]
		d[i] = complex(real(s)+(ar*real(p)-ai*imag(p)), imag(s)+(ar*imag(p)+ai*real(p)))
	}
}

// gramGo is Gram in pure Go: the lower triangle in 2×2 blocks of inner
// products (four running sums from four loaded values per step), then the
// mirror. Every element is the same running sum
//
//	s += x·conj(y)  (re += xr·yr + xi·yi, im += xi·yr − xr·yi)
//
// over i = 0…m−1 in order, whichever block or edge computes it.
func gramGo(dst, v []complex128, c, m int, alpha float64) {
	a := 0
	for ; a+1 < c; a += 2 {
		x0, x1 := v[a*m:a*m+m], v[(a+1)*m:(a+1)*m+m]
		for b := 0; b <= a; b += 2 {
			y0, y1 := v[b*m:b*m+m], v[(b+1)*m:(b+1)*m+m]
			s00, s01, s10, s11 := dot2x2(x0, x1, y0, y1)
			put(dst, c, a, b, s00, alpha)
			put(dst, c, a+1, b, s10, alpha)
			put(dst, c, a+1, b+1, s11, alpha)
			if b+1 < a {
				put(dst, c, a, b+1, s01, alpha)
			}
		}
	}
	if a < c { // the last row when c is odd
		x := v[a*m : a*m+m]
		b := 0
		for ; b+1 < a; b += 2 {
			s0, s1 := dot1x2(x, v[b*m:b*m+m], v[(b+1)*m:(b+1)*m+m])
			put(dst, c, a, b, s0, alpha)
			put(dst, c, a, b+1, s1, alpha)
		}
		for ; b <= a; b++ {
			put(dst, c, a, b, dot1x1(x, v[b*m:b*m+m]), alpha)
		}
	}
}

// put stores alpha·s at (a, b), a ≥ b, and its conjugate at (b, a); on the
// diagonal the imaginary part is zero.
func put(dst []complex128, c, a, b int, s complex128, alpha float64) {
	re, im := alpha*real(s), alpha*imag(s)
	if a == b {
		dst[a*c+a] = complex(re, 0)
		return
	}
	dst[a*c+b] = complex(re, im)
	dst[b*c+a] = complex(re, -im)
}

// dot2x2 returns Σ x_s·conj(y_t) for the four pairs of rows; all rows must
// have the length of x0.
func dot2x2(x0, x1, y0, y1 []complex128) (s00, s01, s10, s11 complex128) {
	x1 = x1[:len(x0)]
	y0 = y0[:len(x0)]
	y1 = y1[:len(x0)]
	var r00, i00, r01, i01, r10, i10, r11, i11 float64
	for i, p := range x0 {
		p0r, p0i := real(p), imag(p)
		p1r, p1i := real(x1[i]), imag(x1[i])
		q0r, q0i := real(y0[i]), imag(y0[i])
		q1r, q1i := real(y1[i]), imag(y1[i])
		r00 += float64(p0r*q0r) + float64(p0i*q0i)
		i00 += float64(p0i*q0r) - float64(p0r*q0i)
		r01 += float64(p0r*q1r) + float64(p0i*q1i)
		i01 += float64(p0i*q1r) - float64(p0r*q1i)
		r10 += float64(p1r*q0r) + float64(p1i*q0i)
		i10 += float64(p1i*q0r) - float64(p1r*q0i)
		r11 += float64(p1r*q1r) + float64(p1i*q1i)
		i11 += float64(p1i*q1r) - float64(p1r*q1i)
	}
	return complex(r00, i00), complex(r01, i01), complex(r10, i10), complex(r11, i11)
}

// dot1x2 is dot2x2 for one row x.
func dot1x2(x, y0, y1 []complex128) (s0, s1 complex128) {
	y0 = y0[:len(x)]
	y1 = y1[:len(x)]
	var r0, i0, r1, i1 float64
	for i, p := range x {
		pr, pi := real(p), imag(p)
		q0r, q0i := real(y0[i]), imag(y0[i])
		q1r, q1i := real(y1[i]), imag(y1[i])
		r0 += float64(pr*q0r) + float64(pi*q0i)
		i0 += float64(pi*q0r) - float64(pr*q0i)
		r1 += float64(pr*q1r) + float64(pi*q1i)
		i1 += float64(pi*q1r) - float64(pr*q1i)
	}
	return complex(r0, i0), complex(r1, i1)
}

// dot1x1 is dot2x2 for one pair of rows.
func dot1x1(x, y []complex128) complex128 {
	y = y[:len(x)]
	var re, im float64
	for i, p := range x {
		pr, pi := real(p), imag(p)
		qr, qi := real(y[i]), imag(y[i])
		re += float64(pr*qr) + float64(pi*qi)
		im += float64(pi*qr) - float64(pr*qi)
	}
	return complex(re, im)
}

// gram64Go is gramGo for complex64, accumulating in float32.
func gram64Go(dst, v []complex64, c, m int, alpha float32) {
	a := 0
	for ; a+1 < c; a += 2 {
		x0, x1 := v[a*m:a*m+m], v[(a+1)*m:(a+1)*m+m]
		for b := 0; b <= a; b += 2 {
			y0, y1 := v[b*m:b*m+m], v[(b+1)*m:(b+1)*m+m]
			s00, s01, s10, s11 := dot2x2f(x0, x1, y0, y1)
			put64(dst, c, a, b, s00, alpha)
			put64(dst, c, a+1, b, s10, alpha)
			put64(dst, c, a+1, b+1, s11, alpha)
			if b+1 < a {
				put64(dst, c, a, b+1, s01, alpha)
			}
		}
	}
	if a < c {
		x := v[a*m : a*m+m]
		b := 0
		for ; b+1 < a; b += 2 {
			s0, s1 := dot1x2f(x, v[b*m:b*m+m], v[(b+1)*m:(b+1)*m+m])
			put64(dst, c, a, b, s0, alpha)
			put64(dst, c, a, b+1, s1, alpha)
		}
		for ; b <= a; b++ {
			put64(dst, c, a, b, dot1x1f(x, v[b*m:b*m+m]), alpha)
		}
	}
}

// put64 is put for complex64.
func put64(dst []complex64, c, a, b int, s complex64, alpha float32) {
	re, im := alpha*real(s), alpha*imag(s)
	if a == b {
		dst[a*c+a] = complex(re, 0)
		return
	}
	dst[a*c+b] = complex(re, im)
	dst[b*c+a] = complex(re, -im)
}

// dot2x2f is dot2x2 for complex64.
func dot2x2f(x0, x1, y0, y1 []complex64) (s00, s01, s10, s11 complex64) {
	x1 = x1[:len(x0)]
	y0 = y0[:len(x0)]
	y1 = y1[:len(x0)]
	var r00, i00, r01, i01, r10, i10, r11, i11 float32
	for i, p := range x0 {
		p0r, p0i := real(p), imag(p)
		p1r, p1i := real(x1[i]), imag(x1[i])
		q0r, q0i := real(y0[i]), imag(y0[i])
		q1r, q1i := real(y1[i]), imag(y1[i])
		r00 += float32(p0r*q0r) + float32(p0i*q0i)
		i00 += float32(p0i*q0r) - float32(p0r*q0i)
		r01 += float32(p0r*q1r) + float32(p0i*q1i)
		i01 += float32(p0i*q1r) - float32(p0r*q1i)
		r10 += float32(p1r*q0r) + float32(p1i*q0i)
		i10 += float32(p1i*q0r) - float32(p1r*q0i)
		r11 += float32(p1r*q1r) + float32(p1i*q1i)
		i11 += float32(p1i*q1r) - float32(p1r*q1i)
	}
	return complex(r00, i00), complex(r01, i01), complex(r10, i10), complex(r11, i11)
}

// dot1x2f is dot1x2 for complex64.
func dot1x2f(x, y0, y1 []complex64) (s0, s1 complex64) {
	y0 = y0[:len(x)]
	y1 = y1[:len(x)]
	var r0, i0, r1, i1 float32
	for i, p := range x {
		pr, pi := real(p), imag(p)
		q0r, q0i := real(y0[i]), imag(y0[i])
		q1r, q1i := real(y1[i]), imag(y1[i])
		r0 += float32(pr*q0r) + float32(pi*q0i)
		i0 += float32(pi*q0r) - float32(pr*q0i)
		r1 += float32(pr*q1r) + float32(pi*q1i)
		i1 += float32(pi*q1r) - float32(pr*q1i)
	}
	return complex(r0, i0), complex(r1, i1)
}

// dot1x1f is dot1x1 for complex64.
func dot1x1f(x, y []complex64) complex64 {
	y = y[:len(x)]
	var re, im float32
	for i, p := range x {
		pr, pi := real(p), imag(p)
		qr, qi := real(y[i]), imag(y[i])
		re += float32(pr*qr) + float32(pi*qi)
		im += float32(pi*qr) - float32(pr*qi)
	}
	return complex(re, im)
}
